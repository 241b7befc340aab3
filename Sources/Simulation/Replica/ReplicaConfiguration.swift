import ServingModel

/// What a replica may run.
public enum ReplicaRole: String, Sendable, Hashable, Codable {
    /// Prefills and decodes, at most B streams (the usual engine).
    case general
    /// At most one prefill at a time; policies keep at most B − 1 decodes on it (the gate-and-route
    /// "mixed" GPU, whose prefill slot is reserved).
    case mixed
    /// Decodes only, at most B (the gate-and-route "solo" GPU); policies never send it a prefill.
    case solo
    /// Prefills only (a disaggregated fleet): each prefilled request's KV cache is sent to a
    /// `decode` replica over the network (`Disaggregation`).
    case prefill
    /// Decodes requests prefilled on `prefill` replicas (it re-prefills only after a preemption).
    case decode
}

/// One serving replica: its iteration-time model and the engine limits of its scheduler.
public struct ReplicaConfiguration: Sendable {
    /// A label for reports, e.g. `H100-80GB TP2 #3`.
    public var name: String
    /// Index of the replica group it came from in the scenario (for per-group reports).
    public var group: Int
    /// The GPU type it runs on (a catalog name, for reports); nil where the caller names none.
    public var gpu: String?
    /// Seconds per iteration for a batch on this replica.
    public var iterationModel: any IterationTimeModel
    /// Maximum concurrent streams (B), prefilling ones included.
    public var batchSize: Int
    /// The token budget C: single-chunk's largest chunk, vllm-v1's and sarathi's tokens per
    /// iteration (decodes included), vllm-v0's most prompt tokens in one prefill-only batch.
    public var chunkSize: Int
    /// KV-cache capacity in tokens.
    public var kvCapacityTokens: Int
    /// What the replica may run.
    public var role: ReplicaRole
    /// How each iteration's batch is formed.
    public var scheduler: BatchingRule
    /// Tokens per KV-cache block; the cache holds ⌊kvCapacityTokens / blockSize⌋ blocks.
    public var blockSize: Int
    /// Fraction of the blocks kept free when a request is admitted (vLLM's watermark), in [0, 1).
    public var watermark: Double
    /// KV-cache bytes of one token of the whole model (what a disaggregated fleet's transfer of
    /// one token carries; 0 where nothing is sent).
    public var kvBytesPerToken: Double

    /// Creates a replica configuration. The defaults are the original token-granular single-chunk
    /// rule (what the gate-and-route and cascade experiments model); `kind: simulate` scenarios
    /// default to `.vllmV1` with 16-token blocks and a 0.01 watermark (`EngineSection`).
    public init(
        name: String, group: Int = 0, gpu: String? = nil, iterationModel: any IterationTimeModel, batchSize: Int, chunkSize: Int,
        kvCapacityTokens: Int, role: ReplicaRole = .general, scheduler: BatchingRule = .singleChunk,
        blockSize: Int = 1, watermark: Double = 0, kvBytesPerToken: Double = 0
    ) {
        self.name = name
        self.group = group
        self.gpu = gpu
        self.iterationModel = iterationModel
        self.batchSize = batchSize
        self.chunkSize = chunkSize
        self.kvCapacityTokens = kvCapacityTokens
        self.role = role
        self.scheduler = scheduler
        self.blockSize = blockSize
        self.watermark = watermark
        self.kvBytesPerToken = kvBytesPerToken
    }
}
