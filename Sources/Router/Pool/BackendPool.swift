import InferenceAPI
import Logging
import Synchronization

/// One model's backends as the router sees them: per backend, its requests in flight and
/// prefilling, its health and circuit breaker, engine load; the pool's routing policy (called under
/// the lock, one decision at a time); and its bounded FIFO of waiting requests.
///
/// `acquire` leases a backend (or waits in the queue: 429 `queue_full` beyond `maxQueued`, 408 after
/// `queueTimeoutSeconds`); every drop in load (a finish, a first token, a backend back up) offers
/// the waiting requests to the policy again, which may keep holding them.
///
/// ```swift
/// let pool = BackendPool(config: poolConfig, policy: LeastOutstandingPolicy(), health: HealthSettings(), metrics: metrics)
/// var lease = try await pool.acquire(routed)
/// lease.finish(.success)
/// ```
public final class BackendPool: Sendable {
    public let config: PoolConfig
    public let targets: [BackendTarget]
    public let classifier: RequestClassifier
    let metrics: PoolMetrics
    let slowFirstByteSeconds: Double
    let logger: Logger
    private let state: Mutex<PoolState>
    /// Waiting requests offered to the policy per drain, at most.
    private static let scanLimit = 256

    public init(config: PoolConfig, policy: any RoutingPolicy, health: HealthSettings, metrics: RouterMetrics, logger: Logger) {
        self.config = config
        self.targets = config.backends.map(BackendTarget.init)
        self.classifier = RequestClassifier(policy: config.policy)
        self.metrics = metrics.pool(model: config.model, policy: policy.name, backends: targets.map(\.url))
        self.slowFirstByteSeconds = health.slowFirstByteSeconds
        self.logger = logger
        let views = targets.enumerated().map { index, target in
            BackendView(index: index, url: target.url, weight: config.backends[index].weight)
        }
        state = Mutex(
            PoolState(
                policy: policy, views: views, healthy: Array(repeating: true, count: views.count),
                breakers: Array(
                    repeating: CircuitBreaker(failureThreshold: health.failureThreshold, openSeconds: health.openSeconds),
                    count: views.count),
                maxInFlightPerBackend: config.admission.maxInFlightPerBackend))
        for gauge in self.metrics.backendUp { gauge.set(to: 1) }
    }

    /// The model clients name.
    public var model: String { config.model }

    /// True when some backend passes its health probes and its breaker is not open.
    public var isReady: Bool {
        let now = MonotonicClock.seconds()
        return state.withLock { $0.anyUp(now: now) }
    }

    /// The backends as the policy would see them now.
    public var views: [BackendView] {
        let now = MonotonicClock.seconds()
        return state.withLock { state in
            state.refreshAvailability(now: now)
            return state.views
        }
    }

    /// Requests waiting in the queue.
    public var queuedCount: Int { state.withLock { $0.queue.count } }

    /// Leases a backend for `request`, waiting in the pool's queue while the policy holds it.
    /// - Parameter avoiding: backends not to pick unless no other is available (a retry).
    /// - Throws: 429 (`queue_full`) when the queue is full, 408 (`queue_timeout`) after the wait.
    public func acquire(_ request: RoutedRequest, avoiding: [Int] = []) async throws(InferenceAPIError) -> BackendLease {
        let now = MonotonicClock.seconds()
        let immediate: BackendLease.Grant? = state.withLock { state in
            guard state.queue.isEmpty || !avoiding.isEmpty else { return nil }
            return grant(state.decide(request, avoiding: avoiding, now: now), in: &state)
        }
        if let immediate { return admitted(immediate, request, now: now) }
        let result = await withCheckedContinuation { continuation in
            enqueue(request, avoiding: avoiding, now: now, continuation: continuation)
        }
        switch result {
        case .success(let grant): return admitted(grant, request, now: now)
        case .failure(let error): throw error
        }
    }

