import ServingModel

/// The engine limits of a live replica given on a command line: vLLM's `max_num_seqs`
/// (`batchSize`) and `max_num_batched_tokens` (`chunkSize`), both defaulting to `vllm serve`'s
/// defaults for the GPU, and the scheduler keys of a scenario's `engine:` with their defaults.
public struct LiveEngineSettings: Sendable, Hashable {
    /// Maximum concurrent streams B; nil: `vllm serve`'s default for the GPU.
    public var batchSize: Int?
    /// Token budget C per iteration; nil: `vllm serve`'s default for the GPU.
    public var chunkSize: Int?
    /// How each iteration's batch is formed (a scenario's `engine.scheduler`).
    public var scheduler: BatchingRule
    /// Tokens per KV-cache block.
    public var blockSize: Int
    /// Fraction of the blocks kept free on admission.
    public var watermark: Double
    /// vLLM's `gpu_memory_utilization`.
    public var memoryUtilization: Double

    public init(
        batchSize: Int? = nil, chunkSize: Int? = nil, scheduler: BatchingRule = .vllmV1, blockSize: Int = 16,
        watermark: Double = 0.01, memoryUtilization: Double = MemoryFit.defaultMemoryUtilization
    ) {
        self.batchSize = batchSize
        self.chunkSize = chunkSize
        self.scheduler = scheduler
        self.blockSize = blockSize
        self.watermark = watermark
        self.memoryUtilization = memoryUtilization
    }
}

/// Builds the `ReplicaConfiguration` of a live replica exactly as `kind: simulate` builds a replica
/// group's: the roofline iteration model of (model, GPU, TP), vLLM's memory rule for the KV cache,
/// the scenario defaults for blocks and watermark; or takes a replica of a simulate scenario's
/// group as it is, so a mock engine runs the very replica `gpusched simulate` simulates.
///
/// ```swift
/// let configuration = try LiveReplicaSetup.configuration(model: "llama-3.1-8b", gpu: "H100-80GB", tensorParallel: 1)
/// var replica = LiveReplica(configuration: configuration)
/// ```
public enum LiveReplicaSetup {
    /// The configuration for `model` on `tensorParallel` × `gpu`.
    /// - Throws: `ScenarioError` whose issues name the flag at fault (`--model`, `--gpu`, `--tp`,
    ///   `--max-batch`, `--chunk`): an unknown name (with the catalog's suggestions), a TP that
    ///   does not split the model, a model that does not fit in memory (with the numbers), limits
    ///   out of range or a vllm-v1 budget below the batch size.
    public static func configuration(
        model modelName: String, gpu gpuName: String, tensorParallel: Int, engine: LiveEngineSettings = LiveEngineSettings(),
        catalog: Catalog = .builtin
    ) throws(ScenarioError) -> ReplicaConfiguration {
        var issues: [ScenarioIssue] = []
        var model: ModelSpec?
        var gpu: GPUSpec?
        do { model = try catalog.requireModel(named: modelName) } catch {
            issues.append(ScenarioIssue(path: "--model", message: error.description))
        }
        do { gpu = try catalog.requireGPU(named: gpuName) } catch {
            issues.append(ScenarioIssue(path: "--gpu", message: error.description))
        }
        if !(1...64).contains(tensorParallel) {
            issues.append(ScenarioIssue(path: "--tp", message: "must be an integer in 1...64, got \(tensorParallel)"))
        }
        if let batch = engine.batchSize, !(1...EngineSection.maxBatchSize).contains(batch) {
            issues.append(ScenarioIssue(path: "--max-batch", message: "must be an integer in 1...\(EngineSection.maxBatchSize), got \(batch)"))
        }
        if let chunk = engine.chunkSize, !(1...EngineSection.maxChunkSize).contains(chunk) {
            issues.append(ScenarioIssue(path: "--chunk", message: "must be an integer in 1...\(EngineSection.maxChunkSize), got \(chunk)"))
        }
        guard issues.isEmpty, let model, let gpu else { throw ScenarioError(issues: issues) }
        let layout = ParallelLayout(tensorParallel: tensorParallel, pipelineParallel: 1)
        if let problem = layout.shapeProblem(for: model) { throw ScenarioError(path: "--tp", problem) }
        let defaults = VLLMMemoryProfile.defaultLimits(for: gpu)
        let batchSize = engine.batchSize ?? defaults.maxNumSeqs
        let chunkSize = engine.chunkSize ?? max(defaults.maxBatchedTokens, engine.scheduler == .vllmV1 ? batchSize : 1)
        if engine.scheduler == .vllmV1 && chunkSize < batchSize {
            throw ScenarioError(path: "--chunk",
                "vllm-v1 needs a token budget >= the batch size (every running request gets a token each iteration; vLLM "
                    + "refuses max_num_batched_tokens < max_num_seqs), got \(chunkSize) < \(batchSize)")
        }
        let fit = MemoryFit(
            model: model, gpu: gpu, layout: layout, memoryUtilization: engine.memoryUtilization,
            maxNumSeqs: batchSize, maxBatchedTokens: chunkSize)
        if let shortfall = fit.shortfall(model: model, gpu: gpu, layout: layout) { throw ScenarioError(path: "--tp", shortfall) }
        let kvBytesPerToken = MemoryFit(
            model: model, gpu: gpu, layout: ParallelLayout(tensorParallel: 1, pipelineParallel: 1), reservedBytes: 0
        ).kvBytesPerTokenPerGPU
        return ReplicaConfiguration(
            name: "\(model.name) on \(gpu.name) \(layout) #0", group: 0,
            iterationModel: RooflineModel(model: model, gpu: gpu, layout: layout), batchSize: batchSize,
            chunkSize: chunkSize, kvCapacityTokens: fit.kvCapacityTokens, role: .general, scheduler: engine.scheduler,
            blockSize: engine.blockSize, watermark: engine.watermark, kvBytesPerToken: kvBytesPerToken)
    }

    /// The first replica of replica group `group` (0-based, in file order) of a simulate scenario.
    /// - Throws: `ScenarioError` at `--group` when the scenario has no such group, or the group's
    ///   role is not `general` (a mock engine prefills and decodes; disaggregated roles need the
    ///   fleet's KV transfers).
    public static func configuration(scenario: SimulateScenario, group: Int) throws(ScenarioError) -> ReplicaConfiguration {
        let groups = Set(scenario.replicas.map(\.group)).sorted()
        guard let replica = scenario.replicas.first(where: { $0.group == group }) else {
            throw ScenarioError(path: "--group",
                "the scenario has replica groups " + groups.map(String.init).joined(separator: ", ") + ", got \(group)")
        }
        guard replica.role == .general else {
            throw ScenarioError(path: "--group",
                "group \(group) has role '\(replica.role.rawValue)'; a mock engine serves general replicas only")
        }
        return replica
    }
}
