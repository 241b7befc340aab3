import Planning

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
    /// Requests that ran out of patience before they were scheduled.
    public var abandoned: Int
    /// Requests the fleet could never serve (see `RejectionReason`); not counted as abandoned.
    public var rejected: Int
    /// `rejected` by `RejectionReason.rawValue` (reasons with none left out).
    public var rejectedByReason: [String: Int]
    /// Completed requests per second.
    public var throughputRequests: Double
    /// Prompt + output tokens of completed requests per second.
    public var throughputTokens: Double
    /// Output tokens of completed requests per second.
    public var outputTokensPerSecond: Double
    /// Completed requests per second that met the SLO.
    public var goodput: Double
    /// Share of departed requests (completed, abandoned or rejected) that met the SLO.
    public var sloAttainment: Double
    /// The targets `goodput` and `sloAttainment` were judged against (the scenario's `slo:`, the
    /// same for every class); null when it sets none.
    @Nullable public var slo: SLOTargets?
    /// Recompute preemptions suffered by completed requests.
    public var preemptions: Int
    /// Mean time in system of departed requests (completed, abandoned and rejected).
    public var meanTimeInSystem: Double

    /// JSON keys: latencies and times end in `Seconds` (the JSON contract).
    enum CodingKeys: String, CodingKey {
        case name, arrived, completed, abandoned, rejected, rejectedByReason, throughputRequests, throughputTokens
        case outputTokensPerSecond, goodput, sloAttainment, slo, preemptions
        case ttft = "ttftSeconds", tpot = "tpotSeconds", e2e = "e2eSeconds", queueDelay = "queueDelaySeconds"
        case meanTimeInSystem = "meanTimeInSystemSeconds"
    }
}

/// A queue-length sample.
public struct QueueSample: Sendable, Codable {
    public var time: Double
    /// Requests waiting (held at the cluster or queued at replicas).
    public var waiting: Int
    /// Requests admitted to batches.
    public var running: Int

    enum CodingKeys: String, CodingKey {
        case time = "timeSeconds", waiting, running
    }
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
    /// Per replica (configuration order): the share of the measurement window [warm-up, horizon]
    /// it spent running iterations.
    public var replicaBusyFraction: [Double]
    /// Requests rejected because they can never fit a replica's KV cache, warm-up included (the
    /// classes' `rejected` count only the measurement window).
    public var rejected: Int
    /// Each rejection reason that occurred, with the smallest KV capacity it met, warm-up included.
    public var rejections: [Rejection]
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
    /// The KV-cache transfers of a disaggregated fleet; nil for any other fleet.
    public var transfers: TransferReport?
}

/// Why the simulator rejected a request: it can never fit the KV cache of the replica it was
/// routed to, so it would otherwise wait for ever.
public enum RejectionReason: String, Sendable, Codable, CaseIterable {
    /// Its prompt alone is larger than the replica's whole KV cache.
    case promptAboveKVCapacity
    /// After a preemption, its prompt plus the tokens generated so far outgrew the whole cache.
    case contextAboveKVCapacity
    /// Its prompt (or prompt + generated tokens after a preemption) is above the token budget of
    /// one prefill-only batch (vllm-v0's `chunkSize`; vLLM V0 ignores such a prompt).
    case promptAboveTokenBudget

    var index: Int { Self.allCases.firstIndex(of: self) ?? 0 }

    /// What a person reads.
    public var explanation: String {
        switch self {
        case .promptAboveKVCapacity: "prompt larger than the replica's whole KV cache"
        case .contextAboveKVCapacity: "prompt + generated tokens larger than the replica's whole KV cache after a preemption"
        case .promptAboveTokenBudget: "prompt larger than the token budget of one prefill-only batch (vllm-v0's chunkSize)"
        }
    }

    /// Non-zero counts by raw value.
    static func counts(_ counts: [Int]) -> [String: Int] {
        var result: [String: Int] = [:]
        for (reason, count) in zip(allCases, counts) where count > 0 { result[reason.rawValue] = count }
        return result
    }
}

/// Requests rejected for one reason in one run.
public struct Rejection: Sendable, Codable, Hashable {
    public var reason: RejectionReason
    public var count: Int
    /// The largest number of tokens a rejected request needed, and the KV capacity it met.
    public var largestNeed: Int
    public var kvCapacity: Int

    /// One entry per reason, counts added, the largest need kept (in `RejectionReason` order).
    public static func merged(_ rejections: [Rejection]) -> [Rejection] {
        RejectionReason.allCases.compactMap { reason in
            let matching = rejections.filter { $0.reason == reason }
            guard var largest = matching.max(by: { $0.largestNeed < $1.largestNeed }) else { return nil }
            largest.count = matching.reduce(0) { $0 + $1.count }
            return largest
        }
    }
}