    private func admitted(_ grant: BackendLease.Grant, _ request: RoutedRequest, now: Double) -> BackendLease {
        metrics.admissions.increment()
        metrics.countDecision(reason: grant.reason)
        return BackendLease(pool: self, grant: grant, request: request, startedAt: now)
    }

    /// A send decision as a grant (with the gauges updated); nil for a hold.
    private func grant(_ decision: RoutingDecision, in state: inout PoolState) -> BackendLease.Grant? {
        guard case .send(let backend, let reason) = decision else { return nil }
        metrics.backendInFlight[backend].set(to: Double(state.views[backend].inFlight))
        metrics.inFlight.increment()
        return BackendLease.Grant(backend: backend, reason: reason)
    }

    private func enqueue(
        _ request: RoutedRequest, avoiding: [Int], now: Double,
        continuation: CheckedContinuation<Result<BackendLease.Grant, InferenceAPIError>, Never>
    ) {
        enum Outcome { case granted(BackendLease.Grant), full, queued(startSweeper: Bool) }
        let outcome: Outcome = state.withLock { state in
            if state.queue.isEmpty, let grant = grant(state.decide(request, avoiding: avoiding, now: now), in: &state) {
                return .granted(grant)
            }
            guard state.queue.count < config.admission.maxQueued else { return .full }
            let waiter = PoolWaiter(
                request: request, avoiding: avoiding, deadline: now + config.admission.queueTimeoutSeconds,
                continuation: continuation)
            _ = state.queue.append(waiter)
            state.policy.held(request)
            metrics.queued.set(to: Double(state.queue.count))
            let start = !state.sweeping
            state.sweeping = true
            return .queued(startSweeper: start)
        }
        switch outcome {
        case .granted(let grant):
            continuation.resume(returning: .success(grant))
        case .full:
            metrics.countRejection(reason: "queue_full")
            continuation.resume(returning: .failure(Self.queueFull(model: config.model)))
        case .queued(let startSweeper):
            if startSweeper { Task { await self.sweep() } }
        }
    }

    /// Expires waiters past their deadline (they are in deadline order: one timeout per pool), until
    /// the queue is empty.
    private func sweep() async {
        while true {
            let now = MonotonicClock.seconds()
            let (expired, next): ([PoolWaiter], Double?) = state.withLock { state in
                var expired: [PoolWaiter] = []
                while let first = state.queue.prefix(1).first, first.element.deadline <= now {
                    if let waiter = state.queue.remove(ticket: first.ticket) {
                        state.policy.withdrawn(waiter.request)
                        expired.append(waiter)
                    }
                }
                metrics.queued.set(to: Double(state.queue.count))
                guard let first = state.queue.prefix(1).first else {
                    state.sweeping = false
                    return (expired, nil)
                }
                return (expired, first.element.deadline)
            }
            for waiter in expired {
                metrics.countRejection(reason: "queue_timeout")
                waiter.continuation.resume(returning: .failure(Self.queueTimeout(model: config.model)))
            }
            guard let next else { return }
            try? await Task.sleep(for: .seconds(max(0.001, next - now)))
        }
    }

    /// Offers waiting requests to the policy, oldest first; a class the policy holds is skipped
    /// for the rest of the scan (so one held class does not block another's).
    func drain() {
        let now = MonotonicClock.seconds()
        let served: [(PoolWaiter, BackendLease.Grant)] = state.withLock { state in
            guard !state.queue.isEmpty else { return [] }
            var served: [(PoolWaiter, BackendLease.Grant)] = []
            var heldClasses: [Int?] = []
            for (ticket, waiter) in state.queue.prefix(Self.scanLimit) {
                if heldClasses.contains(waiter.request.requestClass) { continue }
                let decision = state.decide(waiter.request, avoiding: waiter.avoiding, now: now)
                if let grant = grant(decision, in: &state) {
                    _ = state.queue.remove(ticket: ticket)
                    served.append((waiter, grant))
                } else {
                    heldClasses.append(waiter.request.requestClass)
                    if heldClasses.count >= classifier.classCount { break }
                }
            }
            if !served.isEmpty { metrics.queued.set(to: Double(state.queue.count)) }
            return served
        }
        for (waiter, grant) in served { waiter.continuation.resume(returning: .success(grant)) }
    }

