import Foundation
import Planning
import Solver
import Testing
@testable import GateAndRoute
import GPUSchedTestSupport

extension GateRouteProblem {
    /// The plan of the problem, by `GateRoutePlanner` with the default context (HiGHS, no progress).
    func solved() throws(PlanningError) -> GateRouteSolution {
        try GateRoutePlanner().plan(self).plan
    }
}

/// The planner's entry point, the evaluator and the report building, in process.
@Suite struct GateRoutePipelineTests {
    static let problem = GateRouteProblem(instance: ConvergenceInstance.instance())

    /// A short CTMC evaluation of the convergence plan at n = 10: gate-and-route and FI-WSP, 2 seeds.
    static func shortSimulation(policies: [GateRoutePolicy] = [.fiWSP]) -> GateRouteSimulation {
        var settings = GateRouteSimulationSettings(defaultGPUs: 10)
        settings.horizon = 200
        settings.warmup = 50
        settings.seeds = 2
        settings.policies = policies
        return GateRouteSimulation.planEvaluation(settings: settings, gpus: 10)
    }

    /// Every LP goes through the context's solver: the main solve and the tie-break stages (minimum
    /// Σq_d, then the largest y_s per class: 1 + 1 + 2 solves on two classes) are each exported, and
    /// the summary counts them. R* = 297.70 and M = 107 (research notes §4.2).
    @Test func everySolveGoesThroughTheContextSolver() throws {
        let directory = try TemporaryFiles.directory(prefix: "gate-route-export")
        defer { try? FileManager.default.removeItem(at: directory) }
        let solver = try ModelExportingSolver(wrapping: HighsSolver(), path: directory.appendingPathComponent("lp.mps").path)
        let planned = try GateRoutePlanner().plan(Self.problem, context: PlanningContext(solver: solver))
        #expect(solver.exported.count == 4)
        #expect(planned.solve.solves == 4)
        #expect(planned.solve.status == .optimal)
        #expect(abs(try #require(planned.solve.objective) - 297.70) < 0.01)
        #expect(planned.solve.solveSeconds >= 0 && planned.solve.wallSeconds >= planned.solve.solveSeconds)
        #expect(planned.plan.mixedGPUs == 107 && planned.plan.gpus == 500)
    }

