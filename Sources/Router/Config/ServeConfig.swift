/// Everything `gpusched serve` runs: where it listens, its pools of backends (one per model) with
/// their policies, its cascades, and its limits. Read from a `kind: serve` YAML/JSON file by
/// `ServeConfigReader`, or made from a plan (`--plan`) by `PlanServeConfigReader`.
///
/// ```swift
/// let config = try ServeConfigReader.read(path: "serve.yaml")
/// print(config.listen, config.pools.map(\.model))
/// ```
public struct ServeConfig: Sendable, Hashable {
    public var listen: ListenAddress
    /// One pool per model; clients name the pool by the request's `model`.
    public var pools: [PoolConfig]
    /// Models served as cascades of pools (a client asks for the cascade's name).
    public var cascades: [CascadeConfig]
    public var limits: ServeLimits
    /// Bearer keys a client must send (`Authorization: Bearer KEY`); empty: no authentication.
    public var apiKeys: [String]
    public var health: HealthSettings
    public var retry: RetrySettings
    public var timeouts: TimeoutSettings

    public init(
        listen: ListenAddress = ListenAddress(), pools: [PoolConfig], cascades: [CascadeConfig] = [],
        limits: ServeLimits = ServeLimits(), apiKeys: [String] = [], health: HealthSettings = HealthSettings(),
        retry: RetrySettings = RetrySettings(), timeouts: TimeoutSettings = TimeoutSettings()
    ) {
        self.listen = listen
        self.pools = pools
        self.cascades = cascades
        self.limits = limits
        self.apiKeys = apiKeys
        self.health = health
        self.retry = retry
        self.timeouts = timeouts
    }
}

/// A host and port to listen on (127.0.0.1 unless the config says otherwise).
public struct ListenAddress: Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init(host: String = "127.0.0.1", port: Int = 8000) {
        self.host = host
        self.port = port
    }

    public var description: String { "\(ServeHost.bracketed(host)):\(port)" }
}

/// One model's backends and how requests are spread over them.
public struct PoolConfig: Sendable, Hashable {
    /// The model name clients send (and `/v1/models` lists).
    public var model: String
    public var policy: PolicyConfig
    public var backends: [BackendConfig]
    /// The router-side queue of the pool (requests a policy holds, and requests beyond the pool's
    /// in-flight limit).
    public var admission: AdmissionConfig

    public init(model: String, policy: PolicyConfig, backends: [BackendConfig], admission: AdmissionConfig = AdmissionConfig()) {
        self.model = model
        self.policy = policy
        self.backends = backends
        self.admission = admission
    }
}

/// A pool's routing policy and its settings.
public enum PolicyConfig: Sendable, Hashable {
    case roundRobin
    case leastOutstanding
    /// Two backends drawn at random, the one with fewer requests in flight.
    case powerOfTwo
    /// Consistent hashing of the prompt's prefix with bounded loads.
    case prefixAffinity(PrefixAffinitySettings)
    /// Spreads requests in proportion to the backends' weights (a deployment plan's groups).
    case weighted
    /// The gate-and-route policy of a `plan gate-route` plan.
    case gateAndRoute(GateRouteSettings)

    /// The name used in configs and metrics labels.
    public var name: String {
        switch self {
        case .roundRobin: "round-robin"
        case .leastOutstanding: "least-outstanding"
        case .powerOfTwo: "power-of-two"
        case .prefixAffinity: "prefix-affinity"
        case .weighted: "weighted"
        case .gateAndRoute: "gate-and-route"
        }
    }
}

/// Settings of the prefix-affinity policy (consistent hashing with bounded loads, Mirrokni et al.).
public struct PrefixAffinitySettings: Sendable, Hashable {
    /// Bytes of the prompt hashed into the prefix key.
    public var prefixBytes: Int
    /// c ≥ 1: a backend takes a request only while its in-flight count is at most ⌈c · mean⌉.
    public var loadFactor: Double
    /// Virtual nodes per backend on the ring.
    public var virtualNodes: Int

    public init(prefixBytes: Int = 256, loadFactor: Double = 1.25, virtualNodes: Int = 64) {
        self.prefixBytes = prefixBytes
        self.loadFactor = loadFactor
        self.virtualNodes = virtualNodes
    }
}

