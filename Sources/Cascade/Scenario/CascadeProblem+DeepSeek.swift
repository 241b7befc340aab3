import ServingModel

extension CascadeProblem {
    /// The DeepSeek cascade of `examples/cascade-deepseek.yaml` (7B → 70B → V3 at 4 bits on H100s,
    /// prompts lognormal(800, 600), outputs lognormal(500, 400), the synthetic sample of 2,000
    /// requests with seed 7, SLO 20 s) on `gpus` GPUs at `rate` requests/s and quality target `target`;
    /// the demo and `bench cascade` plan it.
    /// ```
    /// let problem = try CascadeProblem.deepseek(gpus: 32, rate: 4, target: 85)
    /// ```
    public static func deepseek(
        gpus: Int, rate: Double, target: Double, objective: DeploymentObjective = .maxStageLatency
    ) throws(CatalogError) -> CascadeProblem {
        let catalog = Catalog.builtin
        var models: [ModelSpec] = []
        for name in ["deepseek-r1-distill-qwen-7b", "deepseek-r1-distill-llama-70b", "deepseek-v3-awq"] {
            models.append(try catalog.requireModel(named: name))
        }
        let samples = SyntheticQuality(requests: 2000, seed: 7).generate(
            models: models, promptTokens: .lognormal(mean: 800, sd: 600), outputTokens: CascadeScenario.defaultOutputTokens)
        return CascadeProblem(
            models: models, engine: CascadeEngine(gpu: try catalog.requireGPU(named: "H100-80GB"), gpusPerNode: 8),
            totalGPUs: gpus, arrivalRate: rate, samples: samples, qualityTarget: target, objective: objective,
            sloP95: CascadeScenario.defaultSLO)
    }
}
