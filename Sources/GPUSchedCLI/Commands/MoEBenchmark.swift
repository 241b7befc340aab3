import ExpertPlacement
import Planning
import ServingModel
import Solver

/// `gpusched bench moe`: full DeepSeek-V3 placement (58 MoE layers × 256 experts) on the 64-GPU
/// sparse Dragonfly of examples/moe-sparse-dragonfly.yaml, with skewed synthetic statistics:
/// the exact load-aware ILP without a balance row (4 slots per GPU), and the balance MILP at
/// max/mean ≤ 1.10 with 64 redundant experts (5 slots per GPU). Each case is one `MoEPlanner`
/// run of one method, scored by `MoEEvaluator` (reductions against round-robin).
struct MoEBenchmark: Encodable {
    struct Case: Encodable {
        var name: String
        var solve: SolveSummary
        var expectedHops: Double
        @Nullable var reductionVsRoundRobin: Double?
        var maxMeanLoad: Double
    }

    var instance: String
    var cases: [Case]

    static func measure(timeLimit: Double, progress: ProgressReporter, solver: any LinearSolver) throws(PlanningError) -> MoEBenchmark {
        guard let model = Catalog.builtin.model(named: "deepseek-v3"), let moe = model.moe else {
            throw .failure("the built-in catalog has no deepseek-v3")
        }
        let topology = ClusterTopology.dragonfly(groups: 4, nodesPerGroup: 4, gpusPerNode: 4, drop: 0.3, seed: 1)
        let distances: DistanceMatrix
        do { distances = try topology.gpuDistances() } catch { throw .failure(error.message) }
        progress.say("generating statistics: 2 × 20,000 tokens, 58 layers, top-8, 64 sources")
        let data = SyntheticActivations(zipf: 0.6, sourceSkew: 0.5, tokens: 20_000, seed: 3)
            .generate(layers: moe.moeLayers, experts: moe.routedExperts, topK: moe.expertsPerToken, sources: distances.count)
        var cases: [Case] = []
        for (redundant, slots, balance) in [(0, 4, nil), (64, 5, 1.10)] as [(Int, Int, Double?)] {
            let placement: PlacementProblem
            do {
                placement = try PlacementProblem(
                    experts: moe.routedExperts, slotsPerGPU: slots, redundantExperts: redundant, expertGroups: moe.expertGroups,
                    distances: distances, profile: data.profile)
            } catch {
                throw .failure(error.message)
            }
            let method: PlacementMethod = balance == nil ? .loadAware : .loadAwareBalance
            let problem = MoEProblem(
                placement: placement, evaluation: data.evaluation, methods: [method],
                balance: BalanceOptions(maxImbalance: balance, timeLimit: timeLimit), bytesPerActivation: Double(model.hiddenSize) * 2,
                setting: PlacementSetting(
                    model: .init(model, moe),
                    topology: topology.label, gpus: placement.gpus, nodes: distances.nodeCount, slotsPerGPU: slots,
                    redundantExperts: redundant))
            progress.say("\(method), \(redundant) redundant experts, \(slots) slots per GPU")
            let planned = try MoEPlanner().plan(problem, context: PlanningContext(solver: solver, progress: .silent))
            let scores = try MoEEvaluator(problem).evaluate(planned.plan.plan, named: method.rawValue, seeds: [], progress: progress)
            cases.append(Case(
                name: "\(method) (\(redundant) redundant, \(slots) slots/GPU\(balance.map { ", max/mean ≤ \($0)" } ?? ""))",
                solve: planned.solve, expectedHops: scores.expectedHops, reductionVsRoundRobin: scores.reductionVsRoundRobin,
                maxMeanLoad: scores.maxMeanLoad))
        }
        return MoEBenchmark(instance: "deepseek-v3, 58 × 256 experts, \(topology.label), zipf 0.6, source skew 0.5", cases: cases)
    }

    func render() -> String {
        var table = TextTable(["case", "seconds", "gap to bound", "hops/token", "vs round-robin", "max/mean load"])
        for c in cases {
            table.add([
                c.name, Format.fixed(c.solve.wallSeconds, 2), c.solve.relativeGap.map { Format.fixed($0 * 100, 3) + " %" } ?? "-",
                Format.fixed(c.expectedHops, 2), c.reductionVsRoundRobin.map { Format.fixed(-$0 * 100 + 0, 1) + " %" } ?? "-",
                Format.fixed(c.maxMeanLoad, 3),
            ])
        }
        return instance + "\n" + table.render()
    }
}
