import ExpertPlacement
import ServingModel

/// Demo section: DeepSeekMoE-16B (27 MoE layers × 64 experts) on a 16-GPU sparse Dragonfly with
/// skewed token sources: the load-aware ILP against round-robin and EPLB, and the balance MILP.
struct ExpertPlacementSection {
    struct Row: Encodable {
        var name: String
        var expectedHops: Double
        var reductionVsRoundRobin: Double?
        var maxMeanLoad: Double
    }

    struct Report: Encodable {
        var topology: String
        var methods: [Row]
    }

    let report: Report

    init(catalog: Catalog) throws {
        let model = try catalog.requireModel(named: "deepseekmoe-16b")
        let moe = model.moe!
        let topology = ClusterTopology.dragonfly(groups: 4, nodesPerGroup: 2, gpusPerNode: 2, drop: 0.5, seed: 1)
        let distances = try topology.gpuDistances()
        let data = SyntheticActivations(zipf: 0.6, sourceSkew: 0.5, tokens: 4000, seed: 3)
            .generate(layers: moe.moeLayers, experts: moe.routedExperts, topK: moe.expertsPerToken, sources: distances.count)
        let problem = try PlacementProblem(
            experts: moe.routedExperts, slotsPerGPU: 5, redundantExperts: 16, expertGroups: moe.expertGroups,
            distances: distances, profile: data.profile)
        let comparison = MethodComparison(
            problem: problem, evaluation: data.evaluation, bytesPerActivation: Double(model.hiddenSize) * 2, timeLimit: 4)
        let results = try comparison.run(methods: ["round-robin", "eplb", "load-aware"], maxImbalance: 1.1)
        let baseline = results[0].metrics.expectedHops
        report = Report(topology: topology.label, methods: results.map {
            Row(name: $0.name, expectedHops: $0.metrics.expectedHops,
                reductionVsRoundRobin: MethodComparison.reduction($0.metrics.expectedHops, versus: baseline),
                maxMeanLoad: $0.metrics.maxMeanLoad)
        })
    }

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
