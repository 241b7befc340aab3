import Foundation
import Planning

/// The launch-command text of `export deploy --format vllm|sglang`: a header saying how to use
/// it, then per group a comment line (model, GPU, role, replicas, layout, planned capacity) and
/// the command to run once per replica, or for a multi-node group one command per rank.
/// ```
/// let text = try LaunchScript(engine: VLLMExporter(), options: DeployExportOptions()).render(plan)
/// ```
struct LaunchScript {
    var engine: any ServingEngine
    var options: DeployExportOptions

    /// The shell variable a multi-node replica's ranks use for the head machine's address.
    static let headAddress = "$HEAD_ADDR"

    func render(_ plan: DeployPlan) throws(PlanningError) -> String {
        let groups = try ExportGroup.groups(of: plan, repositories: options.repositories)
        var lines = [
            "# \(engine.engineName) launch commands for plan '\(plan.name)' (gpusched export deploy --format \(engine.engineName)).",
            "# Run each group's command once per replica, on a machine of the group's GPU type with TP GPUs free.",
        ]
        if groups.contains(where: \.isMultiNode) {
            lines.append("# Multi-node groups (PP > 1): one machine per rank, rank 0 serving HTTP; set HEAD_ADDR to rank 0's")
            lines.append("# address on every rank.")
        }
        if groups.contains(where: { $0.group.role != .aggregated }) {
            lines.append("# Prefill/decode groups: set HOST_IP to the machine's own address where the command uses it;")
            lines.append("# route each request to a prefill server, then a decode server of the same model.")
        }
        for group in groups {
            let context = LaunchContext(
                port: options.port + group.index, leaderAddress: Self.headAddress, hostAddress: .podIP, groups: groups)
            lines += ["", "# " + Self.describe(group)]
            if group.isMultiNode {
                lines.append("# rank 0 (head, serves HTTP):")
                lines.append(try engine.invocation(group, in: context, rank: .leader).shellLine)
                for rank in 1..<group.group.pp {
                    lines.append("# rank \(rank):")
                    lines.append(try engine.invocation(group, in: context, rank: .worker(String(rank))).shellLine)
                }
            } else {
                lines.append(try engine.invocation(group, in: context, rank: .only).shellLine)
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `g1-…: llama-3.1-8b on H100-80GB, aggregated, 4 replicas × TP 1 × PP 1 (1 GPU each), 12.5 req/s per replica`.
    static func describe(_ group: ExportGroup) -> String {
        let g = group.group
        let replicas = g.count == 1 ? "1 replica" : "\(g.count) replicas"
        let gpus = g.gpusPerReplica == 1 ? "1 GPU" : "\(g.gpusPerReplica) GPUs"
        let machines = g.pp > 1 ? " on \(g.pp) machines" : ""
        return "\(group.name): \(g.model) on \(g.gpu), \(g.role.rawValue), \(replicas) × TP \(g.tp) × PP \(g.pp) "
            + "(\(gpus) each\(machines)), \(String(format: "%.2f", g.capacityPerReplica)) req/s per replica"
    }
}
