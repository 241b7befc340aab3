/// The largest values a scenario may give for each kind of quantity, so that no number read from a
/// file can reach arithmetic that overflows or an allocation it sized. Readers pass them as the
/// `max:` of `ConfigNode.integer(min:max:)`, `number(_:max:)`, `bytes(_:max:)` and
/// `bytesPerSecond(_:max:)`, whose errors state the maximum:
/// ```swift
/// let prompt = node.integer(min: 1, max: ScenarioMaxima.tokens)
/// // error: classes[0].promptTokens: must be <= 10000000, got 1e+15
/// ```
/// Each bound is far above any real deployment (the largest built-in model has 126 layers and
/// today's longest contexts are a few million tokens).
public enum ScenarioMaxima {
    /// Tokens of one prompt, one output, one chunk or one batch: 10 million.
    public static let tokens = 10_000_000
    /// Requests per second of one class or stream: 1 million.
    public static let arrivalRate = 1e6
    /// Coefficient of variation of inter-arrival gaps (`burstiness`): 100.
    public static let burstiness = 100.0
    /// Seconds of a horizon, a time limit, a trace's arrival time or a time scale: 10⁹ (about 32 years).
    public static let seconds = 1e9
    /// Bytes of one GPU's memory: 10¹³ (10 TB).
    public static let memoryBytes = 1e13
    /// FLOP/s of one GPU, and bytes/s of one memory, NVLink or network link: 10¹⁸.
    public static let rate = 1e18
    /// Parameters of one model: 10¹⁴.
    public static let parameters = 1e14
    /// Bytes per parameter or per KV-cache element: 16.
    public static let bytesPerElement = 16.0
    /// Layers of one model: 1,000.
    public static let layers = 1_000
    /// Hidden and intermediate (FFN) widths, and an expert's width: 1 million.
    public static let width = 1_000_000
    /// Attention heads (query or KV) of one layer: 10,000.
    public static let heads = 10_000
    /// Width of one attention head, and MLA's rope head width: 4,096.
    public static let headDim = 4_096
    /// MLA's KV LoRA rank: 100,000.
    public static let latentRank = 100_000
    /// Vocabulary size: 10 million.
    public static let vocabulary = 10_000_000
    /// Routed or shared experts of one MoE layer: 100,000.
    public static let experts = 100_000
    /// Entries of one list in a file (GPUs, models, classes, trace rows): 10 million.
    public static let listEntries = 10_000_000
}
