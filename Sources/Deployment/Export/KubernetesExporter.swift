import Planning

/// `export deploy --format k8s`: one YAML stream with, per group, a Deployment (PP = 1:
/// replicas = the group's count, one pod per replica) or a LeaderWorkerSet (PP > 1: one group of
/// PP pods per replica, `size` = PP, the leader serving HTTP), and a Service; then the ConfigMap
/// `gpusched-routing` holding the `RoutingConfig`; then the router (`gpusched serve`): its
/// ConfigMap, Deployment and Service (`KubernetesExporter+Router.swift`).
///
/// Every pod asks for `nvidia.com/gpu: TP` (its pipeline stage's GPUs), selects nodes by GFD's
/// `nvidia.com/gpu.product` label (`GPUProductLabels`), mounts a memory-backed `/dev/shm` (the
/// engines' NCCL and worker processes use shared memory) and runs the engine's command.
/// LeaderWorkerSet (leaderworkerset.x-k8s.io/v1, kubernetes-sigs/lws) injects
/// `LWS_LEADER_ADDRESS` and `LWS_WORKER_INDEX` into its pods; the commands refer to them as
/// `$(LWS_LEADER_ADDRESS)` and `$(LWS_WORKER_INDEX)`, which Kubernetes expands in `args`.
/// ```
/// let yaml = try KubernetesExporter(engine: SGLangExporter()).export(plan, options: DeployExportOptions())
/// ```
public struct KubernetesExporter: DeployExporter {
    /// The ConfigMap with the routing config.
    public static let routingConfigMap = "gpusched-routing"
    /// The ConfigMap's key.
    public static let routingKey = "routing.json"
    /// The label every object carries, and the one that selects a group's pods.
    public static let partOfLabel = "app.kubernetes.io/part-of"
    public static let groupLabel = "gpusched.io/group"
    /// `leader` or `worker` on a LeaderWorkerSet's pods (its Service selects the leaders).
    public static let podRoleLabel = "gpusched.io/pod-role"

    public var engine: any ServingEngine

    public init(engine: any ServingEngine = VLLMExporter()) {
        self.engine = engine
    }

    /// The Service of a group: `<group>-api` (a LeaderWorkerSet makes a headless Service named
    /// after itself, so the group's own name is taken).
    public static func serviceName(_ group: ExportGroup) -> String { group.name + "-api" }

    public func export(_ plan: DeployPlan, options: DeployExportOptions) throws(PlanningError) -> String {
        let groups = try ExportGroup.groups(of: plan, repositories: options.repositories)
        if let namespace = options.namespace, !Self.isDNSLabel(namespace) {
            throw .badInput("namespace '\(namespace)' is not a DNS-1123 label (lower-case letters, digits and '-', at most 63)")
        }
        var documents: [YAMLNode] = []
        for group in groups {
            let label = try options.gpuLabels.label(for: group.group.gpu)
            documents.append(group.isMultiNode
                ? try leaderWorkerSet(group, label: label, groups: groups, options: options)
                : try deployment(group, label: label, groups: groups, options: options))
            documents.append(try service(group, options: options))
        }
        let bootstrap = engine is SGLangExporter ? SGLangExporter.bootstrapPort : nil
        let routing = RoutingConfig(
            plan: plan, groups: groups, engine: engine.engineName, port: options.port, namespace: options.namespace,
            bootstrapPort: bootstrap)
        documents.append(.map([
            YAMLEntry("apiVersion", .string("v1")), YAMLEntry("kind", .string("ConfigMap")),
            YAMLEntry("metadata", metadata(Self.routingConfigMap, labels: [], options: options)),
            YAMLEntry("data", .map([YAMLEntry(Self.routingKey, .literal(try routing.json()))])),
        ]))
        documents += try routerDocuments(routing: routing, options: options)
        var header = "# gpusched export deploy --format k8s: plan '\(plan.name)', engine \(engine.engineName), "
            + "\(groups.count) groups, \(plan.totalGPUs) GPUs\n"
        if Self.serveConfig(routing) == nil {
            header += "# No router (gpusched-router): every model is disaggregated, and gpusched serve does not hand requests from "
                + "prefill to decode servers; put the engine's PD proxy in front of their Services.\n"
        }
        return header + documents.map { "---\n" + $0.render() }.joined()
    }

