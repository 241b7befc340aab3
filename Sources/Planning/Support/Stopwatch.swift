/// The one timing helper: wall-clock seconds of a piece of work.
/// ```
/// let (plan, seconds) = try Stopwatch.time { try planner.plan(problem, context: context) }
/// let watch = Stopwatch(); …; print(watch.seconds)
/// ```
public struct Stopwatch: Sendable {
    private let started: ContinuousClock.Instant

    /// Starts now.
    public init() {
        started = ContinuousClock.now
    }

    /// Seconds since the stopwatch started.
    public var seconds: Double {
        let elapsed = ContinuousClock.now - started
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
    }

    /// The value of `work` and the seconds it took.
    public static func time<Value, Failure: Error>(_ work: () throws(Failure) -> Value) throws(Failure) -> (Value, Double) {
        let watch = Stopwatch()
        let value = try work()
        return (value, watch.seconds)
    }
}
