import InferenceAPI

/// A request's claim on one backend of a pool, from the routing decision to the end of its answer.
/// The proxy calls `firstToken(now:)` when the first byte of the answer arrives and `finish(_:)`
/// exactly once; each lowers the backend's load and offers the pool's queue to the policy again.
///
/// ```swift
/// var lease = try await pool.acquire(routed)
/// // … send to lease.target.chatURL …
/// lease.firstToken(now: MonotonicClock.seconds())
/// lease.finish(.success)
/// ```
public struct BackendLease: Sendable {
    /// What a routing decision grants: the backend and the policy's reason.
    struct Grant: Sendable {
        var backend: Int
        var reason: String
    }

    /// How the request ended, for the backend's circuit breaker.
    public enum Outcome: Sendable {
        /// The backend answered (any status below 500 but 429).
        case success
        /// A connect error, a 5xx or 429, a broken stream: counts against the backend.
        case failure
        /// Ended by the client or the router (no verdict on the backend).
        case neutral
    }

    public let pool: BackendPool
    /// The backend's index in the pool.
    public let backend: Int
    /// The policy's reason for the pick.
    public let reason: String
    public let request: RoutedRequest
    /// When the backend was picked, monotonic seconds.
    public let startedAt: Double
    public private(set) var sawFirstToken = false
    /// The first byte came later than the health settings' `slowFirstByteSeconds` (already counted
    /// against the backend, so a later success does not reset its breaker).
    public private(set) var slowFirstByte = false

    init(pool: BackendPool, grant: Grant, request: RoutedRequest, startedAt: Double) {
        self.pool = pool
        self.backend = grant.backend
        self.reason = grant.reason
        self.request = request
        self.startedAt = startedAt
    }

    /// The backend's addresses.
    public var target: BackendTarget { pool.targets[backend] }

    /// The answer's first byte arrived: the request no longer counts as prefilling.
    public mutating func firstToken(now: Double) {
        guard !sawFirstToken else { return }
        sawFirstToken = true
        slowFirstByte = pool.firstToken(backend: backend, waitedSeconds: now - startedAt, now: now)
    }

    /// The request is over on this backend.
    public consuming func finish(_ outcome: Outcome) {
        pool.finish(self, outcome: slowFirstByte && outcome == .success ? .neutral : outcome, prefilling: !sawFirstToken)
    }
}
