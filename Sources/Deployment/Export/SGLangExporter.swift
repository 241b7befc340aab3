import Planning

/// `export deploy --format sglang`: one `python3 -m sglang.launch_server` command per replica
/// group (per rank for multi-node groups), and SGLang's commands inside the Kubernetes manifests.
///
/// Flags (SGLang's docs/advanced_features/server_arguments.md): `--tp-size` = TP, `--pp-size` = PP,
/// `--max-running-requests` = the planned batch cap, `--chunked-prefill-size` = the planned chunk,
/// `--mem-fraction-static` = the plan's memory share, `--served-model-name` = the catalog name,
/// `--host 0.0.0.0 --port P`. SGLang's fraction covers weights and the KV pool while vLLM's
/// covers activations too, so the same number gives SGLang a slightly larger KV pool than planned.
/// - Prefill/decode groups (docs/advanced_features/pd_disaggregation.md):
///   `--disaggregation-mode prefill|decode`, `--disaggregation-transfer-backend nixl|mooncake`;
///   prefill servers `--disaggregation-bootstrap-port 8998` (the default, which the router needs);
///   decode servers `--disaggregation-prefill-pp PP` when their model's prefill groups are pipelined.
/// - Multi-node replicas (PP > 1): `--dist-init-addr HEAD:20000 --nnodes PP --node-rank R`.
/// ```
/// let text = try SGLangExporter(transferBackend: .mooncake).export(plan, options: DeployExportOptions())
/// ```
public struct SGLangExporter: DeployExporter, ServingEngine {
    /// SGLang's KV transfer engines for prefill/decode disaggregation.
    public enum TransferBackend: String, Sendable, Hashable, CaseIterable {
        case nixl
        case mooncake
    }

    /// The prefill servers' bootstrap port (SGLang's default).
    public static let bootstrapPort = 8998
    /// The port of a multi-node replica's torch.distributed rendezvous on its leader.
    public static let distributedInitPort = 20000

    public var transferBackend: TransferBackend

    public init(transferBackend: TransferBackend = .nixl) {
        self.transferBackend = transferBackend
    }

    public var engineName: String { "sglang" }
    /// SGLang's image (Docker Hub `lmsysorg/sglang`).
    public var defaultImage: String { "lmsysorg/sglang:latest" }

    public func export(_ plan: DeployPlan, options: DeployExportOptions) throws(PlanningError) -> String {
        try LaunchScript(engine: self, options: options).render(plan)
    }

    public func invocation(_ group: ExportGroup, in context: LaunchContext, rank: ReplicaRank) throws(PlanningError) -> EngineInvocation {
        let g = group.group
        var arguments = [
            "--model-path", group.repository, "--served-model-name", g.model, "--host", "0.0.0.0", "--port", String(context.port),
            "--tp-size", String(g.tp), "--pp-size", String(g.pp), "--max-running-requests", String(g.maxBatch),
            "--chunked-prefill-size", String(g.chunkTokens), "--mem-fraction-static", g.memoryUtilization.flagText,
        ]
        var ports: [EnginePort] = []
        if g.role != .aggregated {
            arguments += ["--disaggregation-mode", g.role.rawValue, "--disaggregation-transfer-backend", transferBackend.rawValue]
            if g.role == .prefill {
                arguments += ["--disaggregation-bootstrap-port", String(Self.bootstrapPort)]
                ports = [EnginePort(name: "bootstrap", port: Self.bootstrapPort)]
            } else {
                let prefillPP = Set(context.groups.filter { $0.group.model == g.model && $0.group.role == .prefill }.map(\.group.pp))
                if prefillPP.count > 1 {
                    throw .badInput("SGLang decode servers take one --disaggregation-prefill-pp, but \(g.model)'s prefill groups "
                        + "have PP " + prefillPP.sorted().map(String.init).joined(separator: " and "))
                }
                if let pp = prefillPP.first, pp > 1 { arguments += ["--disaggregation-prefill-pp", String(pp)] }
            }
        }
        if rank != .only {
            arguments += [
                "--dist-init-addr", context.leaderAddress + ":" + String(Self.distributedInitPort), "--nnodes", String(g.pp),
                "--node-rank", rank.text,
            ]
        }
        return EngineInvocation(program: ["python3", "-m", "sglang.launch_server"], arguments: arguments, ports: ports)
    }
}
