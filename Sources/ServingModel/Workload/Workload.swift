/// The requests a scenario serves: synthetic classes or a recorded trace.
public enum Workload: Sendable {
    /// Requests drawn from these classes (see `SyntheticWorkload`).
    case synthetic([RequestClass])
    /// Requests replayed from the trace file at `path`; each request's `classIndex` indexes `classNames`.
    case trace(path: String, requests: [Request], classNames: [String])

    /// The request classes' names, indexed by `Request.classIndex`.
    public var classNames: [String] {
        switch self {
        case let .synthetic(classes): return classes.map(\.name)
        case let .trace(_, _, names): return names
        }
    }

    /// The requests arriving before `horizon` seconds. `seed` drives synthetic classes; a trace
    /// replays the same requests whatever the seed.
    public func source(horizon: Double, seed: UInt64) -> any RequestSource {
        switch self {
        case let .synthetic(classes):
            return SyntheticWorkload(classes: classes, horizon: horizon, seed: seed)
        case let .trace(_, requests, _):
            return TraceWorkload(requests: Array(requests.prefix { $0.arrivalTime < horizon }))
        }
    }
}
