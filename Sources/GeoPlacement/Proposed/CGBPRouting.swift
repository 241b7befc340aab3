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
    /// What a path can do next depends only on the block it has reached, so the search runs over the
    /// L + 1 block boundaries (edges: each server from each block of its range), O(L² + Σ_j m_j) per
    /// path instead of O(|V_s|²) over servers. Costs must be ≥ 0; ties go to the first relaxation
    /// (lower boundary, then lower server index).
    static func shortestPath(placement: BlockPlacement, blocks L: Int, linkCost: (GeoHop) -> Double?) -> GeoPath? {
        let ranges = placement.ranges
        var covering = [[Int]](repeating: [], count: L)
        for (j, range) in ranges.enumerated() {
            guard let range else { continue }
            for b in range.firstBlock..<min(range.endBlock, L) { covering[b].append(j) }
        }
        var distance = [Double](repeating: .infinity, count: L + 1)
        var lastHop = [GeoHop?](repeating: nil, count: L + 1)
        var settled = [Bool](repeating: false, count: L + 1)
        distance[0] = 0
        while true {
            var e = -1
            for b in 0..<L where !settled[b] && distance[b].isFinite && (e < 0 || distance[b] < distance[e]) { e = b }
            guard e >= 0 else { break }
            settled[e] = true
            for j in covering[e] {
                let end = ranges[j]!.endBlock
                let hop = GeoHop(server: j, blocks: end - e)
                guard let cost = linkCost(hop), distance[e] + cost < distance[end] else { continue }
                distance[end] = distance[e] + cost
                lastHop[end] = hop
            }
        }
        guard distance[L].isFinite else { return nil }
        var hops: [GeoHop] = []
        var end = L
        while end > 0, let hop = lastHop[end] {
            hops.insert(hop, at: 0)
            end -= hop.blocks
        }
        return GeoPath(hops: hops, cost: distance[L])
    }
}
