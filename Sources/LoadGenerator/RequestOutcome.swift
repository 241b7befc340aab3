/// Why a request failed, as counted in a load report's `errors` (by `key`).
public enum LoadFailure: Sendable, Hashable {
    /// The server answered with a non-2xx HTTP status.
    case http(Int)
    /// The connection could not be made or broke before the response was complete.
    case transport
    /// The request did not finish within the request timeout.
    case timeout
    /// The stream carried an `error` event.
    case streamError
    /// The stream ended without `data: [DONE]`.
    case incompleteStream
    /// The response could not be read as an OpenAI-compatible response (or carried no token).
    case badResponse

    /// The report's key: `http-503`, `transport`, `timeout`, `stream-error`, `incomplete-stream`,
    /// `bad-response`.
    public var key: String {
        switch self {
        case let .http(status): "http-\(status)"
        case .transport: "transport"
        case .timeout: "timeout"
        case .streamError: "stream-error"
        case .incompleteStream: "incomplete-stream"
        case .badResponse: "bad-response"
        }
    }
}

/// What one sent request measured. Times in seconds from its send.
public struct RequestOutcome: Sendable, Hashable {
    /// Seconds after the run's start at which it was sent (its arrival time plus any lag).
    public var sentAt: Double
    /// Send to the first content token (nil without streaming, or when none came).
    public var ttft: Double?
    /// Send to the last content token (nil without streaming, or when none came).
    public var lastToken: Double?
    /// Send to the end of the response.
    public var e2e: Double?
    /// Content chunks received (streaming).
    public var chunks: Int
    /// The server's `usage.completion_tokens`, when it sent one.
    public var usageTokens: Int?
    /// Why it failed; nil when it completed.
    public var failure: LoadFailure?

    public init(
        sentAt: Double, ttft: Double? = nil, lastToken: Double? = nil, e2e: Double? = nil, chunks: Int = 0, usageTokens: Int? = nil,
        failure: LoadFailure? = nil
    ) {
        self.sentAt = sentAt
        self.ttft = ttft
        self.lastToken = lastToken
        self.e2e = e2e
        self.chunks = chunks
        self.usageTokens = usageTokens
        self.failure = failure
    }

    /// Output tokens: the server's usage count when given, else the content chunks.
    public var tokens: Int { usageTokens ?? chunks }

    /// Time per output token after the first, (last token − first token) / (tokens − 1); nil for a
    /// single token, a failure, or without streaming. The simulator's definition, with the last
    /// token's arrival as the end.
    public var tpot: Double? {
        guard failure == nil, let ttft, let lastToken, tokens > 1 else { return nil }
        return (lastToken - ttft) / Double(tokens - 1)
    }

    /// Whether the server's usage count disagrees with the content chunks received (streaming).
    public var usageMismatch: Bool {
        guard let usageTokens, ttft != nil else { return false }
        return usageTokens != chunks
    }
}
