/// PETALS' min-latency inference route (`sequence_manager.py::_build_inference_graph`, `min_latency`).
///
/// Nodes are start, end and (span, block b) for b in first...end of each span. Edges, in seconds:
/// - start → (s, 0): delay(RTT_c,s) + overhead (+ penalty if s has no cache);
/// - (s, L) → end: delay(RTT_c,s);
/// - (s, b) → (s, b+1) inside s: 1/inference_rps_s (default 1/300);
/// - (s, b) → (s′, b) only where s ends at b and s′ holds b: delay(ping s→s′) + overhead (+ penalty if s′ has no cache);
///
/// with delay(rtt) = min(rtt/2, 5), or 0.15 when the RTT is unknown. The graph is acyclic in block order,
/// so relaxing it block by block gives Dijkstra's distances exactly; on equal costs the earlier
/// relaxation (staying in the span, then the lower span index) is kept.
public struct PetalsRouter: Sendable, Hashable {
    /// PETALS' routing constants, with their 2.2.0.post1 defaults.
    public struct Costs: Sendable, Hashable {
        /// `_OVERHEAD_DELAY`, added to every edge into a server.
        public var overheadDelay: Double
        /// `_NO_CACHE_PENALTY`, added to an edge into a server that lacks cache.
        public var noCachePenalty: Double
        /// The delay of an unknown RTT.
        public var defaultDelay: Double
        /// The cap on RTT/2.
        public var maxDelay: Double
        /// `_DEFAULT_INFERENCE_RPS`, for a span that reports none.
        public var defaultInferenceRPS: Double

        public init(overheadDelay: Double = 0.018, noCachePenalty: Double = 10, defaultDelay: Double = 0.15,
                    maxDelay: Double = 5, defaultInferenceRPS: Double = 300) {
            self.overheadDelay = overheadDelay
            self.noCachePenalty = noCachePenalty
            self.defaultDelay = defaultDelay
            self.maxDelay = maxDelay
            self.defaultInferenceRPS = defaultInferenceRPS
        }

        /// `_rtt_to_delay`: min(rtt/2, maxDelay), or `defaultDelay` when the RTT is unknown.
        public func delay(rtt: Double?) -> Double {
            guard let rtt else { return defaultDelay }
            return min(rtt / 2, maxDelay)
        }
    }

    /// What a span reports about its free cache.
    public enum Cache: Sendable, Hashable {
        /// No report: PETALS assumes there is cache.
        case unreported
        /// `cache_tokens_left`: has cache iff cacheTokensNeeded·2·span length ≤ left (pessimistic: the
        /// whole span is assumed used).
        case tokensLeft(Int)
        /// The emulation's rule: has cache iff fewer sessions are active than the server can hold.
        case sessionsLeft(Int)
    }

    /// One server's span as the client sees it.
    public struct Span: Sendable, Hashable {
        public var server: Int
        public var blocks: BlockRange
        /// Single-token steps per second per block; nil for unreported (`Costs.defaultInferenceRPS`).
        public var inferenceRPS: Double?
        /// RTT between the client and this server, seconds; nil for unknown.
        public var clientRTT: Double?
        /// `next_pings`: RTT from this server to others, keyed by server; missing means unknown.
        public var pings: [Int: Double]
        public var cache: Cache

        public init(server: Int, blocks: BlockRange, inferenceRPS: Double? = nil, clientRTT: Double? = nil,
                    pings: [Int: Double] = [:], cache: Cache = .unreported) {
            self.server = server
            self.blocks = blocks
            self.inferenceRPS = inferenceRPS
            self.clientRTT = clientRTT
            self.pings = pings
            self.cache = cache
        }
    }

    /// L, the model's block count; the route covers blocks 0..<L.
    public var blockCount: Int
    public var spans: [Span]
    /// `cache_tokens_needed` (the session's max_length); nil skips the token check.
    public var cacheTokensNeeded: Int?
    public var costs: Costs

    public init(blockCount: Int, spans: [Span], cacheTokensNeeded: Int? = nil, costs: Costs = Costs()) {
        self.blockCount = blockCount
        self.spans = spans
        self.cacheTokensNeeded = cacheTokensNeeded
        self.costs = costs
    }

