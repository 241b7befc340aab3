/// What a routing policy knows of a request when it picks a backend.
public struct RoutedRequest: Sendable, Hashable {
    /// The router's request id (the `x-request-id` header, made when the client sent none).
    public var id: String
    /// The requested model (the pool's name).
    public var model: String
    /// Prompt tokens, estimated from the prompt's text (about 4 bytes a token).
    public var promptTokens: Int
    /// The request's `max_tokens`, if given.
    public var maxTokens: Int?
    /// A hash of the prompt's first bytes (the prefix a prefix-aware policy keeps on one backend).
    public var prefixHash: UInt64
    /// The request class (gate-and-route): from the class header, or by prompt length; nil when the
    /// pool has no classes.
    public var requestClass: Int?
    /// True when the client asked for a stream.
    public var stream: Bool

    public init(
        id: String, model: String, promptTokens: Int, maxTokens: Int? = nil, prefixHash: UInt64 = 0,
        requestClass: Int? = nil, stream: Bool = false
    ) {
        self.id = id
        self.model = model
        self.promptTokens = promptTokens
        self.maxTokens = maxTokens
        self.prefixHash = prefixHash
        self.requestClass = requestClass
        self.stream = stream
    }
}

/// Load an engine reports on its `/metrics` (vLLM's `vllm:num_requests_running`,
/// `vllm:num_requests_waiting`, `vllm:kv_cache_usage_perc`, or SGLang's equivalents), as last scraped.
public struct EngineLoad: Sendable, Hashable {
    public var running: Double
    public var waiting: Double
    /// KV-cache usage in [0, 1].
    public var kvCacheUsage: Double
    /// Seconds since the scrape (monotonic clock).
    public var ageSeconds: Double

    public init(running: Double, waiting: Double, kvCacheUsage: Double, ageSeconds: Double) {
        self.running = running
        self.waiting = waiting
        self.kvCacheUsage = kvCacheUsage
        self.ageSeconds = ageSeconds
    }
}

/// One backend of a pool as a policy sees it at the moment of a decision.
public struct BackendView: Sendable, Hashable {
    /// Its index in the pool's backends (stable across decisions; what a decision names).
    public var index: Int
    /// Its base URL, e.g. `http://10.0.0.5:8000`.
    public var url: String
    /// False while its health checks fail or its circuit breaker is open: a policy must not pick it.
    public var available: Bool
    /// Requests this router has sent it that have not finished.
    public var inFlight: Int
    /// Of those, the ones whose first token has not come back (prefilling or queued in the engine).
    public var prefilling: Int
    /// The backend's share of the pool's traffic in the plan (1 when the config gives none).
    public var weight: Double
    /// The engine's own load, when its metrics are scraped.
    public var engine: EngineLoad?

    public init(
        index: Int, url: String, available: Bool = true, inFlight: Int = 0, prefilling: Int = 0, weight: Double = 1,
        engine: EngineLoad? = nil
    ) {
        self.index = index
        self.url = url
        self.available = available
        self.inFlight = inFlight
        self.prefilling = prefilling
        self.weight = weight
        self.engine = engine
    }
}

/// A policy's answer for one request.
public enum RoutingDecision: Sendable, Hashable {
    /// Send it to the backend at this index; `reason` is the label of the routing-decisions metric
    /// (e.g. `least-loaded`, `prefix-hit`, `prefix-overflow`, `gate-open`).
    case send(backend: Int, reason: String)
    /// Keep it in the router's queue for the pool; the policy is asked again when a backend's load
    /// falls (a request finishes or its first token arrives) or a backend comes back.
    case hold(reason: String)
}

/// An online routing policy of one pool: picks the backend of each request from the backends'
/// current loads. The pool calls it under its lock, one decision at a time, so a policy may keep
/// state (a round-robin cursor, a hash ring) without locks of its own.
///
/// ```swift
/// var policy: any RoutingPolicy = LeastOutstandingPolicy()
/// let decision = policy.route(request, backends: views)
/// ```
public protocol RoutingPolicy: Sendable {
    /// The policy's name in the config and in metrics labels, e.g. `least-outstanding`.
    var name: String { get }
    /// Picks a backend for `request` among `backends` (every backend of the pool, available or
    /// not, in index order), or holds the request. It never picks an unavailable backend; when none
    /// is available it holds.
    mutating func route(_ request: RoutedRequest, backends: [BackendView]) -> RoutingDecision
    /// Tells the policy a request it sent to `backend` has finished (for policies that track their own
    /// assignments; the default does nothing).
    mutating func finished(_ request: RoutedRequest, backend: Int)
    /// Tells the policy the pool queued `request` without asking it (older requests were waiting), so
    /// a policy that orders its queue by class knows every class that waits (the default does nothing).
    mutating func held(_ request: RoutedRequest)
    /// Tells the policy a queued request left without being sent (queue timeout, shutdown; the default
    /// does nothing).
    mutating func withdrawn(_ request: RoutedRequest)
}

extension RoutingPolicy {
    public mutating func finished(_ request: RoutedRequest, backend: Int) {}
    public mutating func held(_ request: RoutedRequest) {}
    public mutating func withdrawn(_ request: RoutedRequest) {}
}
