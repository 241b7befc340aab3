import Cascade
import Planning

/// Demo section: Cascadia's DeepSeek cascade (7B → 70B → V3 at 4 bits) on 32 H100s at quality 85,
/// the plan against the single-model baseline in the simulator (one seed, 1,000 requests).
struct CascadeSection {
    struct Report: Encodable {
        var thresholds: [Double]
        var quality: Double
        var gpus: [Int]
        /// The plan's solve; `wallSeconds` is the planning time.
        var solve: SolveSummary
        var cascadeP95Seconds: Double
        var singleModel: String
        var singleModelP95Seconds: Double
    }

    let report: Report

    init(context: PlanningContext) throws {
        let planned = try CascadeServingPlanner().plan(
            try CascadeProblem.deepseek(gpus: 32, rate: 4, target: 85), context: context)
        let served = planned.plan
        let evaluator = CascadeEvaluator(
            samples: served.planner.problem.samples, engine: served.planner.problem.engine, rate: 4,
            slo: CascadeScenario.defaultSLO, seeds: [1], settings: CascadeSimulationSettings(requests: 1000))
        let single = CascadeBaselines.singleModel(planner: served.planner)
        report = Report(
            thresholds: served.plan.thresholds, quality: served.plan.quality, gpus: served.plan.gpus, solve: planned.solve,
            cascadeP95Seconds: try evaluator.evaluate(served.cascade, named: "cascadia", seeds: [1], progress: .silent).p95LatencySeconds,
            singleModel: single.stages[0].model.name,
            singleModelP95Seconds: try evaluator.evaluate(single, named: single.name, seeds: [1], progress: .silent).p95LatencySeconds)
    }

    func render() -> String {
        "thresholds " + report.thresholds.map { Format.fixed($0, 0) }.joined(separator: "/")
            + ", quality \(Format.fixed(report.quality, 1)), GPUs 7B/70B/V3 " + report.gpus.map(String.init).joined(separator: "/")
            + " (planned in \(Format.fixed(report.solve.wallSeconds, 2)) s)\n"
            + "simulated p95 at 4 requests/s: cascade \(Format.fixed(report.cascadeP95Seconds, 2)) s, "
            + "\(report.singleModel) alone on 32 GPUs \(Format.fixed(report.singleModelP95Seconds, 2)) s"
            + "\n(full comparison: gpusched simulate cascade examples/cascade-deepseek.yaml)"
    }
}
