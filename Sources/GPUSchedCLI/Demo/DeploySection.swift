import Deployment
import Planning
import ServingModel

/// Demo section: the fleet deployment planner (`plan deploy`) on a small built-in problem —
/// Llama-3.1-8B and Qwen3-8B with their own traffic and SLOs on up to 16 H100s and 16 L40Ss,
/// the cheapest plan (aggregated or disaggregated replicas, TP 1, one engine setting each), from
/// the capacity model and the MILP without simulation.
struct DeploySection {
    /// One planned replica group.
    struct Group: Encodable {
        var model: String
        var gpu: String
        var role: String
        var tp: Int
        var count: Int
        var capacityPerReplica: Double
    }

    struct Report: Encodable {
        var groups: [Group]
        @Nullable var costPerHour: Double?
        var gpus: Int
        /// Each model's demand and planned capacity, requests per second.
        var demandRates: [Double]
        var plannedRates: [Double]
        /// The MILP's solve; `wallSeconds` is the planning time.
        var solve: SolveSummary
    }

    let report: Report

    /// The built-in problem.
    static func problem(catalog: Catalog) throws -> DeployProblem {
        let h100 = try catalog.requireGPU(named: "H100-80GB"), l40s = try catalog.requireGPU(named: "L40S")
        let llama = try catalog.requireModel(named: "llama-3.1-8b"), qwen = try catalog.requireModel(named: "qwen3-8b")
        let settings = DeploySearchSettings(maxBatches: [128], chunkTokens: [2048], tensorParallel: [1])
        return DeployProblem(
            fleet: [
                FleetPool(gpu: h100, count: 16, gpusPerNode: 8, pricePerHour: 2.50),
                FleetPool(gpu: l40s, count: 16, gpusPerNode: 4, pricePerHour: 0.90),
            ],
            models: [
                ModelDemand(
                    model: llama,
                    workload: .synthetic(rate: 20, prompt: .lognormal(mean: 1024, sd: 512), output: .exponential(mean: 256)),
                    slo: DeploySLO(ttftQuantile: 0.9, ttftSeconds: 1.0, tpotQuantile: 0.9, tpotSeconds: 0.05)),
                ModelDemand(
                    model: qwen,
                    workload: .synthetic(rate: 8, prompt: .lognormal(mean: 2048, sd: 1024), output: .exponential(mean: 128)),
                    slo: DeploySLO(ttftQuantile: 0.9, ttftSeconds: 1.5, tpotQuantile: 0.9, tpotSeconds: 0.04)),
            ],
            objective: .minCost, modes: [.aggregated, .disaggregated], settings: settings)
    }

    init(catalog: Catalog, context: PlanningContext) throws {
        let planned = try DeployPlanner(verifier: nil, pricesConstraints: false).plan(try Self.problem(catalog: catalog), context: context)
        let plan = planned.plan
        report = Report(
            groups: plan.groups.map {
                Group(model: $0.model, gpu: $0.gpu, role: $0.role.rawValue, tp: $0.tp, count: $0.count, capacityPerReplica: $0.capacityPerReplica)
            },
            costPerHour: plan.costPerHour, gpus: plan.totalGPUs, demandRates: plan.models.map(\.demandRate),
            plannedRates: plan.models.map(\.plannedRate), solve: planned.solve)
    }

    func render() -> String {
        var table = TextTable(["model", "GPU", "role", "TP", "replicas", "req/s each"])
        for group in report.groups {
            table.add([group.model, group.gpu, group.role, "\(group.tp)", "\(group.count)", Format.fixed(group.capacityPerReplica, 2)])
        }
        let rates = zip(report.demandRates, report.plannedRates).map { "\(Format.fixed($0, 0)) → \(Format.fixed($1, 1))" }
        return table.render() + "\n"
            + "\(report.gpus) GPUs, $\(report.costPerHour.map { Format.fixed($0, 2) } ?? "-")/h; demand → planned req/s: "
            + rates.joined(separator: ", ") + "; MILP gap "
            + (report.solve.relativeGap.map { Format.fixed($0 * 100, 2) + " %" } ?? "-")
            + ", planned in \(Format.fixed(report.solve.wallSeconds, 2)) s (capacity model, no simulation)"
            + "\n(verified in the simulator: gpusched plan deploy examples/deploy-fleet.yaml)"
    }
}
