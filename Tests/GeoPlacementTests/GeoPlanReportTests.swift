import Foundation
import Planning
import Solver
import Testing
@testable import GeoPlacement
import GPUSchedTestSupport

/// The report building of `plan geo` and `simulate geo`, in process.
@Suite struct GeoPlanReportTests {
    /// The instance of `GeoMILPTests.heuristicGapIsPositiveWhereCGBPIsSuboptimal`: 3 servers, a 4-block
    /// model, s_c = 0.01 × 10 = 0.1, where the MILP's optimum for two requests is 0.257 s per token.
    let instance = hubInstance(
        blocks: 4, cacheBytesPerToken: 0.01, promptTokens: 5, outputTokens: 5,
        rtt: [0.164, 0.09, 0.122], decode: [0.046, 0.036, 0.011], memory: [4.5, 2.5, 4.5])

    func problem(_ methods: [GeoMethod]) -> GeoProblem {
        GeoProblem(instance: instance, plannedRequests: 2, methods: methods, petalsSeed: 1)
    }

    var evaluator: GeoEvaluator {
        GeoEvaluator(instance: instance, requests: 20, arrivalRate: 1, delaySettings: [.none, .paperScripts])
    }

    /// Plan first, then PETALS and the MILP; the MILP through the context's solver; its value is the
    /// hand-checked 0.257 s, at most CG-BP's per-token time on the same two requests, and
    /// `cgbpGapToMilp` is CG-BP's relative excess over it.
    @Test func planBaselinesAndGap() throws {
        let path = TemporaryFiles.path(prefix: "geo", extension: "mps")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let solver = try ModelExportingSolver(wrapping: HighsSolver(), path: path)
        let report = try GeoPlanReport.make(
            problem([.cgbpWSRR, .petals, .milp]), evaluator: evaluator, seeds: [3], context: PlanningContext(solver: solver))
        #expect(report.kind == "plan-geo")
        #expect(report.plan.method == .cgbp && report.plan.plannedRequests == 2)
        #expect(report.baselines.map(\.method) == [.petals, .milp])
        #expect(solver.exported == [path] && FileManager.default.fileExists(atPath: path))

        // CG-BP for |R| = 2: m_j = min(⌊M_j / (1 + 0.1 · 2)⌋, 4) = [3, 2, 3]; every block is covered.
        #expect(report.plan.placement.map(\.blockCount) == [3, 2, 3])
        #expect(Self.covered(report.plan.placement) == Set(0..<4))
        #expect(report.solve == report.plan.solve && report.solve.status == .heuristic)
        #expect(report.plan.solve.objective == report.plan.meanPerTokenSeconds)
        #expect(report.plan.perTokenBoundSeconds != nil && report.baselines.allSatisfy { $0.perTokenBoundSeconds == nil })

        let milp = report.baselines[1]
        #expect(milp.solve.status == .optimal && milp.plannedRequests == 2)
        #expect(try #require(milp.solve.relativeGap) < 1e-6)
        #expect(Self.covered(milp.placement) == Set(0..<4))
        let optimum = try #require(milp.meanPerTokenSeconds)
        let heuristic = try #require(report.plan.meanPerTokenSeconds)
        #expect(abs(optimum - 0.257) < 1e-9)
        #expect(optimum <= heuristic)
        #expect(abs(try #require(milp.cgbpGapToMilp) - (heuristic - optimum) / optimum) < 1e-12)
        #expect(report.baselines[0].cgbpGapToMilp == nil && report.plan.cgbpGapToMilp == nil)
        // PETALS keeps 2 GiB · d_model / 14336 ≈ 374 bytes back (d_model = 0.01 / 4): no server of
        // 4.5 bytes serves a block, so its placement is empty and has no per-token time.
        #expect(report.baselines[0].placement.isEmpty && report.baselines[0].meanPerTokenSeconds == nil)
    }

    /// The evaluations follow the plan and its baselines, each without and with the paper scripts'
    /// delays (60 s for planned placements, 300 s for PETALS), every request routed (the clustered testbed).
    @Test func evaluationsInThePlansOrder() throws {
        let clustered = GeoCalibration.clusteredTestbed(a100s: 2, migs: 7)
        let problem = GeoProblem(
            instance: clustered, plannedRequests: GeoPlanning.plannedRequests(instance: clustered, arrivalRate: 0.5),
            methods: [.petals, .cgbpWSRR], petalsSeed: 1)
        let evaluator = GeoEvaluator(instance: clustered, requests: 20, arrivalRate: 0.5, delaySettings: [.none, .paperScripts])
        let report = try GeoPlanReport.make(problem, evaluator: evaluator, seeds: [3, 4], context: PlanningContext())
        #expect(report.seeds == [3, 4])
        #expect(report.evaluations.map(\.method) == [.cgbpWSRR, .petals])
        #expect(report.evaluations.map { $0.runs.map(\.allocationDelaySeconds) } == [[0, 60], [0, 300]])
        for run in report.evaluations.flatMap(\.runs) {
            #expect(run.completed == 40 && run.meanPerTokenSeconds.samples == 2)
        }
        // A delay of d seconds adds at least d to every request's TTFT and d / l = d / 128 to its per-token time.
        let plan = report.evaluations[0].runs
        #expect(plan[1].meanTTFTSeconds.mean - plan[0].meanTTFTSeconds.mean >= 60 - 1e-9)
        #expect(plan[1].meanPerTokenSeconds.mean - plan[0].meanPerTokenSeconds.mean >= 60.0 / 128 - 1e-9)
        // The same seeds give the same arrivals: evaluating again reproduces every figure.
        let again = evaluator.evaluate(report.plan, named: "plan", seeds: [3, 4], progress: .silent)
        #expect(again.runs.map(\.meanPerTokenSeconds) == plan.map(\.meanPerTokenSeconds))
    }

