import Planning

/// Writes a deployment plan in what a serving engine or cluster reads (`gpusched export deploy`).
/// ```
/// let exporter: any DeployExporter = KubernetesExporter(engine: VLLMExporter())
/// let manifests = try exporter.export(plan, options: DeployExportOptions(namespace: "serving"))
/// ```
public protocol DeployExporter: Sendable {
    /// The whole output for `plan` (bad input for a model or GPU the tables do not know).
    func export(_ plan: DeployPlan, options: DeployExportOptions) throws(PlanningError) -> String
}

/// The formats of `export deploy --format`.
public enum DeployExportFormat: String, Sendable, Hashable, CaseIterable {
    /// `vllm serve` commands.
    case vllm
    /// `python3 -m sglang.launch_server` commands.
    case sglang
    /// Kubernetes manifests (one YAML stream).
    case k8s
}

/// Settings every exporter shares.
public struct DeployExportOptions: Sendable, Hashable {
    /// Catalog model → Hugging Face repository.
    public var repositories: ModelRepositories
    /// Catalog GPU → `nvidia.com/gpu.product` label (Kubernetes only).
    public var gpuLabels: GPUProductLabels
    /// The HTTP port: every pod's under Kubernetes; the first group's in launch commands, the
    /// next group's one higher, and so on (so groups sharing a machine do not collide).
    public var port: Int
    /// The Kubernetes namespace of every object (none: the one `kubectl apply` uses).
    public var namespace: String?
    /// The container image (none: the engine's `defaultImage`).
    public var image: String?
    /// The router's container image, one with `gpusched` on its PATH (none: `gpusched:latest`,
    /// built locally: no image is published).
    public var routerImage: String?
    /// Router pods behind its Service (they share no state; see the router's notes).
    public var routerReplicas: Int

    public init(
        repositories: ModelRepositories = ModelRepositories(), gpuLabels: GPUProductLabels = GPUProductLabels(), port: Int = 8000,
        namespace: String? = nil, image: String? = nil, routerImage: String? = nil, routerReplicas: Int = 2
    ) {
        self.routerImage = routerImage
        self.routerReplicas = routerReplicas
        self.repositories = repositories
        self.gpuLabels = gpuLabels
        self.port = port
        self.namespace = namespace
        self.image = image
    }
}
