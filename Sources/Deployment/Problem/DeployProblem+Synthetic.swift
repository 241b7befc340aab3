import Planning
import ServingModel

extension DeployProblem {
    /// Catalog GPUs of the synthetic fleets, in the order pools are made, with prices per GPU-hour.
    public static let syntheticPrices: [(gpu: String, pricePerHour: Double)] = [
        ("H100-80GB", 2.50), ("A100-80GB", 1.40), ("L40S", 0.90), ("H200-141GB", 3.20), ("A100-40GB", 1.10),
    ]

    /// Catalog models the synthetic problems cycle through (dense, one node or less on an H100).
    public static let syntheticModels = [
        "llama-3.1-8b", "qwen3-8b", "qwen3-32b", "qwen3-4b", "deepseek-r1-distill-qwen-7b", "llama-3.1-70b",
        "deepseek-r1-distill-llama-70b",
    ]

    /// A deterministic synthetic deployment problem for benchmarks: `models` demands cycling
    /// through `syntheticModels` (each named `<model>-<index>`, with its own seeded workload and
    /// SLO), `gpuTypes` pools of `syntheticPrices` sharing `gpus` GPUs (8 per node, 4 for L40S),
    /// and every model's demand sized to `load` of its share of the fleet's rough throughput.
    ///
    /// Each model's SLO is set from its unloaded roofline times on an H100 at its smallest layout
    /// (TTFT 3–6× a mean prompt's prefill plus 0.2 s, TPOT 2–3.5× a decode step at batch 32), so
    /// every model is servable; the throughput estimate is a batch-32 decode step on that layout,
    /// scaled to each GPU type by memory bandwidth. Same arguments, same problem.
    /// ```
    /// let problem = try DeployProblem.synthetic(models: 20, gpuTypes: 5, gpus: 10_000, seed: 1)
    /// print(problem.models.count, problem.fleet.map(\.count))   // 20 [2500, 2500, 2000, 1500, 1500]
    /// ```
    public static func synthetic(
        models: Int, gpuTypes: Int, gpus: Int, seed: UInt64, objective: DeployObjective = .minCost,
        modes: Set<ServingMode> = [.aggregated, .disaggregated], load: Double = 0.35
    ) throws(PlanningError) -> DeployProblem {
        guard models >= 1 else { throw .badInput("models: must be >= 1, got \(models)") }
        guard (1...syntheticPrices.count).contains(gpuTypes) else {
            throw .badInput("gpuTypes: must be between 1 and \(syntheticPrices.count), got \(gpuTypes)")
        }
        guard gpus >= 8 * gpuTypes else { throw .badInput("gpus: must be >= \(8 * gpuTypes) (a node per type), got \(gpus)") }
        guard load > 0, load.isFinite else { throw .badInput("load: must be > 0, got \(load)") }
        let catalog = Catalog.builtin
        guard let reference = catalog.gpu(named: "H100-80GB") else { throw .failure("synthetic: the catalog has no H100-80GB") }
        var fleet: [FleetPool] = []
        let weights = [5.0, 5, 4, 3, 3].prefix(gpuTypes)
        let total = weights.reduce(0, +)
        var left = gpus
        for (index, entry) in syntheticPrices.prefix(gpuTypes).enumerated() {
            guard let gpu = catalog.gpu(named: entry.gpu) else { throw .failure("synthetic: the catalog has no \(entry.gpu)") }
            let perNode = gpu.name == "L40S" ? 4 : 8
            let share = index == gpuTypes - 1 ? left : Int(Double(gpus) * weights[index] / total) / perNode * perNode
            left -= share
            fleet.append(FleetPool(gpu: gpu, count: share, gpusPerNode: perNode, pricePerHour: entry.pricePerHour))
        }
        let referenceGPUs = fleet.reduce(0.0) { $0 + Double($1.count) * $1.gpu.memoryBandwidth / reference.memoryBandwidth }
        var random = SeededRandom(seed: seed)
        var demands: [ModelDemand] = []
        for index in 0..<models {
            let name = syntheticModels[index % syntheticModels.count]
            guard var spec = catalog.model(named: name) else { throw .failure("synthetic: the catalog has no \(name)") }
            spec.name = "\(name)-\(index + 1)"
            let prompt = 256 + 128 * Double(Int(random.uniform() * 24))
            let output = 64 + 32 * Double(Int(random.uniform() * 14))
            guard let smallest = SmallestLayout(model: spec, gpu: reference).tensorParallel else {
                throw .failure("synthetic: \(name) fits no H100 node")
            }
            let roofline = RooflineModel(model: spec, gpu: reference, layout: ParallelLayout(tensorParallel: smallest))
            let prefill = roofline.iterationSeconds(BatchShape(prefillTokens: Int(prompt)))
            let streams = 32
            let step = roofline.iterationSeconds(
                BatchShape(decodeStreams: streams, decodeContextTokens: streams * Int(prompt + output / 2)))
            let slo = DeploySLO(
                ttftQuantile: 0.9, ttftSeconds: 0.2 + prefill * (3 + 3 * random.uniform()),
                tpotQuantile: 0.9, tpotSeconds: step * (2 + 1.5 * random.uniform()))
            let perGPU = Double(streams) / (step * output) / Double(smallest)
            let rate = load * perGPU * referenceGPUs / Double(models)
            let workload = DeployWorkload.synthetic(
                rate: (rate * 100).rounded() / 100, prompt: .lognormal(mean: prompt, sd: prompt / 2),
                output: .exponential(mean: output))
            demands.append(ModelDemand(model: spec, workload: workload, slo: slo))
        }
        return DeployProblem(fleet: fleet, models: demands, objective: objective, modes: modes)
    }
}
