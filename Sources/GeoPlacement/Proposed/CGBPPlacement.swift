/// CG-BP's placement, with what Theorem 2 needs.
public struct CGBPResult: Sendable, Hashable, Codable {
    /// The block range of every server (nil where m_j = 0).
    public var placement: BlockPlacement
    /// m_j from Step 1.
    public var blockCounts: [Int]
    /// s_j, sessions each server can hold on all of its blocks.
    public var sessions: [Int]
    /// t̃_j = max_c(t_cj + τ_j·m_j)/m_j, seconds per block (+∞ where m_j = 0).
    public var perBlockTimes: [Double]
    /// Servers holding blocks, 0-based, in the order they were placed (stable ascending t̃).
    public var visitOrder: [Int]
    /// K, the length of the shortest prefix of `visitOrder` after which every block serves |R| requests.
    public var coveringServers: Int
    /// Theorem 2's bound on per-token time, Σ_{k≤K} t̃_(k)·m_(k) − τ_(K)·(Σ_{k≤K} m_(k) − L), seconds.
    public var perTokenBound: Double
}

/// Why CG-BP found no placement.
public enum CGBPError: Error, Equatable, CustomStringConvertible {
    /// Corollary 1 fails: the servers' block counts sum to `available`, fewer than the `required` L blocks.
    case insufficientBlocks(available: Int, required: Int, plannedRequests: Int)
    /// Every count was placed yet `uncoveredBlocks` (0-based) serve fewer than |R| requests.
    case uncovered(uncoveredBlocks: [Int], plannedRequests: Int)

    public var description: String {
        switch self {
        case let .insufficientBlocks(available, required, r):
            "CG-BP infeasible for |R| = \(r): Corollary 1 needs Σ_j min(⌊M_j/(s_m+s_c|R|)⌋, L) ≥ L, "
                + "but the sum is \(available) < \(required) (short by \(required - available) blocks)"
        case let .uncovered(blocks, r):
            "CG-BP infeasible for |R| = \(r): blocks \(blocks) (0-based) serve fewer than |R| requests"
        }
    }
}

extension CGBP {
    /// Steps 1 and 2 of CG-BP for `R` planned concurrent requests.
    ///
    /// Servers are visited in stable ascending t̃ order. While some block serves fewer than |R| requests
    /// (C_b < |R|), a server takes the window holding an under-served block with the largest Σ T_b
    /// (strictly larger, so the lowest start wins ties); afterwards it takes the window whose sorted C
    /// is lexicographically smallest (lowest start on ties). The window then gets
    /// T_b −= (t_max − t̃_j)·min(max(|R| − C_b, 0), s_j) and C_b += s_j.
    /// - Throws: `CGBPError` when some block ends with C_b < |R|.
    public static func place(instance: GeoInstance, plannedRequests R: Int) throws -> CGBPResult {
        let L = instance.model.blocks
        let n = instance.servers.count
        let m = blockCounts(instance: instance, plannedRequests: R)
        let s = sessions(instance: instance, blockCounts: m)
        let perBlock = perBlockTimes(instance: instance, blockCounts: m)
        let order = (0..<n).filter { m[$0] > 0 }.sorted { (perBlock[$0], $0) < (perBlock[$1], $1) }
        let available = m.reduce(0, +)
        guard available >= L else { throw CGBPError.insufficientBlocks(available: available, required: L, plannedRequests: R) }

        let tMax = (order.map { perBlock[$0] }.max() ?? 0) + 1
        var capacity = [Int](repeating: 0, count: L)
        var amortised = [Double](repeating: Double(R) * tMax, count: L)
        var starts = [Int?](repeating: nil, count: n)
        var covering: Int?
        for (position, j) in order.enumerated() {
            let a = capacity.contains(where: { $0 < R })
                ? heaviestUnderservedWindow(length: m[j], capacity: capacity, amortised: amortised, R: R)
                : weakestWindow(length: m[j], capacity: capacity)
            starts[j] = a
            for b in a..<(a + m[j]) {
                amortised[b] -= (tMax - perBlock[j]) * Double(min(max(R - capacity[b], 0), s[j]))
                // Sessions beyond 2⁴⁰ per block change nothing (|R| is far smaller) and could overflow.
                capacity[b] = min(capacity[b], 1 << 40) + min(s[j], 1 << 40)
            }
            if covering == nil, capacity.allSatisfy({ $0 >= R }) { covering = position + 1 }
        }
        guard let K = covering else {
            throw CGBPError.uncovered(uncoveredBlocks: capacity.indices.filter { capacity[$0] < R }, plannedRequests: R)
        }
        let prefix = order.prefix(K)
        let last = order[K - 1]
        let bound = prefix.reduce(0.0) { $0 + perBlock[$1] * Double(m[$1]) }
            - instance.servers[last].decodeSecondsPerBlock * Double(prefix.reduce(0) { $0 + m[$1] } - L)
        let ranges = (0..<n).map { j in starts[j].map { BlockRange(firstBlock: $0, blockCount: m[j]) } }
        return CGBPResult(
            placement: BlockPlacement(ranges: ranges), blockCounts: m, sessions: s, perBlockTimes: perBlock,
            visitOrder: order, coveringServers: K, perTokenBound: bound)
    }

    /// t̃_j = max_c(t_cj + τ_j·m_j)/m_j (+∞ where m_j = 0; with no clients the RTT term is 0).
    public static func perBlockTimes(instance: GeoInstance, blockCounts m: [Int]) -> [Double] {
        instance.servers.indices.map { j in
            guard m[j] > 0 else { return .infinity }
            let compute = instance.servers[j].decodeSecondsPerBlock * Double(m[j])
            let rtt = instance.clients.indices.map { instance.perTokenRTT(client: $0, server: j) }.max() ?? 0
            return (rtt + compute) / Double(m[j])
        }
    }

    /// The lowest start of the windows holding an under-served block with the largest Σ T_b.
    private static func heaviestUnderservedWindow(length: Int, capacity: [Int], amortised: [Double], R: Int) -> Int {
        var best = 0
        var bestSum = 0.0
        for a in 0...(capacity.count - length) where capacity[a..<(a + length)].contains(where: { $0 < R }) {
            let sum = amortised[a..<(a + length)].reduce(0, +)
            if sum > bestSum {
                best = a
                bestSum = sum
            }
        }
        return best
    }

    /// The lowest start of the windows whose sorted capacities are lexicographically smallest.
    private static func weakestWindow(length: Int, capacity: [Int]) -> Int {
        var best = 0
        var bestKey = capacity[0..<length].sorted()
        for a in stride(from: 1, through: capacity.count - length, by: 1) {
            let key = capacity[a..<(a + length)].sorted()
            if key.lexicographicallyPrecedes(bestKey) {
                best = a
                bestKey = key
            }
        }
        return best
    }
}