/// Which engine metrics the router scrapes from a backend's `/metrics`.
public enum EngineMetricsSource: String, Sendable, Hashable, CaseIterable {
    case none
    case vllm
    case sglang
}

/// One upstream engine.
public struct BackendConfig: Sendable, Hashable {
    /// Base URL, e.g. `http://127.0.0.1:9001` (the router appends `/v1/...`).
    public var url: String
    /// Share of the pool's traffic (plans set replicas × capacity); 1 by default.
    public var weight: Double
    public var metrics: EngineMetricsSource
    /// A bearer key sent upstream (never logged).
    public var apiKey: String?

    public init(url: String, weight: Double = 1, metrics: EngineMetricsSource = .none, apiKey: String? = nil) {
        self.url = url
        self.weight = weight
        self.metrics = metrics
        self.apiKey = apiKey
    }
}

/// A pool's router-side queue: a request waits here while its policy holds it or every backend is at
/// its in-flight limit; beyond `maxQueued` it gets 429 with Retry-After, after `queueTimeoutSeconds`
/// 408.
public struct AdmissionConfig: Sendable, Hashable {
    /// Most requests waiting in the pool's queue.
    public var maxQueued: Int
    /// Longest wait in the queue, seconds.
    public var queueTimeoutSeconds: Double
    /// Most requests in flight on one backend (nil: no limit beyond the policy's).
    public var maxInFlightPerBackend: Int?

    public init(maxQueued: Int = 1024, queueTimeoutSeconds: Double = 30, maxInFlightPerBackend: Int? = nil) {
        self.maxQueued = maxQueued
        self.queueTimeoutSeconds = queueTimeoutSeconds
        self.maxInFlightPerBackend = maxInFlightPerBackend
    }
}

/// Limits of the whole server.
public struct ServeLimits: Sendable, Hashable {
    /// Largest request body, bytes (413 beyond).
    public var maxBodyBytes: Int
    /// Most requests the router holds at once, queued or in flight (429 beyond).
    public var maxConcurrentRequests: Int

    public init(maxBodyBytes: Int = 4 << 20, maxConcurrentRequests: Int = 20_000) {
        self.maxBodyBytes = maxBodyBytes
        self.maxConcurrentRequests = maxConcurrentRequests
    }
}

/// Health probes and circuit breakers.
public struct HealthSettings: Sendable, Hashable {
    /// Seconds between probes of a backend's `/health` (and metric scrapes).
    public var intervalSeconds: Double
    /// Probe timeout, seconds.
    public var timeoutSeconds: Double
    /// Consecutive failures (probes or requests) that open a backend's breaker.
    public var failureThreshold: Int
    /// Seconds a breaker stays open before one trial request is let through (half-open).
    public var openSeconds: Double
    /// A request whose first byte takes longer than this counts as a failure for the breaker (slow
    /// backends trip it), seconds.
    public var slowFirstByteSeconds: Double

    public init(
        intervalSeconds: Double = 2, timeoutSeconds: Double = 1, failureThreshold: Int = 3, openSeconds: Double = 5,
        slowFirstByteSeconds: Double = 10
    ) {
        self.intervalSeconds = intervalSeconds
        self.timeoutSeconds = timeoutSeconds
        self.failureThreshold = failureThreshold
        self.openSeconds = openSeconds
        self.slowFirstByteSeconds = slowFirstByteSeconds
    }
}

/// Retries before the first byte of the response (never after a stream began).
public struct RetrySettings: Sendable, Hashable {
    /// Attempts in all, the first included.
    public var maxAttempts: Int
    /// Retry on 5xx and 429 answers as well as connect errors.
    public var retryOnStatus: Bool

    public init(maxAttempts: Int = 3, retryOnStatus: Bool = true) {
        self.maxAttempts = maxAttempts
        self.retryOnStatus = retryOnStatus
    }
}

/// Upstream timeouts.
public struct TimeoutSettings: Sendable, Hashable {
    public var connectSeconds: Double
    /// Until the response's head (and, for streams, its first event).
    public var firstByteSeconds: Double
    /// The whole request.
    public var totalSeconds: Double

    public init(connectSeconds: Double = 2, firstByteSeconds: Double = 60, totalSeconds: Double = 600) {
        self.connectSeconds = connectSeconds
        self.firstByteSeconds = firstByteSeconds
        self.totalSeconds = totalSeconds
    }
}