    private func labels(_ group: ExportGroup) -> [YAMLEntry] {
        [
            YAMLEntry(Self.groupLabel, .string(group.name)),
            YAMLEntry("gpusched.io/model", .string(Self.labelValue(group.group.model))),
            YAMLEntry("gpusched.io/role", .string(group.group.role.rawValue)),
        ]
    }

    func metadata(_ name: String, labels: [YAMLEntry], options: DeployExportOptions) -> YAMLNode {
        var entries = [YAMLEntry("name", .string(name))]
        if let namespace = options.namespace { entries.append(YAMLEntry("namespace", .string(namespace))) }
        entries.append(YAMLEntry("labels", .map([YAMLEntry(Self.partOfLabel, .string("gpusched"))] + labels)))
        return .map(entries)
    }

    private func deployment(_ group: ExportGroup, label: String, groups: [ExportGroup], options: DeployExportOptions) throws(PlanningError) -> YAMLNode {
        let template = try podTemplate(group, rank: .only, label: label, groups: groups, options: options)
        return .map([
            YAMLEntry("apiVersion", .string("apps/v1")), YAMLEntry("kind", .string("Deployment")),
            YAMLEntry("metadata", metadata(group.name, labels: labels(group), options: options)),
            YAMLEntry("spec", .map([
                YAMLEntry("replicas", .int(group.group.count)),
                YAMLEntry("selector", .map([YAMLEntry("matchLabels", .map([YAMLEntry(Self.groupLabel, .string(group.name))]))])),
                YAMLEntry("template", template),
            ])),
        ])
    }

    private func leaderWorkerSet(_ group: ExportGroup, label: String, groups: [ExportGroup], options: DeployExportOptions) throws(PlanningError) -> YAMLNode {
        let leader = try podTemplate(group, rank: .leader, label: label, groups: groups, options: options)
        let worker = try podTemplate(group, rank: .worker("$(LWS_WORKER_INDEX)"), label: label, groups: groups, options: options)
        return .map([
            YAMLEntry("apiVersion", .string("leaderworkerset.x-k8s.io/v1")), YAMLEntry("kind", .string("LeaderWorkerSet")),
            YAMLEntry("metadata", metadata(group.name, labels: labels(group), options: options)),
            YAMLEntry("spec", .map([
                YAMLEntry("replicas", .int(group.group.count)),
                YAMLEntry("startupPolicy", .string("LeaderCreated")),
                YAMLEntry("leaderWorkerTemplate", .map([
                    YAMLEntry("size", .int(group.group.pp)),
                    YAMLEntry("restartPolicy", .string("RecreateGroupOnPodRestart")),
                    YAMLEntry("leaderTemplate", leader),
                    YAMLEntry("workerTemplate", worker),
                ])),
            ])),
        ])
    }

