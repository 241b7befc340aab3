import Planning

/// `export deploy --format vllm`: one `vllm serve` command per replica group (per rank for
/// multi-node groups), and vLLM's commands inside the Kubernetes manifests.
///
/// Flags (vLLM's engine arguments, docs.vllm.ai "Engine Arguments"): `--tensor-parallel-size` = TP,
/// `--pipeline-parallel-size` = PP, `--max-num-seqs` = the planned batch cap,
/// `--max-num-batched-tokens` = the planned chunk, `--gpu-memory-utilization` = the plan's memory
/// share, `--served-model-name` = the catalog name (what the routing config names the model),
/// `--host 0.0.0.0 --port P`.
/// - Prefill/decode groups: `--kv-transfer-config` with vLLM's NixlConnector, `kv_role`
///   `kv_producer` on prefill and `kv_consumer` on decode, and `VLLM_NIXL_SIDE_CHANNEL_HOST` /
///   `VLLM_NIXL_SIDE_CHANNEL_PORT` (default 5600) for the NIXL handshake, as in vLLM's
///   docs/features/nixl_connector_usage.md ("Multi-Instance Setup", "Environment Variables").
///   A proxy sends each request to a prefill then a decode server (the routing config lists both).
/// - Multi-node replicas (PP > 1, one stage per machine): vLLM's multiprocessing launch from
///   docs/serving/parallelism_scaling.md ("Running vLLM with MultiProcessing"): every rank gets
///   `--nnodes PP --node-rank R --master-addr HEAD`, the workers also `--headless`.
/// ```
/// let text = try VLLMExporter().export(plan, options: DeployExportOptions())
/// ```
public struct VLLMExporter: DeployExporter, ServingEngine {
    /// The port of the NIXL handshake (vLLM's default).
    public static let sideChannelPort = 5600

    public init() {}

    public var engineName: String { "vllm" }
    /// vLLM's OpenAI-compatible server image (Docker Hub `vllm/vllm-openai`).
    public var defaultImage: String { "vllm/vllm-openai:latest" }

    public func export(_ plan: DeployPlan, options: DeployExportOptions) throws(PlanningError) -> String {
        try LaunchScript(engine: self, options: options).render(plan)
    }

    public func invocation(_ group: ExportGroup, in context: LaunchContext, rank: ReplicaRank) throws(PlanningError) -> EngineInvocation {
        let g = group.group
        var arguments = [
            group.repository, "--served-model-name", g.model, "--host", "0.0.0.0", "--port", String(context.port),
            "--tensor-parallel-size", String(g.tp), "--pipeline-parallel-size", String(g.pp),
            "--max-num-seqs", String(g.maxBatch), "--max-num-batched-tokens", String(g.chunkTokens),
            "--gpu-memory-utilization", g.memoryUtilization.flagText,
        ]
        var environment: [EnvironmentVariable] = []
        var ports: [EnginePort] = []
        if g.role != .aggregated {
            let role = g.role == .prefill ? "kv_producer" : "kv_consumer"
            arguments += ["--kv-transfer-config", "{\"kv_connector\":\"NixlConnector\",\"kv_role\":\"\(role)\"}"]
            environment = [
                EnvironmentVariable("VLLM_NIXL_SIDE_CHANNEL_HOST", context.hostAddress),
                EnvironmentVariable("VLLM_NIXL_SIDE_CHANNEL_PORT", .literal(String(Self.sideChannelPort))),
            ]
            ports = [EnginePort(name: "nixl", port: Self.sideChannelPort)]
        }
        if rank != .only {
            arguments += ["--nnodes", String(g.pp), "--node-rank", rank.text, "--master-addr", context.leaderAddress]
            if case .worker = rank { arguments.append("--headless") }
        }
        return EngineInvocation(environment: environment, program: ["vllm", "serve"], arguments: arguments, ports: ports)
    }
}
