import Planning
import ServingModel
import Simulation

/// The figures of one request class (or `overall`) in a load run, in the simulator's
/// `ClassReport` shape and key names: latencies in seconds over the requests that arrived in the
/// measurement window ([warm-up, horizon]) and completed; rates over the window's length.
public struct LoadClassReport: Sendable, Codable {
    public var name: String
    /// Send to first content token.
    public var ttft: LatencyStatistics
    /// (last token − first token) / (tokens − 1), requests of two tokens or more.
    public var tpot: LatencyStatistics
    /// Send to the end of the response.
    public var e2e: LatencyStatistics
    /// Gaps between consecutive content tokens (from a histogram: within 0.5 % of exact).
    public var interToken: LatencyStatistics
    /// Requests scheduled in the window.
    public var arrived: Int
    /// Of those, sent (not dropped).
    public var sent: Int
    /// Of those, dropped because `maxInFlight` requests were in flight.
    public var dropped: Int
    public var completed: Int
    public var failed: Int
    /// Failures by `LoadFailure.key`.
    public var errors: [String: Int]
    /// Completed requests per second of the window.
    public var throughputRequests: Double
    /// Prompt + output tokens of completed requests per second of the window.
    public var throughputTokens: Double
    /// Output tokens of completed requests per second of the window.
    public var outputTokensPerSecond: Double

    enum CodingKeys: String, CodingKey {
        case name, arrived, sent, dropped, completed, failed, errors, throughputRequests, throughputTokens, outputTokensPerSecond
        case ttft = "ttftSeconds", tpot = "tpotSeconds", e2e = "e2eSeconds", interToken = "interTokenSeconds"
    }
}

/// What `gpusched load` prints: the run's settings, the counts of every request (warm-up
/// included), how late the sends were, and the measured window's figures overall and by class.
///
/// ```swift
/// let report = await OpenLoopRunner.run(schedule, settings: settings)
/// print(report.overall.ttft.p50, report.failed)
/// ```
public struct LoadReport: Sendable, Codable {
    public var target: String
    public var endpoint: String
    public var model: String
    public var stream: Bool
    /// The seed of a synthetic workload (null for a trace).
    @Nullable public var seed: UInt64?
    public var maxInFlight: Int
    /// Requests of the schedule, warm-up included.
    public var scheduled: Int
    public var sent: Int
    public var dropped: Int
    public var completed: Int
    public var failed: Int
    /// Failures by `LoadFailure.key`, warm-up included.
    public var errors: [String: Int]
    /// Completed streams whose `usage.completion_tokens` differed from the content chunks received.
    public var usageMismatches: Int
    /// Most requests in flight at once.
    public var peakInFlight: Int
    /// Actual send time minus scheduled time, every sent request: how open the loop stayed.
    public var sendLag: LatencyStatistics
    public var horizon: Double
    public var warmup: Double
    /// Wall-clock seconds from the first scheduled send to the last response.
    public var wallSeconds: Double
    public var overall: LoadClassReport
    public var classes: [LoadClassReport]

    enum CodingKeys: String, CodingKey {
        case target, endpoint, model, stream, seed, maxInFlight, scheduled, sent, dropped, completed, failed, errors
        case usageMismatches, peakInFlight, wallSeconds, overall, classes
        case sendLag = "sendLagSeconds", horizon = "horizonSeconds", warmup = "warmupSeconds"
    }

    /// The report of a finished run.
    init(schedule: LoadSchedule, settings: LoadSettings, seed: UInt64?, recording: LoadRecording, wallSeconds: Double) {
        target = settings.target
        endpoint = settings.endpoint.rawValue
        model = settings.model
        stream = settings.stream
        self.seed = seed
        maxInFlight = settings.maxInFlight
        let outcomes = recording.outcomes.compactMap { $0 }
        scheduled = schedule.requests.count
        sent = outcomes.count
        dropped = recording.dropped.filter { $0 }.count
        completed = outcomes.filter { $0.failure == nil }.count
        failed = sent - completed
        errors = Self.errorCounts(outcomes)
        usageMismatches = outcomes.filter { $0.failure == nil && $0.usageMismatch }.count
        peakInFlight = recording.peakInFlight
        sendLag = LatencyStatistics(samples: zip(schedule.requests, recording.outcomes).compactMap { request, outcome in
            outcome.map { max(0, $0.sentAt - request.arrivalTime) }
        })
        horizon = schedule.horizon
        warmup = schedule.warmup
        self.wallSeconds = wallSeconds
        let measured = schedule.requests.indices.filter { schedule.isMeasured(schedule.requests[$0]) }
        overall = Self.classReport(
            "overall", positions: measured, schedule: schedule, recording: recording, gaps: recording.allGaps)
        classes = schedule.classNames.indices.map { index in
            Self.classReport(
                schedule.classNames[index], positions: measured.filter { schedule.requests[$0].classIndex == index },
                schedule: schedule, recording: recording, gaps: recording.gaps[index])
        }
    }

    private static func classReport(
        _ name: String, positions: [Int], schedule: LoadSchedule, recording: LoadRecording, gaps: LatencyHistogram
    ) -> LoadClassReport {
        let outcomes = positions.compactMap { recording.outcomes[$0] }
        let done = positions.filter { position in recording.outcomes[position].map { $0.failure == nil } ?? false }
        let completed = done.compactMap { recording.outcomes[$0] }
        let window = schedule.windowSeconds
        let outputTokens = completed.reduce(0) { $0 + $1.tokens }
        let promptTokens = done.reduce(0) { $0 + schedule.requests[$1].promptTokens }
        let histogram = gaps.summary
        func rate(_ value: Int) -> Double { window > 0 ? Double(value) / window : .nan }
        return LoadClassReport(
            name: name,
            ttft: LatencyStatistics(samples: completed.compactMap(\.ttft)),
            tpot: LatencyStatistics(samples: completed.compactMap(\.tpot)),
            e2e: LatencyStatistics(samples: completed.compactMap(\.e2e)),
            interToken: LatencyStatistics(
                mean: histogram.mean, p50: histogram.p50, p90: histogram.p90, p95: histogram.p95, p99: histogram.p99,
                maximum: histogram.maximum, count: histogram.count),
            arrived: positions.count, sent: outcomes.count, dropped: positions.count - outcomes.count,
            completed: completed.count, failed: outcomes.count - completed.count, errors: errorCounts(outcomes),
            throughputRequests: rate(completed.count), throughputTokens: rate(promptTokens + outputTokens),
            outputTokensPerSecond: rate(outputTokens))
    }

    private static func errorCounts(_ outcomes: [RequestOutcome]) -> [String: Int] {
        var counts: [String: Int] = [:]
        for outcome in outcomes { if let failure = outcome.failure { counts[failure.key, default: 0] += 1 } }
        return counts
    }
}