    /// An infeasible SLI is bad input with the tightest feasible value 1/γ = 0.0220022 (every GPU solo).
    @Test func infeasibleSLIIsBadInput() {
        var problem = Self.problem
        problem.targets.averageTPOT = .limit(0.02)
        #expect(throws: PlanningError(.badInput, lines: [
            "sli.maxAverageTPOT: no plan meets 0.02; the tightest feasible value is 0.0220022",
        ])) {
            try GateRoutePlanner().plan(problem)
        }
    }

    /// `plan gate-route`'s evaluation runs the plan's policy first whatever order the scenario gives.
    @Test func planEvaluationPutsThePlansPolicyFirst() {
        let simulation = Self.shortSimulation(policies: [.fiWSP, .gateAndRoute, .gfWSP])
        #expect(simulation.policies == [.gateAndRoute, .fiWSP, .gfWSP])
        #expect(simulation.gpus == [10] && simulation.seeds == [1, 2] && simulation.fidelity == .ctmc)
        var settings = GateRouteSimulationSettings(defaultGPUs: 500)
        settings.horizon = 100
        #expect(GateRouteSimulation.planEvaluation(settings: settings, gpus: 500).policies == GateRoutePolicy.allCases)
        #expect(GateRouteSimulation(settings: settings).warmup == 50, "the warm-up is cut to half the horizon")
    }

    /// The report: the LP's solve, the plan (M = ⌈n·Σx*⌉ = 107 at n = 500, R* = 297.70), then the
    /// plan's evaluation row and FI-WSP's, on the same seeds; each ratio is revenue / R*, each row's
    /// M is ⌈10 × 0.21321⌉ = 3 for the static plan and n = 10 for work sharing.
    @Test func planReportHoldsThePlanAndItsEvaluations() throws {
        let planned = try GateRoutePlanner().plan(Self.problem)
        let simulation = Self.shortSimulation()
        let rows = try simulation.evaluate(plan: planned.plan.plan, instance: Self.problem.instance, progress: .silent)
        let report = GateRoutePlanReport(problem: Self.problem, planned: planned, simulation: simulation, evaluations: rows)
        #expect(report.kind == "plan-gate-route" && report.seeds == [1, 2] && report.baselines.isEmpty)
        #expect(report.evaluations.map(\.policy) == [.gateAndRoute, .fiWSP])
        #expect(report.evaluations.map(\.mixedGPUs) == [3, 10])
        for row in report.evaluations {
            #expect(row.gpus == 10 && row.revenuePerGPU.samples == 2)
            #expect(abs(row.ratioToOptimum - row.revenuePerGPU.mean / planned.plan.plan.revenuePerGPU) < 1e-12)
            #expect(row.classes.map(\.name) == ["code", "summarize"])
        }
        #expect(report.notes.count == 2 && report.notes[1].hasPrefix("evaluations: the CTMC at n = 10 GPUs, T = 200 s, warm-up 50 s"))

        let json = try #require(try JSONSerialization.jsonObject(with: JSONContract.encode(report)) as? [String: Any])
        #expect(Set(json.keys) == ["schemaVersion", "kind", "solve", "plan", "baselines", "seeds", "evaluations", "notes"])
        let plan = try #require(json["plan"] as? [String: Any])
        #expect(plan["mixedGPUs"] as? Int == 107 && plan["gpus"] as? Int == 500 && plan["scheme"] as? String == "bundled")
        #expect(abs((plan["revenuePerGPU"] as? Double ?? 0) - 297.70) < 0.01)
        let classes = try #require(plan["classes"] as? [[String: Any]])
        #expect(Set(classes[0].keys) == [
            "name", "prefillOccupancy", "mixedDecodeOccupancy", "soloDecodeOccupancy", "prefillQueue", "decodeQueue",
            "completionsPerGPU",
        ])
        #expect(abs((classes[0]["prefillOccupancy"] as? Double ?? 0) - 0.01826) < 5e-6)
        let solve = try #require(json["solve"] as? [String: Any])
        #expect(solve["status"] as? String == "optimal" && solve["solveSeconds"] is Double)
        let first = try #require((json["evaluations"] as? [[String: Any]])?.first)
        #expect(first["policy"] as? String == "gate-and-route")
        #expect((first["revenuePerGPU"] as? [String: Any])?["samples"] as? Int == 2)
    }

    /// Without evaluation the report holds the plan alone, and says why it has no baselines.
    @Test func unevaluatedReportHasNoSeeds() throws {
        let planned = try GateRoutePlanner().plan(Self.problem)
        let report = GateRoutePlanReport(problem: Self.problem, planned: planned, simulation: nil, evaluations: [])
        #expect(report.seeds.isEmpty && report.evaluations.isEmpty && report.baselines.isEmpty)
        #expect(report.notes.count == 1 && report.notes[0].hasPrefix("baselines: none in the plan's shape"))
    }

    /// Token level measures no per-class state: the five keys and M are `null`, not left out; the
    /// revenue estimate equals the mean of the per-seed runs.
    @Test func tokenLevelRowsWriteNullState() throws {
        let plan = try Self.problem.solved().plan
        let evaluator = GateRouteEvaluator(
            instance: ConvergenceInstance.instance(gpus: 2), plan: plan, gpus: 2, horizon: 60, warmup: 10, fidelity: .token)
        let row = try evaluator.evaluate(.gateAndRoute, named: "gate-and-route", seeds: [1, 2], progress: .silent)
        let single = try [1, 2].map { (seed: UInt64) in
            try evaluator.evaluate(.gateAndRoute, named: "gate-and-route", seeds: [seed], progress: .silent).revenuePerGPU.mean
        }
        #expect(abs(row.revenuePerGPU.mean - (single[0] + single[1]) / 2) < 1e-9)
        let json = try #require(try JSONSerialization.jsonObject(with: JSONContract.encode(row)) as? [String: Any])
        #expect(json["mixedGPUs"] is NSNull && json["decodeBuffer"] is NSNull)
        let first = try #require((json["classes"] as? [[String: Any]])?.first)
        #expect(first["prefillOccupancy"] is NSNull && first["decodeQueue"] is NSNull && first["throughputPerGPU"] is Double)
        #expect(throws: PlanningError.badInput("policy 'gf-wsp' is not available at fidelity token; choose from: "
            + "gate-and-route, prioritize-and-route, sli-aware, fi-wsp, gi-wsp, fg-sp")) {
            var simulation = GateRouteSimulation(settings: GateRouteSimulationSettings(defaultGPUs: 2), fidelity: .token)
            simulation.policies = [.gfWSP]
            try simulation.check(ConvergenceInstance.instance(gpus: 2), limits: .default, at: "simulation")
        }
    }

    /// Seeds summarised per quantity: (1, 3) → mean 2, std √2, half-width 12.706·√2/√2 = 12.706.
    @Test func classStateCombinesOverSeeds() {
        let states = [1.0, 3.0].map {
            ClassState(prefillOccupancy: $0, mixedDecodeOccupancy: 2 * $0, soloDecodeOccupancy: 0, prefillQueue: $0, decodeQueue: 0)
        }
        let combined = ClassState<Estimate>.combining(states, Estimate.init)
        #expect(combined.prefillOccupancy.mean == 2 && combined.mixedDecodeOccupancy.mean == 4)
        #expect(abs(combined.prefillOccupancy.std - 2.0.squareRoot()) < 1e-12)
        #expect(abs(combined.prefillQueue.halfWidth95 - 12.706) < 1e-9)
        #expect(combined.soloDecodeOccupancy.std == 0)
    }
}
