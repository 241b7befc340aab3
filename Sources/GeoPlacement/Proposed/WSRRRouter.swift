import Foundation

/// WS-RR, waiting-penalised shortest-path request routing (the authors' `WS_RR.m`), over a fixed placement.
///
/// Each server keeps, per active request, its completion time and the cache slots it holds
/// (n_j = ⌊(M_j − s_m·m_j)/s_c⌋ slots in all). On an arrival at t, a hop running k blocks on j costs
/// (t_w − t) plus its prefill-aware time, where t_w is the earliest time k slots are free on j. The request
/// waits the largest (t_w − t) on its path, then holds its slots until it completes.
public struct WSRRRouter: GeoOnlineRouter, Sendable {
    private struct Hold: Sendable {
        var ticket: Int
        var completion: Double
        var slots: Int
    }

    public let instance: GeoInstance
    public let placement: BlockPlacement
    /// n_j, the cache slots of each server.
    public let slots: [Int]
    /// Round each wait up to PETALS' retry schedule (`GeoOnlineBackoff`), as the authors' simulator does.
    public var roundsWaitToBackoff: Bool
    private var holds: [[Hold]]
    private var nextTicket = 0

    /// A router over `placement`.
    public init(instance: GeoInstance, placement: BlockPlacement, roundsWaitToBackoff: Bool = false) {
        self.instance = instance
        self.placement = placement
        self.roundsWaitToBackoff = roundsWaitToBackoff
        slots = CGBP.cacheSlots(instance: instance, blockCounts: placement.ranges.map { $0?.blockCount ?? 0 })
        holds = Array(repeating: [], count: instance.servers.count)
    }

    /// CG-BP's placement for `plannedRequests`, then WS-RR over it.
    public init(instance: GeoInstance, plannedRequests R: Int, roundsWaitToBackoff: Bool = false) throws {
        let plan = try CGBP.place(instance: instance, plannedRequests: R)
        self.init(instance: instance, placement: plan.placement, roundsWaitToBackoff: roundsWaitToBackoff)
    }

    /// t_w: the earliest time from `time` on at which `blocks` slots are free on `server`
    /// (nil when the server has fewer slots than that in all).
    public func earliestStart(server j: Int, blocks k: Int, at time: Double) -> Double? {
        SlotTimeline(holds: holds[j], slots: slots[j], at: time).earliestStart(blocks: k)
    }

    /// A server's free slots over time from one instant on: free now, then what each completion frees.
    private struct SlotTimeline {
        var time: Double
        var slots: Int
        var freeNow: Int
        /// Active holds in completion order (ticket order on ties).
        var releases: [Hold]

        init(holds: [Hold], slots: Int, at time: Double) {
            self.time = time
            self.slots = slots
            releases = holds.filter { $0.completion > time }.sorted { ($0.completion, $0.ticket) < ($1.completion, $1.ticket) }
            freeNow = slots - releases.reduce(0) { $0 + $1.slots }
        }

        func earliestStart(blocks k: Int) -> Double? {
            guard k <= slots else { return nil }
            var free = freeNow
            var start = time
            for hold in releases where free < k {
                free += hold.slots
                start = hold.completion
            }
            return start
        }
    }

    public mutating func route(client c: Int, at time: Double, allocationDelay: Double) -> GeoRouteDecision? {
        // Each server's timeline is built once per arrival, on first use.
        var timelines = [SlotTimeline?](repeating: nil, count: instance.servers.count)
        func start(_ hop: GeoHop) -> Double? {
            if timelines[hop.server] == nil {
                timelines[hop.server] = SlotTimeline(holds: holds[hop.server], slots: slots[hop.server], at: time)
            }
            return timelines[hop.server]!.earliestStart(blocks: hop.blocks)
        }
        guard let path = CGBPRouting.shortestPath(placement: placement, blocks: instance.model.blocks, linkCost: { hop in
            start(hop).map { ($0 - time) + instance.hopSeconds(client: c, hop: hop) }
        }) else { return nil }
        let rawWait = path.hops.map { start($0)! - time }.max() ?? 0
        let wait = roundsWaitToBackoff ? GeoOnlineBackoff.roundUp(rawWait) : rawWait
        let completion = time + wait + instance.timing.initialDelay + allocationDelay
            + instance.serviceSeconds(client: c, hops: path.hops)
        let ticket = nextTicket
        nextTicket += 1
        for hop in path.hops {
            holds[hop.server].append(Hold(ticket: ticket, completion: completion, slots: hop.blocks))
        }
        return GeoRouteDecision(ticket: ticket, hops: path.hops, wait: wait, completionTime: completion)
    }

    public mutating func release(_ decision: GeoRouteDecision, at time: Double) {
        for hop in decision.hops {
            holds[hop.server].removeAll { $0.ticket == decision.ticket }
        }
    }

    /// The |R| rule of the authors' scripts, Little's law plus one standard deviation:
    /// min(round(λ·T̂ + √(λ·T̂)), R_max), with T̂ the modelled time of one request running alone.
    public static func plannedRequests(arrivalRate lambda: Double, singleRequestSeconds tHat: Double, max rMax: Int) -> Int {
        let load = lambda * tHat
        let planned = (load + load.squareRoot()).rounded()
        return planned < Double(rMax) ? Int(planned) : rMax
    }
}
