import Foundation
import Planning
import ServingModel
import Testing
@testable import Cascade

/// The report of `plan cascade` built in-process: the DeepSeek cascade of
/// `examples/cascade-deepseek.yaml` (32 H100s, 4 requests/s, q_min 85), whose plan the README
/// gives as θ = (80, 0), GPUs 8/24/0, quality 85.75, the single model being the 70B (88.58).
@Suite struct CascadeReportTests {
    static let planned = Result { try CascadeServingPlanner().plan(try CascadeProblem.deepseek(gpus: 32, rate: 4, target: 85), context: PlanningContext()) }

    /// A short simulation (200 requests a run, ten 5 s SLOs at 4 requests/s) on `seeds`.
    static func evaluator(_ served: CascadeServingPlan, seeds: [UInt64]) -> CascadeEvaluator {
        CascadeEvaluator(
            samples: served.planner.problem.samples, engine: served.planner.problem.engine, rate: 4, slo: 5, seeds: seeds,
            settings: CascadeSimulationSettings(requests: 200))
    }

    @Test func planMatchesTheREADME() throws {
        let planned = try Self.planned.get()
        let report = try CascadeReport(kind: "plan-cascade", planned: planned, evaluator: nil)
        #expect(report.kind == "plan-cascade" && report.schemaVersion == JSONContract.schemaVersion)
        #expect(report.plan.name == "cascadia")
        #expect(report.plan.thresholds == [80, 0])
        #expect(abs(report.plan.quality - 85.75) < 0.005)
        #expect(report.plan.stages.map(\.model) == ["deepseek-r1-distill-qwen-7b", "deepseek-r1-distill-llama-70b", "deepseek-v3-awq"])
        #expect(report.plan.stages.map(\.gpus) == [8, 24, 0])
        #expect(report.plan.stages.map(\.gpus).reduce(0, +) == 32)
        // 42.2 % of requests stay on the 7B (README), none reach V3, which has no replicas.
        #expect(abs(report.plan.stages[1].reachFraction - 0.578) < 0.0005)
        #expect(report.plan.stages[2].reachFraction == 0 && report.plan.stages[2].replicas.isEmpty)
        for stage in report.plan.stages where stage.gpus > 0 {
            #expect(stage.replicas.map { $0.tp * $0.pp }.reduce(0, +) <= stage.gpus)
        }
        let search = try #require(report.plan.search)
        #expect(search.meetsTarget && search.qualityTarget == 85 && search.objectiveName == "max-stage-latency")
        #expect(search.stageBudgetSeconds == nil)
        #expect(search.iterations == search.trajectory.count - 1)
        #expect(report.plan.replan == nil)
    }

    /// A heuristic search with one deployment MILP: no bound, no gap, the objective L(θ) of the plan.
    @Test func solveSummaryIsTheSearchWithOneMILP() throws {
        let planned = try Self.planned.get()
        let solve = planned.solve
        #expect(solve.status == .heuristic && solve.solves == 1)
        #expect(solve.objective == planned.plan.plan.objectiveValue)
        #expect(solve.bestBound == nil && solve.relativeGap == nil)
        #expect(solve.solveSeconds >= 0 && solve.solveSeconds <= solve.wallSeconds)
        // max-stage-latency: L is the slowest stage's estimated p95, which the report lists.
        let report = try CascadeReport(kind: "plan-cascade", planned: planned, evaluator: nil)
        let slowest = try #require(report.plan.stages.map(\.p95LatencySeconds).max())
        #expect(abs(try #require(solve.objective) - slowest) < 1e-9)
    }

