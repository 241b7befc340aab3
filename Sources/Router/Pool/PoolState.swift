import InferenceAPI

/// A request waiting in a pool's queue.
struct PoolWaiter: Sendable {
    var request: RoutedRequest
    /// Backends not to pick (a retry after they failed), unless no other is available.
    var avoiding: [Int]
    /// When it stops waiting (408), monotonic seconds.
    var deadline: Double
    var continuation: CheckedContinuation<Result<BackendLease.Grant, InferenceAPIError>, Never>
}

/// Everything of a pool that changes, kept under the pool's lock: the views the policy reads (the
/// source of truth for in-flight and prefilling counts), health, breakers, the policy and the queue.
struct PoolState {
    var policy: any RoutingPolicy
    var views: [BackendView]
    /// Last health probe passed (true until a probe says otherwise).
    var healthy: [Bool]
    var breakers: [CircuitBreaker]
    var queue = WaitQueue<PoolWaiter>()
    /// True while a task expires timed-out waiters.
    var sweeping = false
    let maxInFlightPerBackend: Int?

    /// Recomputes each view's `available`: healthy, breaker allowing, below the in-flight cap.
    mutating func refreshAvailability(now: Double) {
        for index in views.indices {
            var available = healthy[index] && breakers[index].allowsRequest(now: now)
            if available, let cap = maxInFlightPerBackend, views[index].inFlight >= cap { available = false }
            if views[index].available != available { views[index].available = available }
        }
    }

    /// True when at least one backend passes health and breaker (in-flight caps aside).
    func anyUp(now: Double) -> Bool {
        for index in views.indices where healthy[index] {
            var breaker = breakers[index]
            if breaker.allowsRequest(now: now) { return true }
        }
        return false
    }

    /// Asks the policy for `request`; on `.send`, counts it on the backend. A decision naming an
    /// unavailable or unknown backend is taken as a hold (the policy contract forbids it).
    mutating func decide(_ request: RoutedRequest, avoiding: [Int], now: Double) -> RoutingDecision {
        refreshAvailability(now: now)
        let decision: RoutingDecision
        if avoiding.isEmpty {
            decision = policy.route(request, backends: views)
        } else {
            var restricted = views
            let others = restricted.indices.contains { restricted[$0].available && !avoiding.contains($0) }
            if others {
                for index in avoiding where restricted.indices.contains(index) { restricted[index].available = false }
            }
            decision = policy.route(request, backends: restricted)
        }
        guard case .send(let backend, _) = decision else { return decision }
        guard views.indices.contains(backend), views[backend].available else {
            return .hold(reason: "no-backend-available")
        }
        views[backend].inFlight += 1
        views[backend].prefilling += 1
        breakers[backend].claimTrial(now: now)
        return decision
    }
}
