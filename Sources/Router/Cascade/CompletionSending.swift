import InferenceAPI

/// A complete (non-streaming) answer of a pool's backend to one completion request.
public struct UpstreamCompletion: Sendable, Hashable {
    /// The HTTP status.
    public var status: Int
    /// The response body (an OpenAI completion object when `status` is 200, an error body otherwise).
    public var body: [UInt8]
    /// The backend that answered (its URL), for logs and headers.
    public var backend: String?

    public init(status: Int, body: [UInt8], backend: String? = nil) {
        self.status = status
        self.body = body
        self.backend = backend
    }

    /// True for a 2xx status.
    public var succeeded: Bool { (200..<300).contains(status) }
}

/// The seam between a cascade and the router's pools: sends one non-streaming completion request to
/// the pool of `model` (through its routing policy, retries and breaker) and returns the whole
/// response. The router's pool manager conforms; tests pass a fake.
///
/// ```swift
/// struct Pools: CompletionSending {
///     func complete(model: String, endpoint: CompletionEndpoint, body: [UInt8], requestID: String) async throws -> UpstreamCompletion {
///         try await manager.pool(model).send(endpoint: endpoint, body: body, requestID: requestID)
///     }
/// }
/// ```
public protocol CompletionSending: Sendable {
    /// `body` is the client's request with `model` set to the stage's model and `stream` false.
    /// Throws when no response came back (no backend, connect failure after retries, timeout).
    func complete(model: String, endpoint: CompletionEndpoint, body: [UInt8], requestID: String) async throws -> UpstreamCompletion
}
