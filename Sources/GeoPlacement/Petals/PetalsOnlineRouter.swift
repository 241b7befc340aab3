/// PETALS' online routing as the paper's emulation runs it: each request routes by `PetalsRouter` on the
/// current load (+10 s on servers whose sessions are at capacity), then allocates cache on every hop. A hop
/// without k free slots fails the allocation at once (no `alloc_timeout`); the client retries after
/// `backoff(attempt:)`, rebuilding the route on the load of that moment, and its wait is the sum of the
/// delays. (The MATLAB emulation instead keeps the first route and rounds its slot wait up to the same
/// cumulative schedule.) Sessions hold their slots until their end time or `release`.
///
/// Memory: server j has ⌊m_j·cache per block/s_c⌋ slots and holds at most ⌊cache per block/s_c⌋ sessions
/// (= ⌊4096/(l_I+l)⌋ by default); a session takes k slots on a hop of k blocks.
/// Calls must come in nondecreasing time.
public struct PetalsOnlineRouter: Sendable {
    /// A routed session: its id (for `release`), hops, wait before it starts, and end time.
    public struct Route: Sendable {
        public var id: Int
        public var path: [(server: Int, blocks: Int)]
        public var wait: Double
        public var end: Double
    }

    /// Seconds a session of `client` takes on `path` once it starts.
    public typealias ServiceTime = @Sendable (_ client: Int, _ path: [(server: Int, blocks: Int)]) -> Double

    public let instance: GeoInstance
    public let placement: BlockPlacement
    public let perBlock: PetalsRouter.PerBlockCost
    public let costs: PetalsRouter.Costs
    /// Cache slots per server.
    public let cacheSlots: [Int]
    /// Sessions a server holds before routing adds the no-cache penalty.
    public let sessionCapacity: [Int]
    private let serviceTime: ServiceTime
    private var sessions: [Int: (path: [(server: Int, blocks: Int)], end: Double)] = [:]
    private var nextID = 0

    /// A router over `placement`; `serviceTime` defaults to `paperServiceTime(instance:)`.
    public init(instance: GeoInstance, placement: BlockPlacement, constants: PetalsPlacement.Constants = .init(),
                perBlock: PetalsRouter.PerBlockCost = .decodeTime, costs: PetalsRouter.Costs = .init(),
                serviceTime: ServiceTime? = nil) {
        self.instance = instance
        self.placement = placement
        self.perBlock = perBlock
        self.costs = costs
        let perBlockBytes = constants.cacheBytesPerBlock(model: instance.model)
        let slot = instance.model.cacheSlotBytes
        cacheSlots = placement.ranges.map { Int((Double($0?.blockCount ?? 0) * perBlockBytes / slot).rounded(.down)) }
        sessionCapacity = placement.ranges.map { ($0?.blockCount ?? 0) > 0 ? Int((perBlockBytes / slot).rounded(.down)) : 0 }
        self.serviceTime = serviceTime ?? Self.paperServiceTime(instance: instance)
    }

    /// The paper's request time: Σ_j (t^I_cj + k_j·τ^I_j) + (l−1)·Σ_j (t_cj + k_j·τ_j) + the initial delay.
    public static func paperServiceTime(instance: GeoInstance) -> ServiceTime {
        { client, path in
            let model = instance.model
            var prompt = 0.0
            var decode = 0.0
            for hop in path {
                let server = instance.servers[hop.server]
                prompt += instance.promptRTT(client: client, server: hop.server)
                    + Double(hop.blocks) * server.prefillSecondsPerBlock(promptTokens: model.promptTokens)
                decode += instance.perTokenRTT(client: client, server: hop.server) + Double(hop.blocks) * server.decodeSecondsPerBlock
            }
            return prompt + Double(model.outputTokens - 1) * decode + instance.timing.initialDelay
        }
    }

    /// PETALS' retry delay before attempt n: 0 if n = 0, else min(2^(n−1), 60) seconds.
    public static func backoff(attempt n: Int) -> Double {
        n == 0 ? 0 : min(Double(1 << min(n - 1, 6)), 60)
    }

    /// Sessions active on each server at `time` (those ending after it).
    public func activeSessions(at time: Double) -> [Int] {
        var count = [Int](repeating: 0, count: instance.servers.count)
        for session in sessions.values where session.end > time {
            for hop in session.path { count[hop.server] += 1 }
        }
        return count
    }

    /// Cache slots in use on each server at `time`.
    public func usedSlots(at time: Double) -> [Int] {
        var used = [Int](repeating: 0, count: instance.servers.count)
        for session in sessions.values where session.end > time {
            for hop in session.path { used[hop.server] += hop.blocks }
        }
        return used
    }

    /// Routes a session of `client` arriving at `time` and holds its slots; nil when no route covers the
    /// model or its allocation can never succeed (it fails with no session left to end).
    public mutating func route(client: Int, at time: Double) -> Route? {
        sessions = sessions.filter { $0.value.end > time }
        var attempt = 0
        var wait = 0.0
        while true {
            let now = time + wait
            let active = activeSessions(at: now)
            let left = zip(sessionCapacity, active).map { $0 - $1 }
            let router = PetalsRouter(instance: instance, placement: placement, client: client, sessionsLeft: left,
                                      perBlock: perBlock, costs: costs)
            guard let found = router.shortestPath() else { return nil }
            let path = found.hops.map { (server: $0.server, blocks: $0.blocks.blockCount) }
            let used = usedSlots(at: now)
            if path.allSatisfy({ used[$0.server] + $0.blocks <= cacheSlots[$0.server] }) {
                let end = now + serviceTime(client, path)
                let id = nextID
                nextID += 1
                sessions[id] = (path, end)
                return Route(id: id, path: path, wait: wait, end: end)
            }
            guard sessions.values.contains(where: { $0.end > now }) else { return nil }
            attempt += 1
            wait += Self.backoff(attempt: attempt)
        }
    }

    /// Frees the slots of session `id` now (a no-op for an unknown or ended session).
    public mutating func release(_ id: Int) {
        sessions[id] = nil
    }
}
