import ServingModel

/// The requests a load run sends, in send order: for each, when (seconds after the run starts),
/// its class, and its prompt and output lengths in tokens. Built from a scenario's workload with
/// the same request source the simulator uses (`Workload.source(horizon:seed:)`), so a `kind:
/// simulate` scenario and seed give exactly the request list `gpusched simulate` serves.
///
/// ```swift
/// let schedule = LoadSchedule(workload: scenario.workload, horizon: scenario.horizon, warmup: scenario.warmup,
///                             seed: scenario.seeds[0])
/// print(schedule.requests.count, schedule.requests.first?.arrivalTime ?? 0)
/// ```
public struct LoadSchedule: Sendable {
    /// The requests in non-decreasing arrival order (`Request.id` numbers them from 0).
    public var requests: [Request]
    /// Names of the request classes, indexed by `Request.classIndex`.
    public var classNames: [String]
    /// End of the arrival window in seconds: no request arrives at or after it.
    public var horizon: Double
    /// Requests arriving before this many seconds are sent but left out of the figures, as the
    /// simulator leaves its warm-up out.
    public var warmup: Double

    /// A schedule of explicit requests.
    public init(requests: [Request], classNames: [String], horizon: Double, warmup: Double) {
        self.requests = requests
        self.classNames = classNames
        self.horizon = horizon
        self.warmup = warmup
    }

    /// The requests of `workload` arriving before `horizon`, drawn with `seed` (a trace replays the
    /// same requests whatever the seed), at most `limit` of them. With a `limit`, the horizon
    /// becomes the first `limit` requests' span when they end earlier.
    public init(workload: Workload, horizon: Double, warmup: Double, seed: UInt64, limit: Int? = nil) {
        var source = workload.source(horizon: horizon, seed: seed)
        var requests: [Request] = []
        while limit.map({ requests.count < $0 }) ?? true, let request = source.next() {
            requests.append(request)
        }
        var end = horizon
        if let limit, requests.count == limit, let last = requests.last, source.next() != nil {
            end = last.arrivalTime.nextUp
        }
        self.init(requests: requests, classNames: workload.classNames, horizon: end, warmup: min(warmup, end))
    }

    /// Whether a request counts in the figures (it arrives at or after the warm-up).
    public func isMeasured(_ request: Request) -> Bool { request.arrivalTime >= warmup }

    /// Seconds of the measurement window, [warm-up, horizon].
    public var windowSeconds: Double { max(horizon - warmup, 0) }
}