    /// `_has_cache_for` (or the emulation's session check) for `span`.
    public func hasCache(_ span: Span) -> Bool {
        switch span.cache {
        case .unreported: true
        case .tokensLeft(let left): cacheTokensNeeded.map { $0 * 2 * span.blocks.blockCount <= left } ?? true
        case .sessionsLeft(let left): left > 0
        }
    }

    /// The cost of an edge into `span`, given the delay of the hop.
    private func entryCost(_ span: Span, delay: Double) -> Double {
        delay + costs.overheadDelay + (hasCache(span) ? 0 : costs.noCachePenalty)
    }

    private func secondsPerBlock(_ span: Span) -> Double {
        1 / (span.inferenceRPS ?? costs.defaultInferenceRPS)
    }

    private enum Arrival { case start, inside, from(Int) }

    /// The min-latency route over blocks 0..<L; nil when the spans do not cover every block.
    public func shortestPath() -> PetalsPath? {
        let spans = self.spans.filter { $0.blocks.blockCount > 0 }
        let L = blockCount
        // dist[s][b − first_s] for b in first_s...end_s.
        var dist = spans.map { [Double](repeating: .infinity, count: $0.blocks.blockCount + 1) }
        var arrival = spans.map { [Arrival](repeating: .start, count: $0.blocks.blockCount + 1) }
        for b in 0...L {
            for (s, span) in spans.enumerated() where span.blocks.firstBlock <= b && b <= span.blocks.endBlock {
                let i = b - span.blocks.firstBlock
                if b == 0 {
                    dist[s][i] = entryCost(span, delay: costs.delay(rtt: span.clientRTT))
                } else if i > 0 {
                    dist[s][i] = dist[s][i - 1] + secondsPerBlock(span)
                    arrival[s][i] = .inside
                }
            }
            guard b > 0 && b < L else { continue }
            for (c, cur) in spans.enumerated() where cur.blocks.endBlock == b && dist[c][cur.blocks.blockCount] < .infinity {
                let base = dist[c][cur.blocks.blockCount]
                for (s, next) in spans.enumerated() where next.blocks.firstBlock <= b && b < next.blocks.endBlock {
                    let i = b - next.blocks.firstBlock
                    let cost = base + entryCost(next, delay: costs.delay(rtt: cur.pings[next.server]))
                    if cost < dist[s][i] {
                        dist[s][i] = cost
                        arrival[s][i] = .from(c)
                    }
                }
            }
        }
        var best: (span: Int, cost: Double)?
        for (s, span) in spans.enumerated() where span.blocks.endBlock == L {
            let cost = dist[s][span.blocks.blockCount] + costs.delay(rtt: span.clientRTT)
            if cost < .infinity && cost < (best?.cost ?? .infinity) { best = (s, cost) }
        }
        guard let best else { return nil }
        var hops: [PetalsHop] = []
        var s = best.span
        var b = L
        var segmentEnd = L
        while true {
            let first = spans[s].blocks.firstBlock
            switch arrival[s][b - first] {
            case .inside:
                b -= 1
            case .start:
                hops.append(PetalsHop(server: spans[s].server, blocks: BlockRange(firstBlock: b, blockCount: segmentEnd - b)))
                return PetalsPath(hops: hops.reversed(), cost: best.cost)
            case .from(let c):
                hops.append(PetalsHop(server: spans[s].server, blocks: BlockRange(firstBlock: b, blockCount: segmentEnd - b)))
                s = c
                segmentEnd = b
            }
        }
    }
}

/// One server on a route and the blocks the session runs there.
public struct PetalsHop: Sendable, Hashable {
    public var server: Int
    public var blocks: BlockRange

    public init(server: Int, blocks: BlockRange) {
        self.server = server
        self.blocks = blocks
    }
}

/// A route: its hops in block order and its cost in the routing graph, seconds.
public struct PetalsPath: Sendable, Hashable {
    public var hops: [PetalsHop]
    public var cost: Double

    public init(hops: [PetalsHop], cost: Double) {
        self.hops = hops
        self.cost = cost
    }
}
