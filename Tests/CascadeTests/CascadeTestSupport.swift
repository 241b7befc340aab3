import Cascade
import ServingModel

/// Shared fixtures: catalog models, the H100 engine, small hand-made samples.
enum Fixture {
    static func model(_ name: String) -> ModelSpec { Catalog.builtin.model(named: name)! }
    static let deepseek = ["deepseek-r1-distill-qwen-7b", "deepseek-r1-distill-llama-70b", "deepseek-v3-awq"].map(model)
    static let engine = CascadeEngine(gpu: Catalog.builtin.gpu(named: "H100-80GB")!, gpusPerNode: 8)

    /// The DeepSeek cascade's synthetic sample.
    static func synthetic(requests: Int = 1000, seed: UInt64 = 7) -> QualitySamples {
        SyntheticQuality(requests: requests, seed: seed).generate(
            models: deepseek, promptTokens: .lognormal(mean: 800, sd: 600), outputTokens: .lognormal(mean: 500, sd: 400))
    }

    static func problem(
        gpus: Int = 32, rate: Double = 4, target: Double = 85, objective: DeploymentObjective = .maxStageLatency,
        samples: QualitySamples = synthetic(), slo: Double? = 20
    ) -> CascadeProblem {
        CascadeProblem(
            models: deepseek, engine: engine, totalGPUs: gpus, arrivalRate: rate, samples: samples, qualityTarget: target,
            objective: objective, sloP95: slo)
    }
}
