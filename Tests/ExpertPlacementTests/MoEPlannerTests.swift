import Foundation
import Planning
import Solver
import Testing
@testable import ExpertPlacement

/// `MoEPlanner`, `MoEEvaluator` and `MoEPlanReport` in process: which method is the plan, the
/// summaries of each solve, the scores and reductions against values known by hand.
@Suite struct MoEPlannerTests {
    static let setting = PlacementSetting(
        model: .init(name: "toy", layers: 1, moeLayers: 1, experts: 4, expertsPerToken: 1), topology: "two GPUs", gpus: 2,
        nodes: 2, slotsPerGPU: 2, redundantExperts: 0)

    /// `PlacementOptimalityTests.handCheckableCase`: f = [0.4, 0.3, 0.2, 0.1] all on GPU 0, GPU 1
    /// half a hop away each way. The optimum {0, 1} on GPU 0 costs 0.3 hops per token,
    /// round-robin 0.4 (reduction 1 − 0.3/0.4 = 25 %), contiguous {0, 1} on GPU 0 as well.
    static func handProblem(methods: [PlacementMethod], balance: BalanceOptions = BalanceOptions()) throws -> MoEProblem {
        var counts = ActivationCounts(layers: 1, sources: 2, experts: 4, tokens: 1)
        for (e, f) in [0.4, 0.3, 0.2, 0.1].enumerated() { counts[0, 0, e] = f }
        let distances = DistanceMatrix(rows: [[0, 0.5], [0.5, 0]])
        let placement = try PlacementProblem(experts: 4, slotsPerGPU: 2, distances: distances, profile: counts)
        return MoEProblem(
            placement: placement, evaluation: counts, heldOut: false, methods: methods, balance: balance, bytesPerActivation: 10,
            setting: setting)
    }

    /// `PlacementOptimalityTests.balanceMILPMatchesBruteForce`'s instance: 6 experts, 3 GPUs × 3
    /// slots, loads [9, 7, 5, 4, 3, 2] from GPUs 0 and 2 (max/mean 1.05 is infeasible there).
    static func balanceProblem(_ balance: BalanceOptions) throws -> MoEProblem {
        var counts = ActivationCounts(layers: 1, sources: 3, experts: 6, tokens: 10)
        let loads: [Double] = [9, 7, 5, 4, 3, 2]
        for e in 0..<6 { counts[0, 0, e] = loads[e] * 0.7; counts[0, 2, e] = loads[e] * 0.3 }
        let distances = DistanceMatrix(rows: [[0, 1, 3], [1, 0, 2], [3, 2, 0]])
        let placement = try PlacementProblem(experts: 6, slotsPerGPU: 3, distances: distances, profile: counts)
        return MoEProblem(
            placement: placement, evaluation: counts, methods: [.loadAware, .roundRobin], balance: balance, bytesPerActivation: 1,
            setting: setting)
    }

    @Test func planIsTheFirstOptimisingMethodAndScoresMatchTheHandValues() throws {
        let problem = try Self.handProblem(methods: [.roundRobin, .loadAware, .contiguous])
        let planned = try MoEPlanner().plan(problem, context: PlanningContext())
        #expect(planned.plan.plan.method == .loadAware)
        #expect(planned.plan.baselines.map(\.method) == [.roundRobin, .contiguous])
        #expect(planned.plan.plan.placement == [[[0, 1], [2, 3]]])
        #expect(planned.solve == planned.plan.plan.solve)
        #expect(planned.solve.status == .optimal)
        #expect(abs(try #require(planned.solve.objective) - 0.3) < 1e-12)
        #expect(planned.solve.bestBound == planned.solve.objective)
        #expect(planned.solve.relativeGap == 0)
        #expect(planned.solve.solves == 1)
        for baseline in planned.plan.baselines {
            #expect(baseline.solve.status == .heuristic)
            #expect(baseline.solve.objective == nil && baseline.solve.bestBound == nil && baseline.solve.relativeGap == nil)
            #expect(baseline.setting == Self.setting)
        }

        let report = try MoEPlanReport(planned, evaluator: try MoEEvaluator(problem))
        #expect(report.kind == "plan-moe")
        #expect(report.seeds.isEmpty)
        #expect(report.evaluations.map(\.method) == [.loadAware, .roundRobin, .contiguous])
        let (loadAware, roundRobin, contiguous) = (report.evaluations[0], report.evaluations[1], report.evaluations[2])
        #expect(abs(loadAware.expectedHops - 0.3) < 1e-12)
        #expect(abs(loadAware.dispatchHops - 0.15) < 1e-12 && abs(loadAware.combineHops - 0.15) < 1e-12)
        #expect(abs(roundRobin.expectedHops - 0.4) < 1e-12)
        #expect(roundRobin.reductionVsRoundRobin == 0)
        #expect(abs(try #require(loadAware.reductionVsRoundRobin) - 0.25) < 1e-12)
        #expect(contiguous.expectedHops == loadAware.expectedHops)
        // Each GPU its own server: tokens to GPU 1 cross, 2 ways × 10 bytes: 0.3 × 20 = 6 bytes (round-robin 0.4 × 20 = 8).
        #expect(abs(loadAware.crossNodeBytesPerToken - 6) < 1e-12)
        #expect(abs(try #require(loadAware.crossNodeReductionVsRoundRobin) - 0.25) < 1e-12)
        // Loads 0.7 | 0.3 (mean 0.5) for load-aware, 0.6 | 0.4 for round-robin.
        #expect(abs(loadAware.maxMeanLoad - 1.4) < 1e-12 && abs(loadAware.worstLayerMaxMeanLoad - 1.4) < 1e-12)
        #expect(abs(roundRobin.maxMeanLoad - 1.2) < 1e-12)
        #expect(report.evaluations.allSatisfy { !$0.heldOut })
        #expect(report.notes == ["the statistics have no evaluation split: every method is scored on the profile"])

        let unscored = try MoEPlanReport(planned, evaluator: nil)
        #expect(unscored.evaluations.isEmpty)
        #expect(unscored.baselines == report.baselines)
    }

