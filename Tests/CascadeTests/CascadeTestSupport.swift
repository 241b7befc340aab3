import Cascade
import ServingModel
import Testing

/// Shared fixtures: catalog models, the H100 engine, small hand-made samples.
enum Fixture {
    static func model(_ name: String) throws -> ModelSpec { try #require(Catalog.builtin.model(named: name)) }
    static func deepseek() throws -> [ModelSpec] {
        try ["deepseek-r1-distill-qwen-7b", "deepseek-r1-distill-llama-70b", "deepseek-v3-awq"].map(model)
    }
    static func engine() throws -> CascadeEngine {
        CascadeEngine(gpu: try #require(Catalog.builtin.gpu(named: "H100-80GB")), gpusPerNode: 8)
    }

    /// The DeepSeek cascade's synthetic sample.
    static func synthetic(requests: Int = 1000, seed: UInt64 = 7) throws -> QualitySamples {
        SyntheticQuality(requests: requests, seed: seed).generate(
            models: try deepseek(), promptTokens: .lognormal(mean: 800, sd: 600), outputTokens: .lognormal(mean: 500, sd: 400))
    }

    /// The DeepSeek cascade on `gpus` H100s (`samples` defaults to the synthetic sample).
    static func problem(
        gpus: Int = 32, rate: Double = 4, target: Double = 85, objective: DeploymentObjective = .maxStageLatency,
        samples: QualitySamples? = nil, slo: Double? = 20
    ) throws -> CascadeProblem {
        CascadeProblem(
            models: try deepseek(), engine: try engine(), totalGPUs: gpus, arrivalRate: rate, samples: try samples ?? synthetic(),
            qualityTarget: target, objective: objective, sloP95: slo)
    }
}