    /// Baselines in the order of `CascadeBaselines.all`, in the plan's shape: the 70B alone on all
    /// 32 GPUs (88.58), then the plan's thresholds (hence its quality) with other GPU splits.
    @Test func baselinesInOrderAndShape() throws {
        let planned = try Self.planned.get()
        let report = try CascadeReport(kind: "plan-cascade", planned: planned, evaluator: nil)
        #expect(report.baselines.map(\.name) == ["single-model", "uniform-gpus", "uniform-layout", "proportional-gpus"])
        #expect(report.notes.isEmpty)
        let single = report.baselines[0]
        #expect(single.stages.map(\.model) == ["deepseek-r1-distill-llama-70b"] && single.stages[0].gpus == 32)
        #expect(abs(single.quality - 88.58) < 0.005)
        #expect(report.baselines[1].stages.map(\.gpus) == [16, 16])
        #expect(report.baselines[2].stages.map(\.gpus) == [8, 24])
        for baseline in report.baselines.dropFirst() {
            #expect(baseline.thresholds == [80] && baseline.quality == report.plan.quality)
            #expect(baseline.stages.map(\.gpus).reduce(0, +) == 32)
        }
        for baseline in report.baselines { #expect(baseline.search == nil && baseline.replan == nil) }
        #expect(report.seeds.isEmpty && report.evaluations.isEmpty)
    }

    /// The plan's evaluation comes first, then each baseline's, all on the same seeds: each equals
    /// the simulator's figures for that cascade run on its own.
    @Test func evaluationsFollowThePlanThenTheBaselines() throws {
        let planned = try Self.planned.get()
        let evaluator = Self.evaluator(planned.plan, seeds: [3])
        let report = try CascadeReport(kind: "plan-cascade", planned: planned, evaluator: evaluator)
        #expect(report.seeds == [3])
        #expect(report.evaluations.map(\.name) == ["cascadia"] + report.baselines.map(\.name))
        let (baselines, _) = CascadeBaselines.all(plan: planned.plan.plan, planner: planned.plan.planner)
        for (cascade, evaluation) in zip([planned.plan.cascade] + baselines, report.evaluations) {
            let metrics = evaluator.metrics(cascade, searchRate: false)
            #expect(evaluation.p95LatencySeconds == metrics.p95 && evaluation.p99LatencySeconds == metrics.p99, "\(cascade.name)")
            #expect(evaluation.sloAttainment.map(\.attainment) == metrics.attainment, "\(cascade.name)")
            #expect(evaluation.sloAttainment.map(\.scale) == CascadeEvaluator.defaultScales)
            #expect(evaluation.sustainableRate == nil && evaluation.arrivalRate == 4 && evaluation.sloSeconds == 5)
        }
    }

    /// JSON: baselines carry `search` and `replan` as null, not omitted; the plan's objective is a name.
    @Test func jsonKeepsNullKeys() throws {
        let report = try CascadeReport(kind: "plan-cascade", planned: try Self.planned.get(), evaluator: nil)
        let object = try #require(try JSONSerialization.jsonObject(with: JSONContract.encode(report)) as? [String: Any])
        #expect(Set(object.keys) == ["schemaVersion", "kind", "solve", "plan", "baselines", "seeds", "evaluations", "notes"])
        let baseline = try #require((object["baselines"] as? [[String: Any]])?.first)
        #expect(baseline["search"] is NSNull && baseline["replan"] is NSNull)
        let plan = try #require(object["plan"] as? [String: Any])
        #expect((plan["search"] as? [String: Any])?["objectiveName"] as? String == "max-stage-latency")
        #expect((plan["search"] as? [String: Any])?["stageBudgetSeconds"] is NSNull)
    }

    /// Re-planning the example on the synthetic sample with seed 8 keeps θ = (80, 0), reaches
    /// quality 85.73 and changes no replica (README).
    @Test func replanOnAFreshSample() throws {
        let planned = try Self.planned.get()
        var problem = planned.plan.planner.problem
        problem.samples = SyntheticQuality(requests: 2000, seed: 8).generate(
            models: problem.models, promptTokens: .lognormal(mean: 800, sd: 600), outputTokens: CascadeScenario.defaultOutputTokens)
        let replanned = try CascadeServingPlanner(previous: planned.plan.plan).plan(problem, context: PlanningContext())
        let report = try CascadeReport(kind: "plan-cascade", planned: planned, replanned: replanned, evaluator: nil)
        let replan = try #require(report.plan.replan)
        #expect(replan.thresholds == [80, 0] && abs(replan.quality - 85.73) < 0.005)
        #expect(replan.replicasChanged == 0 && replan.changes.map(\.model) == report.plan.stages.map(\.model))
        #expect(replan.changes.map(\.gpusAfter) == [8, 24, 0] && replan.solve.status == .heuristic)
    }

    /// Bad problems are bad input with the planner's message; a re-plan says so; work over the
    /// context's limits is refused at the key (or flag) that drives it.
    @Test func planningErrorsAreBadInput() throws {
        let unreachable = try CascadeProblem.deepseek(gpus: 32, rate: 4, target: 99)
        let error = #expect(throws: PlanningError.self) { try CascadeServingPlanner().plan(unreachable, context: PlanningContext()) }
        #expect(error?.cause == .badInput)
        #expect(error?.lines.first?.hasPrefix("quality.target: quality target 99.0 is unreachable: the best achievable on this sample is") == true)
        let previous = try Self.planned.get().plan.plan
        let replanning = #expect(throws: PlanningError.self) {
            try CascadeServingPlanner(previous: previous).plan(unreachable, context: PlanningContext())
        }
        #expect(replanning?.lines.first?.hasPrefix("re-planning: quality.target: quality target 99.0 is unreachable") == true)
        let tight = PlanningContext(limits: WorkLimits(maxRequests: 1, maxMemoryBytes: 1, allowLarge: false))
        let limited = #expect(throws: PlanningError.self) {
            try CascadeServingPlanner(previous: previous).plan(try CascadeProblem.deepseek(gpus: 32, rate: 4, target: 85), context: tight)
        }
        #expect(limited?.cause == .badInput)
        #expect(limited?.lines.first?.hasPrefix("--replan: the stage tables of the threshold search needs about") == true, "\(String(describing: limited))")
    }
}
