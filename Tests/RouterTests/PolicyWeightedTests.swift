import Router
import Testing

/// Smooth weighted round robin: exact shares over a cycle, nginx's interleaving, down backends.
@Suite struct PolicyWeightedTests {
    @Test func nginxsSequenceForFiveOneOne() {
        var policy = WeightedPolicy()
        let backends = views(3, weights: [5, 1, 1])
        // nginx's documented order for weights a=5, b=1, c=1: a a b a c a a.
        #expect((0..<7).map { _ in policy.route(aRequest, backends: backends).backend } == [0, 0, 1, 0, 2, 0, 0])
    }

    @Test func sharesEqualTheWeightsExactlyOverEveryCycle() {
        var policy = WeightedPolicy()
        let weights: [Double] = [3, 7, 1, 4]
        let backends = views(4, weights: weights)
        for _ in 0..<5 {
            var counts = [0, 0, 0, 0]
            for _ in 0..<15 { counts[policy.route(aRequest, backends: backends).backend!] += 1 }
            #expect(counts == [3, 7, 1, 4])
        }
    }

    @Test func fractionalWeightsConvergeToTheirShares() {
        // A deployment plan's weights: replicas × capacity (requests per second).
        var policy = WeightedPolicy()
        let weights = [12.5, 37.5, 50]
        let backends = views(3, weights: weights)
        var counts = [0, 0, 0]
        for _ in 0..<800 { counts[policy.route(aRequest, backends: backends).backend!] += 1 }
        #expect(counts == [100, 300, 400])
    }

    @Test func aDownBackendsShareGoesToTheOthersByWeight() {
        var policy = WeightedPolicy()
        let backends = views(3, down: [1], weights: [1, 5, 3])
        var counts = [0, 0, 0]
        for _ in 0..<40 { counts[policy.route(aRequest, backends: backends).backend!] += 1 }
        #expect(counts == [10, 0, 30])
    }
}
