import GateAndRoute

/// The gate-and-route policy of arXiv 2602.02987 as a live routing policy: per-class router-side
/// queues, the ξ occupancy gate with the paper's δ tie-break, and a backend offered a new prefill
/// only while its prefill occupancy is below its slots.
///
/// What runs live, on aggregated engines (vLLM, SGLang: a request decodes where it prefilled):
/// - **Gate.** When some backend can take a prefill, the class admitted is
///   argmin_i ξ_i = (X_i − n x_i*)/x_i* over the classes with held requests, ties by the largest
///   δ_i = Q_i − n q_{p,i}*, then the lowest class index (the CTMC's `occupancyGate`, the token
///   level's `occupancyDeviation`); X_i is the
///   class's requests sent whose first token has not come back, Q_i its held requests, n the
///   available backends. Within a class, requests go first come first served. Classes with x_i* = 0
///   follow `GateRouteSettings.zeroTarget`.
/// - **Backend.** A backend is offered a prefill only while it is available, its prefill occupancy
///   (`BackendView.prefilling`) is below `prefillSlots` and it holds fewer than `maxStreams` requests
///   (the paper's B); among those, the one with the fewest requests in flight (its decode will run
///   there), ties by the lowest index. With `prefillLimit`, at most M = ⌈m + κ√m⌉ backends prefill
///   at once (the static plan's mixed-GPU count).
/// - **Decode routing** cannot be separated from prefill placement on aggregated engines, so the
///   paper's solo-first router and its solo pool do not apply: the live policy is the paper's
///   GI-WSP (ξ gate, immediate execution), which `simulate gate-route --fidelity token --policies
///   gi-wsp` predicts. Solo-first routing needs engines that hand a prefilled KV cache to another
///   engine (prefill–decode disaggregation).
///
/// The pool keeps the held requests; the policy keeps, per class, the ids of the requests waiting
/// (those it answered `.hold`, and those the pool queued without asking, `held(_:)`). The pool
/// re-asks held requests oldest first when a backend's load drops, past a held class; a request is
/// sent when its class is the gate's choice, so each class goes first come first served. A request
/// the pool drops is forgotten on `withdrawn(_:)`, or after `staleHoldSeconds` without being asked about.
///
/// ```swift
/// var policy = GateAndRoutePolicy(settings: settings)
/// switch policy.route(request, backends: views) {
/// case let .send(backend, reason): print("send to \(backend): \(reason)")
/// case let .hold(reason): print("held: \(reason)")
/// }
/// ```
public struct GateAndRoutePolicy: RoutingPolicy {
    public var name: String { "gate-and-route" }
    public let settings: GateRouteSettings
    private let clock: @Sendable () -> Double
    /// Per class, the held requests' ids in arrival order with the time each was last asked about.
    private var queues: [[HeldEntry]]
    private var heldClass: [String: Int] = [:]
    /// Requests sent whose first token has not come back: per backend in send order.
    private var prefilling: [Int: [Admission]] = [:]
    private var prefillingByID: [String: Int] = [:]
    private var prefillsByClass: [Int]

    /// Held request ids the policy tracks at most (the pool's queue is bounded below this); past it the
    /// oldest are forgotten and re-added when asked about again.
    public static let maxTracked = 65_536

    private struct HeldEntry: Sendable {
        var id: String
        var lastAsked: Double
    }

    private struct Admission: Sendable {
        var id: String
        var classIndex: Int
    }

    /// - Parameters:
    ///   - settings: the plan's classes and the gate's limits.
    ///   - clock: seconds on a monotonic clock (for forgetting stale held requests; tests pass their own).
    public init(settings: GateRouteSettings, clock: @escaping @Sendable () -> Double = GateAndRoutePolicy.monotonicSeconds) {
        self.settings = settings
        self.clock = clock
        queues = Array(repeating: [], count: settings.classes.count)
        prefillsByClass = Array(repeating: 0, count: settings.classes.count)
    }

    /// Seconds since an arbitrary origin on the continuous clock.
    @Sendable public static func monotonicSeconds() -> Double {
        let elapsed = origin.duration(to: .now).components
        return Double(elapsed.seconds) + Double(elapsed.attoseconds) * 1e-18
    }

    private static let origin = ContinuousClock.now

    // MARK: RoutingPolicy

    public mutating func route(_ request: RoutedRequest, backends: [BackendView]) -> RoutingDecision {
        let classIndex = settings.classIndex(of: request)
        let now = clock()
        forgetPrefilling(request.id)
        reconcile(backends)
        forgetStale(now: now)
        enqueue(request.id, classIndex: classIndex, now: now)
        let available = backends.filter(\.available)
        guard !available.isEmpty else { return .hold(reason: "no-backend") }
        guard let backend = freeBackend(backends, available: available.count) else { return .hold(reason: "gate-closed") }
        guard let chosen = chooseClass(gpus: available.count) else { return .hold(reason: "zero-target") }
        guard chosen == classIndex else { return .hold(reason: "class-priority") }
        queues[classIndex].removeAll { $0.id == request.id }
        heldClass[request.id] = nil
        prefilling[backend, default: []].append(Admission(id: request.id, classIndex: classIndex))
        prefillingByID[request.id] = backend
        prefillsByClass[classIndex] += 1
        return .send(backend: backend, reason: "gate-open")
    }

    public mutating func finished(_ request: RoutedRequest, backend: Int) {
        forgetPrefilling(request.id)
        withdrawn(request)
    }