    /// On a sparse Dragonfly with skewed sources, scored on the profile it was fitted to, the exact
    /// load-aware ILP has no more hops than any other method (`MethodTests` checks the placers).
    @Test func loadAwareHasTheFewestHopsOnTheProfile() throws {
        let topology = ClusterTopology.dragonfly(groups: 4, nodesPerGroup: 2, gpusPerNode: 1, drop: 0.5, seed: 2)
        let (placement, data) = try MethodTests.instance(topology, skew: 0.8, uniform: false)
        let problem = MoEProblem(
            placement: placement, evaluation: data.profile, heldOut: false, methods: PlacementMethod.listable,
            bytesPerActivation: 1, setting: Self.setting)
        let report = try MoEPlanReport(try MoEPlanner().plan(problem, context: PlanningContext()), evaluator: try MoEEvaluator(problem))
        #expect(report.plan.method == .loadAware)
        #expect(report.evaluations.count == PlacementMethod.listable.count)
        let plan = try #require(report.evaluations.first)
        for other in report.evaluations.dropFirst() {
            #expect(plan.expectedHops <= other.expectedHops + 1e-9, "\(other.method)")
        }
        // The ILP's objective is the profile's round-trip hops summed over tokens.
        #expect(abs(plan.expectedHops * data.profile.tokens - (report.solve.objective ?? 0)) < 1e-6 * plan.expectedHops * data.profile.tokens)
    }

    /// The balance MILP and the sweep go through the context's solver (what `--export-model`
    /// wraps): two solves per layer (LP relaxation and MILP) for `load-aware+balance` and for each
    /// sweep limit; the front starts without a balance row at load-aware's optimum.
    @Test func balanceMILPsUseTheContextSolver() throws {
        let problem = try Self.balanceProblem(BalanceOptions(maxImbalance: 1.1, sweep: [1.5, 1.1], timeLimit: 30))
        let solver = CountingSolver()
        let planned = try MoEPlanner().plan(problem, context: PlanningContext(solver: solver))
        #expect(solver.count == 2 * 3)
        #expect(planned.plan.baselines.map(\.method) == [.loadAwareBalance, .roundRobin])
        let balanced = planned.plan.baselines[0]
        #expect(balanced.solve.solves == 2)
        #expect(balanced.routing == .even)
        let front = planned.plan.plan.front
        #expect(front.map(\.maxImbalance) == [nil, 1.5, 1.1])
        #expect(front[0].solve.objective == planned.solve.objective)
        #expect(front[2].solve.objective == balanced.solve.objective)
        // No balance row is the optimum on the statistics planned on (here also scored on).
        #expect(front[0].expectedHops <= front[1].expectedHops + 1e-9 && front[0].expectedHops <= front[2].expectedHops + 1e-9)
        #expect(front[2].maxMeanLoad <= 1.1 + 1e-9)
    }

    @Test func balanceWithoutALimitIsBadInput() throws {
        let problem = try Self.handProblem(methods: [.loadAwareBalance])
        #expect(throws: PlanningError.badInput("load-aware+balance needs a balance row: give balance.maxImbalance")) {
            try MoEPlanner().plan(problem, context: PlanningContext())
        }
        let tight = try Self.balanceProblem(BalanceOptions(maxImbalance: 1.05))
        #expect { try MoEPlanner().plan(tight, context: PlanningContext()) } throws: { error in
            (error as? PlanningError)?.cause == .badInput && "\(error)".contains("balance 1.05 is infeasible")
        }
    }

    /// On one GPU round-robin moves nothing, so no reduction exists: the JSON has `null`, not a
    /// missing key, and the report's header keys.
    @Test func reductionWithoutRoundRobinHopsIsNull() throws {
        var counts = ActivationCounts(layers: 1, sources: 1, experts: 2, tokens: 1)
        counts[0, 0, 0] = 1
        let placement = try PlacementProblem(experts: 2, slotsPerGPU: 2, distances: DistanceMatrix(rows: [[0]]), profile: counts)
        let problem = MoEProblem(placement: placement, evaluation: counts, methods: [.loadAware], bytesPerActivation: 1, setting: Self.setting)
        let report = try MoEPlanReport(try MoEPlanner().plan(problem, context: PlanningContext()), evaluator: try MoEEvaluator(problem))
        let json = try #require(try JSONSerialization.jsonObject(with: try JSONContract.encode(report)) as? [String: Any])
        #expect(json["kind"] as? String == "plan-moe")
        let evaluation = try #require((json["evaluations"] as? [[String: Any]])?.first)
        #expect(evaluation["reductionVsRoundRobin"] is NSNull)
        #expect(evaluation["expectedHops"] as? Double == 0)
        let plan = try #require(json["plan"] as? [String: Any])
        #expect(plan["method"] as? String == "load-aware")
        #expect((plan["solve"] as? [String: Any])?["relativeGap"] as? Double == 0)
    }
}

/// HiGHS, counting the models it is asked to solve.
final class CountingSolver: LinearSolver, @unchecked Sendable {
    private let lock = NSLock()
    private var solved = 0
    private let backend = HighsSolver()

    var count: Int { lock.withLock { solved } }

    func solve(_ model: LinearModel, options: SolveOptions) throws -> SolveResult {
        lock.withLock { solved += 1 }
        return try backend.solve(model, options: options)
    }

    func export(_ model: LinearModel, to path: String) throws { try backend.export(model, to: path) }
}
