import InferenceAPI

/// How a load run sends its requests: where, to which endpoint and model, streaming or not, how many
/// at most in flight, and the time limits.
///
/// ```swift
/// let settings = LoadSettings(target: "http://127.0.0.1:8000", model: "llama-3.1-8b")
/// ```
public struct LoadSettings: Sendable {
    /// The server's base URL (`http://host:port`, optionally with a path prefix); the endpoint's
    /// path is appended.
    public var target: String
    /// `/v1/completions` (a `prompt`) or `/v1/chat/completions` (one user message).
    public var endpoint: CompletionEndpoint
    /// The `model` field of every request.
    public var model: String
    /// `stream: true` with `stream_options.include_usage`, measuring every token; false sends plain
    /// requests (end-to-end latency and usage only).
    public var stream: Bool
    /// Most requests in flight at once; an arrival beyond it is dropped (counted, never queued), so
    /// memory stays bounded however slow the server.
    public var maxInFlight: Int
    /// Seconds a request may take from send to its last byte before it fails as `timeout`.
    public var requestTimeout: Double
    /// Seconds to establish a connection before the request fails as `transport`.
    public var connectTimeout: Double
    /// Seeds the prompts' text (request `i` gets `PromptTokens.text(tokens:seed: promptSeed + i)`).
    public var promptSeed: UInt64

    /// Default most requests in flight.
    public static let defaultMaxInFlight = 20_000

    public init(
        target: String, endpoint: CompletionEndpoint = .text, model: String, stream: Bool = true,
        maxInFlight: Int = defaultMaxInFlight, requestTimeout: Double = 300, connectTimeout: Double = 5, promptSeed: UInt64 = 1
    ) {
        self.target = target
        self.endpoint = endpoint
        self.model = model
        self.stream = stream
        self.maxInFlight = maxInFlight
        self.requestTimeout = requestTimeout
        self.connectTimeout = connectTimeout
        self.promptSeed = promptSeed
    }

    /// The URL requests are posted to: the target without a trailing slash, then the endpoint's path.
    public var url: String {
        var base = target
        while base.hasSuffix("/") { base.removeLast() }
        return base + endpoint.rawValue
    }
}
