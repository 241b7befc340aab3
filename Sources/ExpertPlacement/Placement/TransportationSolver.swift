/// Exact min-cost assignment of expert replicas to GPU slots.
///
/// Expert e needs `supply[e]` replicas, each on a different GPU; GPU g has `capacity[g]` slots;
/// a replica of e on g costs `cost[e][g]`. This is a transportation problem with unit arcs, a
/// min-cost flow whose optimum is integral, solved by successive shortest paths (Dijkstra with
/// potentials on the dense bipartite residual graph): one augmenting path per replica, each
/// O(E·G + (E+G)²).
public enum TransportationSolver {
    /// The optimal GPUs of every expert (`result[e]`, sorted), or nil when the slots cannot hold
    /// the replicas. Costs must be finite and ≥ 0.
    public static func solve(cost: [[Double]], supply: [Int], capacity: [Int]) -> [[Int]]? {
        let experts = cost.count, gpus = capacity.count
        let total = supply.reduce(0, +)
        guard total <= capacity.reduce(0, +), supply.allSatisfy({ $0 <= gpus }) else { return nil }
        // Nodes: experts 0..<E, GPUs E..<E+G, sink E+G. The source is implicit: experts with
        // replicas left start at distance 0 (their potential-adjusted label).
        let n = experts + gpus + 1, sink = experts + gpus
        var flow = [[Bool]](repeating: [Bool](repeating: false, count: gpus), count: experts)
        var sent = [Int](repeating: 0, count: experts)
        var used = [Int](repeating: 0, count: gpus)
        var holders = [[Int]](repeating: [], count: gpus)
        var potential = [Double](repeating: 0, count: n)
        var sourcePotential = 0.0
        for _ in 0..<total {
            var distance = [Double](repeating: .infinity, count: n)
            var parent = [Int](repeating: -1, count: n)
            var done = [Bool](repeating: false, count: n)
            for e in 0..<experts where sent[e] < supply[e] { distance[e] = sourcePotential - potential[e] }
            while true {
                var v = -1
                var best = Double.infinity
                for u in 0..<n where !done[u] && distance[u] < best {
                    best = distance[u]
                    v = u
                }
                if v < 0 || v == sink { break }
                done[v] = true
                if v < experts {
                    for g in 0..<gpus where !flow[v][g] && !done[experts + g] {
                        let u = experts + g
                        let d = best + cost[v][g] + potential[v] - potential[u]
                        if d < distance[u] { distance[u] = d; parent[u] = v }
                    }
                } else {
                    let g = v - experts
                    if used[g] < capacity[g] {
                        let d = best + potential[v] - potential[sink]
                        if d < distance[sink] { distance[sink] = d; parent[sink] = v }
                    }
                    for e in holders[g] where !done[e] {
                        let d = best - cost[e][g] + potential[v] - potential[e]
                        if d < distance[e] { distance[e] = d; parent[e] = v }
                    }
                }
            }
            guard distance[sink].isFinite else { return nil }
            let reach = distance[sink]
            for u in 0..<n { potential[u] += min(distance[u], reach) }
            sourcePotential += reach
            // Walk back from the sink: GPU → expert (forward arc) or expert → GPU (cancelled arc).
            var v = parent[sink]
            used[v - experts] += 1
            while true {
                let e = parent[v], g = v - experts
                flow[e][g] = true
                holders[g].append(e)
                guard parent[e] >= 0 else {
                    sent[e] += 1
                    break
                }
                let previous = parent[e] - experts
                flow[e][previous] = false
                holders[previous].removeAll { $0 == e }
                v = parent[e]
            }
        }
        return (0..<experts).map { e in (0..<gpus).filter { flow[e][$0] } }
    }
}
