/// A kind of request with its own arrival process and length distributions (e.g. chat, code).
public struct RequestClass: Sendable, Hashable {
    /// The class's name, unique within a workload.
    public var name: String
    /// When its requests arrive.
    public var arrivals: ArrivalProcess
    /// Its prompt (prefill) lengths in tokens.
    public var promptTokens: LengthDistribution
    /// Its output (decode) lengths in tokens.
    public var outputTokens: LengthDistribution

    /// A request class.
    public init(name: String, arrivals: ArrivalProcess, promptTokens: LengthDistribution, outputTokens: LengthDistribution) {
        self.name = name
        self.arrivals = arrivals
        self.promptTokens = promptTokens
        self.outputTokens = outputTokens
    }
}

/// One request of a workload.
public struct Request: Sendable, Hashable {
    /// Position in arrival order, from 0.
    public var id: Int
    /// Index of its class in the workload's classes (or class names, for a trace).
    public var classIndex: Int
    /// Arrival time in seconds.
    public var arrivalTime: Double
    /// Prompt (prefill) tokens, at least 1.
    public var promptTokens: Int
    /// Output (decode) tokens, at least 1.
    public var outputTokens: Int

    /// A request.
    public init(id: Int, classIndex: Int, arrivalTime: Double, promptTokens: Int, outputTokens: Int) {
        self.id = id
        self.classIndex = classIndex
        self.arrivalTime = arrivalTime
        self.promptTokens = promptTokens
        self.outputTokens = outputTokens
    }
}

/// A stream of requests in non-decreasing arrival order; `next()` returns nil when it is over.
public protocol RequestSource {
    /// The next request, or nil at the end.
    mutating func next() -> Request?
}
