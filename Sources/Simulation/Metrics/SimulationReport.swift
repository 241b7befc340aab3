/// Metrics of one request class (or `overall`) in one run. Latencies in seconds, rates per second
/// over the measurement window [warm-up, horizon].
public struct ClassReport: Sendable, Codable {
    public var name: String
    public var ttft: LatencySummary
    public var tpot: LatencySummary
    public var e2e: LatencySummary
    /// Arrival until first scheduled in a batch.
    public var queueDelay: LatencySummary
    /// Requests that arrived in the window.
    public var arrived: Int
    public var completed: Int
    public var abandoned: Int
    /// Completed requests per second.
    public var throughputRequests: Double
    /// Prompt + output tokens of completed requests per second.
    public var throughputTokens: Double
    /// Output tokens of completed requests per second.
    public var outputTokensPerSecond: Double
    /// Completed requests per second that met the SLO.
    public var goodput: Double
    /// Share of departed requests (completed or abandoned) that met the SLO.
    public var sloAttainment: Double
    /// Recompute preemptions suffered by completed requests.
    public var preemptions: Int
    /// Mean time in system of departed requests (completed and abandoned).
    public var meanTimeInSystem: Double
}

/// A queue-length sample.
public struct QueueSample: Sendable, Codable {
    public var time: Double
    /// Requests waiting (held at the cluster or queued at replicas).
    public var waiting: Int
    /// Requests admitted to batches.
    public var running: Int
}

/// When one request left the system, completed (see `SimulationConfiguration.recordsCompletions`).
public struct RequestCompletion: Sendable, Codable, Hashable {
    /// The request's id (`Request.id`).
    public var id: Int
    /// Simulated seconds at which its last token was produced.
    public var time: Double
}

/// Everything one seeded run measured.
public struct SimulationReport: Sendable, Codable {
    public var seed: UInt64
    public var policy: String
    public var overall: ClassReport
    public var classes: [ClassReport]
    /// Time-average number of requests in system over the window (all requests, for Little's law).
    public var meanInSystem: Double
    /// Time-average number waiting over the window.
    public var meanWaiting: Double
    /// Arrivals per second in the window.
    public var arrivalRate: Double
    public var queueSamples: [QueueSample]
    /// Events processed (arrivals, iteration ends, patience expiries, samples).
    public var events: Int
    /// Iterations run by all replicas.
    public var iterations: Int
    /// Requests dropped because their prompt exceeds a replica's whole KV cache (counted as abandoned).
    public var rejected: Int
    /// Simulated seconds (until the last request drained).
    public var simulatedSeconds: Double
    /// Wall-clock seconds the run took.
    public var wallSeconds: Double
    public var eventsPerSecond: Double
    /// Largest number of requests in the system at once (memory is bounded by it).
    public var peakInSystem: Int
    /// Every completed request (measured or not) in completion order, when the configuration asks
    /// for it; nil otherwise.
    public var completions: [RequestCompletion]?
}
