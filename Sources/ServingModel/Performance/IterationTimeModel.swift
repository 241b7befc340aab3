/// What one engine iteration of a replica processes: the prefill chunk(s) scheduled in it and
/// the decode streams that each produce one token.
public struct BatchShape: Sendable, Hashable {
    /// Prompt tokens processed in this iteration (all prefill chunks together).
    public var prefillTokens: Int
    /// Prompt tokens of those requests already in the KV cache before this iteration
    /// (earlier chunks), which the chunk's attention reads.
    public var prefillContextTokens: Int
    /// Decode streams in the batch (each produces one token).
    public var decodeStreams: Int
    /// Sum over decode streams of their current context length (prompt + generated tokens).
    public var decodeContextTokens: Int
    /// Prefill chunks in this iteration (one per prompt that has tokens in it).
    public var prefillChunks: Int
    /// Σ chunk² over the prefill chunks (attention's causal part grows with it).
    public var prefillSquaredTokens: Int
    /// Σ chunk × context over the prefill chunks (attention of a chunk over its cached context).
    public var prefillContextProductTokens: Int

    /// Creates a batch shape with at most one prefill chunk: `prefillTokens` after
    /// `prefillContextTokens` already cached.
    ///
    /// ```swift
    /// var batch = BatchShape(decodeStreams: 32, decodeContextTokens: 32 * 1500)
    /// batch.addPrefillChunk(tokens: 512, context: 1024)
    /// ```
    public init(prefillTokens: Int = 0, prefillContextTokens: Int = 0, decodeStreams: Int = 0, decodeContextTokens: Int = 0) {
        self.prefillTokens = prefillTokens
        self.prefillContextTokens = prefillContextTokens
        self.decodeStreams = decodeStreams
        self.decodeContextTokens = decodeContextTokens
        prefillChunks = prefillTokens > 0 ? 1 : 0
        prefillSquaredTokens = prefillTokens * prefillTokens
        prefillContextProductTokens = prefillTokens * prefillContextTokens
    }

    /// Adds one prompt's chunk of `tokens` tokens, after `context` of its tokens already cached.
    public mutating func addPrefillChunk(tokens: Int, context: Int) {
        guard tokens > 0 else { return }
        prefillTokens += tokens
        prefillContextTokens += context
        prefillChunks += 1
        prefillSquaredTokens += tokens * tokens
        prefillContextProductTokens += tokens * context
    }

    /// True when nothing is scheduled.
    public var isEmpty: Bool { prefillTokens == 0 && decodeStreams == 0 }
}

/// How long one iteration of a particular replica (model, GPU type, TP/PP layout) takes.
///
/// Implementations are bound to one replica configuration when they are created, so the
/// simulator's hot path is a single call per iteration.
public protocol IterationTimeModel: Sendable {
    /// Seconds for one iteration of `batch`. Must be positive for a non-empty batch.
    func iterationSeconds(_ batch: BatchShape) -> Double
}