    /// The pool queued a request without asking (older ones were waiting): it joins its class's queue.
    public mutating func held(_ request: RoutedRequest) {
        let now = clock()
        forgetStale(now: now)
        enqueue(request.id, classIndex: settings.classIndex(of: request), now: now)
    }

    /// The pool dropped a request it held (queue timeout, client gone) without sending it.
    public mutating func withdrawn(_ request: RoutedRequest) {
        guard let classIndex = heldClass.removeValue(forKey: request.id) else { return }
        queues[classIndex].removeAll { $0.id == request.id }
    }

    // MARK: State the gate reads

    /// X_i: class-i requests sent whose first token has not come back (as last reconciled).
    public var prefillsPerClass: [Int] { prefillsByClass }
    /// Q_i: class-i requests held.
    public var heldPerClass: [Int] { queues.map(\.count) }

    // MARK: The gate

    /// The class whose head the next free prefill slot takes: argmin ξ_i, ties by the largest δ_i, then
    /// the lowest index; classes with x_i* = 0 only under `zeroTarget == .last` when no other waits.
    func chooseClass(gpus: Int) -> Int? {
        let n = Double(gpus)
        var best: Int?
        var bestXi = 0.0
        var bestDelta = 0.0
        for (i, settingsClass) in settings.classes.enumerated() where settingsClass.hasTarget && !queues[i].isEmpty {
            // ξ_i = (X_i − n x_i*)/x_i* computed as X_i/x_i* − n: the same order, and the tie the δ rule
            // exists for (no class prefilling: every ξ_i = −n) stays exact whatever the targets' rounding.
            let xi = Double(prefillsByClass[i]) / settingsClass.occupancyTarget - n
            let delta = Double(queues[i].count) - n * settingsClass.queueTarget
            if best == nil || xi < bestXi || (xi == bestXi && delta > bestDelta) {
                best = i
                bestXi = xi
                bestDelta = delta
            }
        }
        if best == nil, settings.zeroTarget == .last {
            var longest = 0
            for (i, settingsClass) in settings.classes.enumerated() where !settingsClass.hasTarget && queues[i].count > longest {
                best = i
                longest = queues[i].count
            }
        }
        return best
    }

    /// The backend offered the next prefill, or nil when the gate is closed everywhere.
    private func freeBackend(_ backends: [BackendView], available: Int) -> Int? {
        if let limit = settings.prefillLimit {
            let cap = limit.mixedBackends(backends: available, mixedFraction: settings.mixedFraction)
            let busy = backends.filter { $0.available && $0.prefilling > 0 }.count
            if busy >= cap { return nil }
        }
        var best: BackendView?
        for view in backends where view.available && view.prefilling < settings.prefillSlots {
            if let maxStreams = settings.maxStreams, view.inFlight >= maxStreams { continue }
            if let current = best, current.inFlight <= view.inFlight { continue }
            best = view
        }
        return best?.index
    }

    // MARK: Bookkeeping

    private mutating func enqueue(_ id: String, classIndex: Int, now: Double) {
        if let current = heldClass[id] {
            if let k = queues[current].firstIndex(where: { $0.id == id }) { queues[current][k].lastAsked = now }
            return
        }
        if heldClass.count >= Self.maxTracked, let oldest = oldestTrackedClass() {
            let dropped = queues[oldest].removeFirst()
            heldClass[dropped.id] = nil
        }
        queues[classIndex].append(HeldEntry(id: id, lastAsked: now))
        heldClass[id] = classIndex
    }

    private func oldestTrackedClass() -> Int? {
        queues.indices.filter { !queues[$0].isEmpty }.min { queues[$0][0].lastAsked < queues[$1][0].lastAsked }
    }

    /// Forgets held requests not asked about for `staleHoldSeconds` (the pool dropped them).
    private mutating func forgetStale(now: Double) {
        let horizon = now - settings.staleHoldSeconds
        for i in queues.indices where queues[i].contains(where: { $0.lastAsked < horizon }) {
            for entry in queues[i] where entry.lastAsked < horizon { heldClass[entry.id] = nil }
            queues[i].removeAll { $0.lastAsked < horizon }
        }
    }

    /// Marks as past prefill the oldest requests of each backend whose prefill count dropped below what
    /// the policy sent it (its first tokens came back; engines prefill first come first served).
    private mutating func reconcile(_ backends: [BackendView]) {
        for view in backends {
            guard var sent = prefilling[view.index], sent.count > view.prefilling else { continue }
            let ended = sent.count - max(0, view.prefilling)
            for admission in sent.prefix(ended) {
                prefillsByClass[admission.classIndex] -= 1
                prefillingByID[admission.id] = nil
            }
            sent.removeFirst(ended)
            prefilling[view.index] = sent.isEmpty ? nil : sent
        }
    }

    private mutating func forgetPrefilling(_ id: String) {
        guard let backend = prefillingByID.removeValue(forKey: id), var sent = prefilling[backend],
              let k = sent.firstIndex(where: { $0.id == id }) else { return }
        prefillsByClass[sent[k].classIndex] -= 1
        sent.remove(at: k)
        prefilling[backend] = sent.isEmpty ? nil : sent
    }
}

extension GateRouteClassSettings {
    /// Whether the gate has a target for the class (x_i* above the CTMC's 1e-12 threshold).
    var hasTarget: Bool { occupancyTarget > 1e-12 }
}
