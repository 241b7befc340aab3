import Foundation
import Testing
import ServingModel
@testable import Simulation

/// The routing policies' choices on constructed cluster states.
@Suite struct RoutingPolicyTests {
    static func load(outstanding: [Int], kvUsed: [Int], kvCapacity: [Int]) -> ClusterLoad {
        let count = outstanding.count
        return ClusterLoad(
            outstanding: outstanding, running: outstanding, prefilling: [Int](repeating: 0, count: count),
            decoding: [Int](repeating: 0, count: count), kvUsed: kvUsed, kvCapacity: kvCapacity,
            batchSize: [Int](repeating: 16, count: count), roles: [ReplicaRole](repeating: .general, count: count),
            held: 0, heldPerClass: [0], bufferedPerClass: [0])
    }

    static let request = RequestInfo(id: 0, classIndex: 0, arrivalTime: 0, promptTokens: 10, outputTokens: 10)

    /// Least-KV compares utilisation, not tokens or requests: 60/100 = 0.6, 30/40 = 0.75 and
    /// 50/200 = 0.25 send the request to replica 2, although it holds the most requests (least-
    /// outstanding picks replica 0) and not the fewest tokens (replica 1). On equal utilisation
    /// (0.1 and 0.1) the fewer outstanding requests win; on a full tie, the lowest index.
    @Test func leastKVPicksTheLowestUtilisation() {
        var leastKV = LeastKVUsageRouting()
        var leastOutstanding = LeastOutstandingRouting()
        let state = Self.load(outstanding: [0, 1, 5], kvUsed: [60, 30, 50], kvCapacity: [100, 40, 200])
        #expect(leastKV.route(Self.request, load: state) == 2)
        #expect(leastOutstanding.route(Self.request, load: state) == 0)
        let tie = Self.load(outstanding: [3, 1, 2], kvUsed: [10, 20, 90], kvCapacity: [100, 200, 300])
        #expect(leastKV.route(Self.request, load: tie) == 1)
        let fullTie = Self.load(outstanding: [2, 2], kvUsed: [5, 5], kvCapacity: [10, 10])
        #expect(leastKV.route(Self.request, load: fullTie) == 0)
    }

    /// Random routing over 5 replicas, 20 arrivals for each of 500 seeds (10,000 draws): each
    /// replica's count is Binomial(10,000, 1/5), mean 2,000 and standard deviation 40; every count
    /// must lie within 5 standard deviations (a correct router fails this with probability below
    /// 3e-6), and Pearson's χ² with 4 degrees of freedom must stay below 23.5 (p = 1e-4). The same
    /// seed repeats its choices; another seed does not.
    @Test func randomIsUniformOverReplicas() {
        let replicas = 5, perSeed = 20, seeds = 500
        let state = Self.load(outstanding: [Int](repeating: 0, count: replicas), kvUsed: [Int](repeating: 0, count: replicas),
                              kvCapacity: [Int](repeating: 100, count: replicas))
        func choices(seed: UInt64) -> [Int] {
            var policy = RandomRouting(seed: seed)
            return (0..<perSeed).compactMap { _ in policy.route(Self.request, load: state) }
        }
        var counts = [Int](repeating: 0, count: replicas)
        for seed in 1...UInt64(seeds) {
            let picks = choices(seed: seed)
            #expect(picks.count == perSeed)
            for pick in picks { counts[pick] += 1 }
        }
        let draws = Double(perSeed * seeds)
        let expected = draws / Double(replicas)
        let sd = (draws * (1.0 / Double(replicas)) * (1 - 1.0 / Double(replicas))).squareRoot()
        for count in counts { #expect(abs(Double(count) - expected) <= 5 * sd, "\(counts)") }
        let chiSquare = counts.map { (Double($0) - expected) * (Double($0) - expected) / expected }.reduce(0, +)
        #expect(chiSquare < 23.5, "\(counts)")
        #expect(choices(seed: 3) == choices(seed: 3))
        #expect(choices(seed: 3) != choices(seed: 4))
    }
}
