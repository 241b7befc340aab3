import Cascade
import ServingModel

/// Demo section: Cascadia's DeepSeek cascade (7B → 70B → V3 at 4 bits) on 32 H100s at quality 85,
/// the plan against the single-model baseline in the simulator (one seed, 1,000 requests).
struct CascadeSection {
    struct Report: Encodable {
        var thresholds: [Double]
        var quality: Double
        var gpus: [Int]
        var planningSeconds: Double
        var cascadeP95Seconds: Double
        var singleModel: String
        var singleModelP95Seconds: Double
    }

    /// The DeepSeek cascade problem of `examples/cascade-deepseek.yaml` (synthetic sample, seed 7).
    static func deepseekProblem(gpus: Int, rate: Double, target: Double, objective: DeploymentObjective = .maxStageLatency) throws -> CascadeProblem {
        let catalog = Catalog.builtin
        let models = try ["deepseek-r1-distill-qwen-7b", "deepseek-r1-distill-llama-70b", "deepseek-v3-awq"].map {
            try catalog.requireModel(named: $0)
        }
        let samples = SyntheticQuality(requests: 2000, seed: 7).generate(
            models: models, promptTokens: .lognormal(mean: 800, sd: 600), outputTokens: CascadeScenario.defaultOutputTokens)
        return CascadeProblem(
            models: models, engine: CascadeEngine(gpu: try catalog.requireGPU(named: "H100-80GB"), gpusPerNode: 8),
            totalGPUs: gpus, arrivalRate: rate, samples: samples, qualityTarget: target, objective: objective,
            sloP95: CascadeScenario.defaultSLO)
    }

    let report: Report

    init() throws {
        let started = ContinuousClock.now
        let planner = try CascadePlanner(problem: Self.deepseekProblem(gpus: 32, rate: 4, target: 85))
        let plan = try planner.plan()
        let seconds = (ContinuousClock.now - started).inSeconds
        let evaluator = CascadeEvaluator(
            samples: planner.problem.samples, engine: planner.problem.engine, rate: 4, slo: CascadeScenario.defaultSLO,
            seeds: [1], settings: CascadeSimulationSettings(requests: 1000))
        let single = CascadeBaselines.singleModel(planner: planner)
        report = Report(
            thresholds: plan.thresholds, quality: plan.quality, gpus: plan.gpus, planningSeconds: seconds,
            cascadeP95Seconds: evaluator.metrics(CascadeBaselines.cascade(of: plan, planner: planner), searchRate: false).p95,
            singleModel: single.stages[0].model.name,
            singleModelP95Seconds: evaluator.metrics(single, searchRate: false).p95)
    }

    func render() -> String {
        "thresholds " + report.thresholds.map { Format.fixed($0, 0) }.joined(separator: "/")
            + ", quality \(Format.fixed(report.quality, 1)), GPUs 7B/70B/V3 " + report.gpus.map(String.init).joined(separator: "/")
            + " (planned in \(Format.fixed(report.planningSeconds, 2)) s)\n"
            + "simulated p95 at 4 requests/s: cascade \(Format.fixed(report.cascadeP95Seconds, 2)) s, "
            + "\(report.singleModel) alone on 32 GPUs \(Format.fixed(report.singleModelP95Seconds, 2)) s"
            + "\n(full comparison: gpusched simulate cascade examples/cascade-deepseek.yaml)"
    }
}
