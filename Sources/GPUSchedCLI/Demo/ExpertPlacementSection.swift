import ExpertPlacement
import Planning
import ServingModel
import Solver

/// Demo section: DeepSeekMoE-16B (27 MoE layers × 64 experts) on a 16-GPU sparse Dragonfly with
/// skewed token sources: the load-aware ILP against round-robin and EPLB, and the balance MILP,
/// planned by `MoEPlanner` and scored by `MoEEvaluator`.
struct ExpertPlacementSection {
    struct Row: Encodable {
        var name: String
        var expectedHops: Double
        @Nullable var reductionVsRoundRobin: Double?
        var maxMeanLoad: Double
    }

    struct Report: Encodable {
        var topology: String
        var methods: [Row]
    }

    /// The rows' order: the baselines first, then the plan and its balanced variant.
    static let order: [PlacementMethod] = [.roundRobin, .eplb, .loadAware, .loadAwareBalance]

    let report: Report

    init(catalog: Catalog, context: PlanningContext) throws {
        let model = try catalog.requireModel(named: "deepseekmoe-16b")
        guard let moe = model.moe else { throw InputError("deepseekmoe-16b in the catalog has no MoE part") }
        let topology = ClusterTopology.dragonfly(groups: 4, nodesPerGroup: 2, gpusPerNode: 2, drop: 0.5, seed: 1)
        let distances = try topology.gpuDistances()
        let data = SyntheticActivations(zipf: 0.6, sourceSkew: 0.5, tokens: 4000, seed: 3)
            .generate(layers: moe.moeLayers, experts: moe.routedExperts, topK: moe.expertsPerToken, sources: distances.count)
        let placement = try PlacementProblem(
            experts: moe.routedExperts, slotsPerGPU: 5, redundantExperts: 16, expertGroups: moe.expertGroups,
            distances: distances, profile: data.profile)
        let problem = MoEProblem(
            placement: placement, evaluation: data.evaluation, methods: [.loadAware, .roundRobin, .eplb],
            balance: BalanceOptions(maxImbalance: 1.1, timeLimit: 4), bytesPerActivation: Double(model.hiddenSize) * 2,
            setting: PlacementSetting(
                model: .init(model, moe),
                topology: topology.label, gpus: placement.gpus, nodes: distances.nodeCount, slotsPerGPU: 5, redundantExperts: 16))
        let planned = try MoEPlanner().plan(problem, context: context)
        let plan = try MoEPlanReport(planned, evaluator: try MoEEvaluator(problem))
        let rows = plan.evaluations.sorted { Self.rank($0.method) < Self.rank($1.method) }
        report = Report(topology: topology.label, methods: rows.map {
            Row(name: $0.method.rawValue, expectedHops: $0.expectedHops, reductionVsRoundRobin: $0.reductionVsRoundRobin,
                maxMeanLoad: $0.maxMeanLoad)
        })
    }

    private static func rank(_ method: PlacementMethod) -> Int { order.firstIndex(of: method) ?? order.count }

    func render() -> String {
        var table = TextTable(["method", "hops/token", "vs round-robin", "max/mean GPU load"])
        for row in report.methods {
            table.add([
                row.name, Format.fixed(row.expectedHops, 2),
                row.reductionVsRoundRobin.map { Format.fixed(-$0 * 100 + 0, 1) + " %" } ?? "-", Format.fixed(row.maxMeanLoad, 2),
            ])
        }
        return table.render()
            + "\n(16 redundant experts: EPLB, load-aware and the balance MILP replicate; round-robin does not."
            + "\n full comparisons: gpusched plan moe examples/moe-sparse-dragonfly.yaml, examples/moe-balance.yaml)"
    }
}