    private func podTemplate(
        _ group: ExportGroup, rank: ReplicaRank, label: String, groups: [ExportGroup], options: DeployExportOptions
    ) throws(PlanningError) -> YAMLNode {
        let context = LaunchContext(port: options.port, leaderAddress: "$(LWS_LEADER_ADDRESS)", hostAddress: .podIP, groups: groups)
        let launch = try engine.invocation(group, in: context, rank: rank)
        var podLabels = labels(group)
        switch rank {
        case .only: break
        case .leader: podLabels.append(YAMLEntry(Self.podRoleLabel, .string("leader")))
        case .worker: podLabels.append(YAMLEntry(Self.podRoleLabel, .string("worker")))
        }
        var container: [YAMLEntry] = [
            YAMLEntry("name", .string("engine")),
            YAMLEntry("image", .string(options.image ?? engine.defaultImage)),
            YAMLEntry("command", .list(launch.program.map(YAMLNode.string))),
            YAMLEntry("args", .list(launch.arguments.map(YAMLNode.string))),
        ]
        if !launch.environment.isEmpty {
            container.append(YAMLEntry("env", .list(launch.environment.map { variable in
                switch variable.value {
                case .literal(let value):
                    return .map([YAMLEntry("name", .string(variable.name)), YAMLEntry("value", .string(value))])
                case .podIP:
                    return .map([
                        YAMLEntry("name", .string(variable.name)),
                        YAMLEntry("valueFrom", .map([YAMLEntry("fieldRef", .map([YAMLEntry("fieldPath", .string("status.podIP"))]))])),
                    ])
                }
            })))
        }
        let ports = [EnginePort(name: "http", port: options.port)] + launch.ports
        container.append(YAMLEntry("ports", .list(ports.map {
            .map([YAMLEntry("name", .string($0.name)), YAMLEntry("containerPort", .int($0.port))])
        })))
        if case .worker = rank {} else {
            container.append(YAMLEntry("readinessProbe", .map([
                YAMLEntry("httpGet", .map([YAMLEntry("path", .string("/health")), YAMLEntry("port", .string("http"))])),
                YAMLEntry("periodSeconds", .int(10)),
            ])))
        }
        container += [
            YAMLEntry("resources", .map([YAMLEntry("limits", .map([YAMLEntry("nvidia.com/gpu", .string(String(group.group.tp)))]))])),
            YAMLEntry("volumeMounts", .list([.map([YAMLEntry("name", .string("dshm")), YAMLEntry("mountPath", .string("/dev/shm"))])])),
        ]
        return .map([
            YAMLEntry("metadata", .map([YAMLEntry("labels", .map([YAMLEntry(Self.partOfLabel, .string("gpusched"))] + podLabels))])),
            YAMLEntry("spec", .map([
                YAMLEntry("nodeSelector", .map([YAMLEntry(GPUProductLabels.key, .string(label))])),
                YAMLEntry("containers", .list([.map(container)])),
                YAMLEntry("volumes", .list([.map([
                    YAMLEntry("name", .string("dshm")),
                    YAMLEntry("emptyDir", .map([YAMLEntry("medium", .string("Memory"))])),
                ])])),
            ])),
        ])
    }

    private func service(_ group: ExportGroup, options: DeployExportOptions) throws(PlanningError) -> YAMLNode {
        let context = LaunchContext(port: options.port, leaderAddress: "$(LWS_LEADER_ADDRESS)", hostAddress: .podIP, groups: [group])
        let extra = try engine.invocation(group, in: context, rank: group.isMultiNode ? .leader : .only).ports
        var selector = [YAMLEntry(Self.groupLabel, .string(group.name))]
        if group.isMultiNode { selector.append(YAMLEntry(Self.podRoleLabel, .string("leader"))) }
        let ports = [EnginePort(name: "http", port: options.port)] + extra
        return .map([
            YAMLEntry("apiVersion", .string("v1")), YAMLEntry("kind", .string("Service")),
            YAMLEntry("metadata", metadata(Self.serviceName(group), labels: labels(group), options: options)),
            YAMLEntry("spec", .map([
                YAMLEntry("selector", .map(selector)),
                YAMLEntry("ports", .list(ports.map {
                    .map([YAMLEntry("name", .string($0.name)), YAMLEntry("port", .int($0.port)), YAMLEntry("targetPort", .string($0.name))])
                })),
            ])),
        ])
    }

    /// A label value: at most 63 characters of letters, digits, `-`, `_`, `.`, starting and ending
    /// with a letter or digit (other characters become `-`).
    static func labelValue(_ text: String) -> String {
        var out = String(String.UnicodeScalarView(text.unicodeScalars.map { scalar in
            scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || "-_.".unicodeScalars.contains(scalar))
                ? scalar : "-"
        }).prefix(63))
        while let last = out.unicodeScalars.last, !(last.properties.isAlphabetic || ("0"..."9").contains(last)) { out.removeLast() }
        while let first = out.unicodeScalars.first, !(first.properties.isAlphabetic || ("0"..."9").contains(first)) { out.removeFirst() }
        return out
    }

    /// A DNS-1123 label: 1–63 lower-case letters, digits and `-`, starting and ending with a letter or digit.
    static func isDNSLabel(_ text: String) -> Bool {
        guard (1...63).contains(text.count), let first = text.unicodeScalars.first, let last = text.unicodeScalars.last else { return false }
        func alnum(_ s: Unicode.Scalar) -> Bool { ("a"..."z").contains(s) || ("0"..."9").contains(s) }
        return alnum(first) && alnum(last) && text.unicodeScalars.allSatisfy { alnum($0) || $0 == "-" }
    }
}
