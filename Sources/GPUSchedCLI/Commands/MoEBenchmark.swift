import Planning
import ExpertPlacement
import ServingModel

/// `gpusched bench moe`: full DeepSeek-V3 placement (58 MoE layers × 256 experts) on the 64-GPU
/// sparse Dragonfly of examples/moe-sparse-dragonfly.yaml, with skewed synthetic statistics:
/// the exact load-aware ILP without a balance row (4 slots per GPU), and the balance MILP at
/// max/mean ≤ 1.10 with 64 redundant experts (5 slots per GPU).
struct MoEBenchmark: Encodable {
    struct Case: Encodable {
        var name: String
        var seconds: Double
        var objective: Double?
        var bound: Double?
        var gap: Double?
        var expectedHops: Double
        var reductionVsRoundRobin: Double?
        var maxMeanLoad: Double
    }

    var instance: String
    var cases: [Case]

    static func measure(timeLimit: Double, progress: ProgressReporter) throws(PlacementError) -> MoEBenchmark {
        guard let model = Catalog.builtin.model(named: "deepseek-v3"), let moe = model.moe else {
            throw PlacementError("the built-in catalog has no deepseek-v3")
        }
        let topology = ClusterTopology.dragonfly(groups: 4, nodesPerGroup: 4, gpusPerNode: 4, drop: 0.3, seed: 1)
        let distances = try topology.gpuDistances()
        progress.say("generating statistics: 2 × 20,000 tokens, 58 layers, top-8, 64 sources")
        let data = SyntheticActivations(zipf: 0.6, sourceSkew: 0.5, tokens: 20_000, seed: 3)
            .generate(layers: moe.moeLayers, experts: moe.routedExperts, topK: moe.expertsPerToken, sources: distances.count)
        var cases: [Case] = []
        for (redundant, slots, balance) in [(0, 4, nil), (64, 5, 1.10)] as [(Int, Int, Double?)] {
            let problem = try PlacementProblem(
                experts: moe.routedExperts, slotsPerGPU: slots, redundantExperts: redundant, expertGroups: moe.expertGroups,
                distances: distances, profile: data.profile)
            let comparison = MethodComparison(
                problem: problem, evaluation: data.evaluation, bytesPerActivation: Double(model.hiddenSize) * 2, timeLimit: timeLimit)
            let baseline = try comparison.run(RoundRobinPlacer()).metrics.expectedHops
            let placer: any ExpertPlacer = balance.map { BalancedPlacer(maxImbalance: $0, timeLimit: timeLimit) } ?? LoadAwarePlacer()
            progress.say("\(placer.name), \(redundant) redundant experts, \(slots) slots per GPU")
            let result = try comparison.run(placer)
            cases.append(Case(
                name: "\(placer.name) (\(redundant) redundant, \(slots) slots/GPU\(balance.map { ", max/mean ≤ \($0)" } ?? ""))",
                seconds: result.solveSeconds, objective: result.objective, bound: result.bound, gap: result.gap,
                expectedHops: result.metrics.expectedHops,
                reductionVsRoundRobin: MethodComparison.reduction(result.metrics.expectedHops, versus: baseline),
                maxMeanLoad: result.metrics.maxMeanLoad))
        }
        return MoEBenchmark(instance: "deepseek-v3, 58 × 256 experts, \(topology.label), zipf 0.6, source skew 0.5", cases: cases)
    }

    func render() -> String {
        var table = TextTable(["case", "seconds", "gap to bound", "hops/token", "vs round-robin", "max/mean load"])
        for c in cases {
            table.add([
                c.name, Format.fixed(c.seconds, 2), c.gap.map { Format.fixed($0 * 100, 3) + " %" } ?? "-",
                Format.fixed(c.expectedHops, 2), c.reductionVsRoundRobin.map { Format.fixed(-$0 * 100 + 0, 1) + " %" } ?? "-",
                Format.fixed(c.maxMeanLoad, 3),
            ])
        }
        return instance + "\n" + table.render()
    }
}