    /// The first byte of a request on `backend` came after `waitedSeconds`; returns true when that is
    /// slow (counted against the backend's breaker).
    func firstToken(backend: Int, waitedSeconds: Double, now: Double) -> Bool {
        let slow = waitedSeconds > slowFirstByteSeconds
        state.withLock { state in
            state.views[backend].prefilling -= 1
            if slow { state.breakers[backend].recordFailure(now: now) }
        }
        drain()
        return slow
    }

    func finish(_ lease: borrowing BackendLease, outcome: BackendLease.Outcome, prefilling: Bool) {
        let now = MonotonicClock.seconds()
        let backend = lease.backend
        let request = lease.request
        state.withLock { state in
            state.views[backend].inFlight -= 1
            if prefilling { state.views[backend].prefilling -= 1 }
            switch outcome {
            case .success: state.breakers[backend].recordSuccess(now: now)
            case .failure: state.breakers[backend].recordFailure(now: now)
            case .neutral: break
            }
            state.policy.finished(request, backend: backend)
            metrics.backendInFlight[backend].set(to: Double(state.views[backend].inFlight))
            metrics.backendUp[backend].set(to: state.healthy[backend] && state.breakers[backend].state != .open ? 1 : 0)
        }
        metrics.inFlight.decrement()
        drain()
    }

    /// A health probe's verdict (and the engine's load when scraped); a backend coming back drains
    /// the queue.
    public func recordProbe(backend: Int, healthy: Bool, engine: EngineLoad?) {
        let now = MonotonicClock.seconds()
        let (wasUp, isUp): (Bool, Bool) = state.withLock { state in
            let wasUp = state.healthy[backend] && state.breakers[backend].state != .open
            state.healthy[backend] = healthy
            if healthy {
                if state.breakers[backend].state == .halfOpen { state.breakers[backend].recordSuccess(now: now) }
            } else {
                state.breakers[backend].recordFailure(now: now)
            }
            if let engine { state.views[backend].engine = engine }
            let isUp = healthy && state.breakers[backend].allowsRequest(now: now)
            metrics.backendUp[backend].set(to: isUp ? 1 : 0)
            return (wasUp, isUp)
        }
        if wasUp != isUp {
            if isUp {
                logger.info("backend up", metadata: ["model": "\(model)", "backend": "\(targets[backend].url)"])
            } else {
                logger.warning("backend down", metadata: ["model": "\(model)", "backend": "\(targets[backend].url)"])
            }
        }
        if isUp { drain() }
    }

    /// Refuses every waiting request (503) — the server is stopping.
    public func rejectWaiting() {
        let waiters: [PoolWaiter] = state.withLock { state in
            let waiters = state.queue.removeAll()
            for waiter in waiters { state.policy.withdrawn(waiter.request) }
            metrics.queued.set(to: 0)
            return waiters
        }
        let error = InferenceAPIError(status: 503, message: "the router is shutting down", type: "server_error")
        for waiter in waiters { waiter.continuation.resume(returning: .failure(error)) }
    }

    static func queueFull(model: String) -> InferenceAPIError {
        InferenceAPIError(
            status: 429, message: "the queue of model '\(model)' is full; retry later", type: "rate_limit_error",
            code: "queue_full")
    }

    static func queueTimeout(model: String) -> InferenceAPIError {
        InferenceAPIError(
            status: 408, message: "the request waited too long in the queue of model '\(model)'", type: "timeout_error",
            code: "queue_timeout")
    }
}
