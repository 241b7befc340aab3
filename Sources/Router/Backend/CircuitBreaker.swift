/// A backend's circuit breaker: closed while it answers; open (no requests) after
/// `failureThreshold` consecutive failures — connect errors, 5xx, a first byte slower than the
/// config's bound, failed health probes — for `openSeconds`; then half-open, where one trial request
/// is let through: its success closes the breaker, its failure opens it again.
///
/// ```swift
/// var breaker = CircuitBreaker(failureThreshold: 3, openSeconds: 5)
/// breaker.recordFailure(now: t)            // ×3: open
/// breaker.allowsRequest(now: t + 1)        // false
/// breaker.allowsRequest(now: t + 5)        // true: half-open, one trial
/// ```
public struct CircuitBreaker: Sendable, Hashable {
    /// Where the breaker is.
    public enum State: String, Sendable, Hashable {
        case closed
        case open
        case halfOpen = "half-open"
    }

    public let failureThreshold: Int
    public let openSeconds: Double
    public private(set) var state: State = .closed
    /// Failures in a row while closed.
    public private(set) var consecutiveFailures = 0
    /// When the breaker last opened (monotonic seconds).
    public private(set) var openedAt: Double = 0
    /// True while the half-open trial request is out.
    public private(set) var trialInFlight = false

    /// - Parameters:
    ///   - failureThreshold: consecutive failures that open the breaker (≥ 1).
    ///   - openSeconds: how long it stays open before a trial (> 0).
    public init(failureThreshold: Int, openSeconds: Double) {
        self.failureThreshold = max(1, failureThreshold)
        self.openSeconds = openSeconds
    }

    /// True when the backend may be picked now. Moves an open breaker whose time is up to half-open.
    /// Does not claim the trial: `claimTrial(now:)` does, when the request is actually sent.
    public mutating func allowsRequest(now: Double) -> Bool {
        switch state {
        case .closed: return true
        case .open:
            guard now - openedAt >= openSeconds else { return false }
            state = .halfOpen
            trialInFlight = false
            return true
        case .halfOpen: return !trialInFlight
        }
    }

    /// A request is being sent: in half-open, it is the one trial.
    public mutating func claimTrial(now: Double) {
        if state == .halfOpen { trialInFlight = true }
    }

    /// A request (or probe) succeeded.
    public mutating func recordSuccess(now: Double) {
        consecutiveFailures = 0
        trialInFlight = false
        state = .closed
    }

    /// A request (or probe) failed.
    public mutating func recordFailure(now: Double) {
        switch state {
        case .closed:
            consecutiveFailures += 1
            if consecutiveFailures >= failureThreshold { open(now: now) }
        case .halfOpen: open(now: now)
        case .open: break
        }
    }

    private mutating func open(now: Double) {
        state = .open
        openedAt = now
        trialInFlight = false
        consecutiveFailures = 0
    }
}
