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

    /// Creates a batch shape.
    public init(prefillTokens: Int = 0, prefillContextTokens: Int = 0, decodeStreams: Int = 0, decodeContextTokens: Int = 0) {
        self.prefillTokens = prefillTokens
        self.prefillContextTokens = prefillContextTokens
        self.decodeStreams = decodeStreams
        self.decodeContextTokens = decodeContextTokens
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
