/// A request's path with its cost.
public struct GeoPath: Sendable, Hashable, Codable {
    public var hops: [GeoHop]
    /// The summed link costs, seconds.
    public var cost: Double

    public init(hops: [GeoHop], cost: Double) {
        self.hops = hops
        self.cost = cost
    }
}

/// Step 3 of CG-BPRR offline: Dijkstra on the feasible-hop graph.
public enum CGBPRouting {
    /// The cheapest path of `client` under `placement`, each hop costing the prefill-aware
    /// t^I_cj + (l−1)·t_cj + (τ^I_j + (l−1)·τ_j)·k; nil when no chain of ranges covers all blocks.
    public static func route(instance: GeoInstance, placement: BlockPlacement, client: Int) -> GeoPath? {
        shortestPath(placement: placement, blocks: instance.model.blocks) { hop in
            instance.hopSeconds(client: client, hop: hop)
        }
    }

    /// Dijkstra from the client (a node whose ranges end at block 0) to any server holding the last block.
    ///
    /// Hop i → j is feasible iff a_j ≤ e_i ≤ a_j + m_j − 1, where e_i is one past i's last block;
    /// it runs k = a_j + m_j − e_i blocks on j. `linkCost` prices a hop, or returns nil to forbid it.
    /// Ties go to the lower server index.
    static func shortestPath(placement: BlockPlacement, blocks L: Int, linkCost: (GeoHop) -> Double?) -> GeoPath? {
        let ranges = placement.ranges
        let n = ranges.count
        var distance = [Double](repeating: .infinity, count: n)
        var previous = [Int?](repeating: nil, count: n)
        var settled = [Bool](repeating: false, count: n)

        func relax(from i: Int?, reached end: Int, base: Double) {
            for j in 0..<n where !settled[j] {
                guard let r = ranges[j], r.firstBlock <= end, end < r.endBlock else { continue }
                let hop = GeoHop(server: j, blocks: r.endBlock - end)
                guard let cost = linkCost(hop), base + cost < distance[j] else { continue }
                distance[j] = base + cost
                previous[j] = i
            }
        }

        relax(from: nil, reached: 0, base: 0)
        while let i = (0..<n).filter({ !settled[$0] && distance[$0].isFinite }).min(by: { distance[$0] < distance[$1] }) {
            settled[i] = true
            if let r = ranges[i], r.endBlock < L { relax(from: i, reached: r.endBlock, base: distance[i]) }
        }
        let terminals = (0..<n).filter { ranges[$0]?.endBlock == L && distance[$0].isFinite }
        guard let last = terminals.min(by: { distance[$0] < distance[$1] }) else { return nil }

        var servers = [last]
        while let p = previous[servers[0]] { servers.insert(p, at: 0) }
        var end = 0
        let hops = servers.map { j -> GeoHop in
            let hop = GeoHop(server: j, blocks: ranges[j]!.endBlock - end)
            end = ranges[j]!.endBlock
            return hop
        }
        return GeoPath(hops: hops, cost: distance[last])
    }
}