    /// Without seeds nothing is simulated, and the note says so.
    @Test func noEvaluation() throws {
        let report = try GeoPlanReport.make(problem([.cgbpWSRR, .petals]), evaluator: evaluator, seeds: [], context: PlanningContext())
        #expect(report.evaluations.isEmpty && report.seeds.isEmpty)
        #expect(report.notes == ["not evaluated (--no-evaluate)"])
    }

    /// The JSON of a plan: every key present, missing values null, the MILP's keys only on the MILP.
    @Test func planKeys() throws {
        let report = try GeoPlanReport.make(problem([.cgbpWSRR, .petals]), evaluator: evaluator, seeds: [1], context: PlanningContext())
        let json = try #require(JSONSerialization.jsonObject(with: JSONContract.encode(report)) as? [String: Any])
        #expect(Set(json.keys) == ["schemaVersion", "kind", "solve", "plan", "baselines", "seeds", "evaluations", "notes"])
        let petals = try #require((json["baselines"] as? [[String: Any]])?.first)
        #expect(Set(petals.keys) == [
            "method", "plannedRequests", "placement", "meanPerTokenSeconds", "perTokenBoundSeconds", "cgbpGapToMilp", "solve",
        ])
        #expect(petals["plannedRequests"] is NSNull && petals["cgbpGapToMilp"] is NSNull && petals["perTokenBoundSeconds"] is NSNull)
        let run = try #require(((json["evaluations"] as? [[String: Any]])?.first?["runs"] as? [[String: Any]])?.first)
        #expect(Set(run.keys) == [
            "allocationDelaySeconds", "meanPerTokenSeconds", "meanTTFTSeconds", "meanWaitSeconds", "completed", "wallSeconds",
        ])
    }

    /// `simulate geo` runs the scenario's methods in its order, the MILP left out.
    @Test func simulationFollowsTheScenario() throws {
        let report = try GeoSimulationReport.make(
            problem([.petals, .milp, .cgbpWSRR]), evaluator: evaluator, seeds: [5], context: PlanningContext())
        #expect(report.methods.map(\.method) == [.petals, .cgbpWSRR])
        #expect(report.plannedRequests == 2 && report.requests == 20 && report.seeds == [5])
    }

    /// The |R| rule by hand: one server holds the 4 blocks; one request alone takes
    /// T̂ = t^I + 4t + (τ^I + 4τ)·4 = 0.1 + 0.4 + (0.05 + 0.04)·4 = 0.86 s; at λ = 10,
    /// λT̂ + √(λT̂) = 8.6 + 2.933 → 12. R_max = ⌊(100 − 1·(4 + 1)) / (0.06·(4 + 1))⌋ = 316 caps λ = 1000.
    @Test func plannedRequestsRule() throws {
        let single = hubInstance(blocks: 4, cacheBytesPerToken: 0.01, promptTokens: 1, outputTokens: 5,
                                 rtt: [0.1], decode: [0.01], prefill: [0.05], memory: [100])
        #expect(GeoPlanning.plannedRequests(instance: single, arrivalRate: 10) == 12)
        #expect(GeoPlanning.plannedRequests(instance: single, arrivalRate: 1000) == 316)
        // Mean per-token time on the shortest path: t + 4τ = 0.1 + 0.04.
        let placement = BlockPlacement(ranges: [BlockRange(firstBlock: 0, blockCount: 4)])
        #expect(abs(try #require(GeoPlanning.meanPerTokenSeconds(instance: single, placement: placement)) - 0.14) < 1e-12)
    }

    /// A failing CG-BP is bad input with the documented message.
    @Test func infeasiblePlacementIsBadInput() {
        var tooMany = problem([.cgbpWSRR])
        tooMany.plannedRequests = 40
        #expect(throws: PlanningError.self) { try GeoPlanner().plan(tooMany, context: PlanningContext()) }
        do {
            _ = try GeoPlanner().plan(tooMany, context: PlanningContext())
        } catch {
            #expect(error.cause == .badInput)
            #expect(error.description.hasPrefix("CG-BP cannot place the model for |R| = 40: CG-BP infeasible"))
        }
    }

    /// The paper scripts' delays are the default comparison.
    @Test func allocationDelays() {
        #expect(GeoAllocationDelays.paperScripts.delay(for: .cgbpWSRR) == 60)
        #expect(GeoAllocationDelays.paperScripts.delay(for: .milp) == 60)
        #expect(GeoAllocationDelays.paperScripts.delay(for: .petals) == 300)
    }

    static func covered(_ placement: [GeoServerBlocks]) -> Set<Int> {
        placement.reduce(into: Set<Int>()) { $0.formUnion($1.firstBlock..<($1.firstBlock + $1.blockCount)) }
    }
}
