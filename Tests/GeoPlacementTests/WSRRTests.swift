import Testing
@testable import GeoPlacement

@Suite struct WSRRTests {
    private func routed(_ router: inout WSRRRouter, at time: Double, delay: Double) throws -> GeoRouteDecision {
        let decision = router.route(client: 0, at: time, allocationDelay: delay)
        return try #require(decision)
    }

    /// One server holding both blocks with n = ⌊(2.1 − 2)/0.05⌋ = 2 slots: one request at a time.
    /// A request takes t^I + τ^I·2 = 1 + 0.5·2 = 2 s (l = 1).
    private func oneServer() -> WSRRRouter {
        let instance = hubInstance(blocks: 2, cacheBytesPerToken: 0.05, promptTokens: 0, outputTokens: 1,
                                   rtt: [1], decode: [1], prefill: [0.5], memory: [2.1])
        return WSRRRouter(instance: instance, placement: BlockPlacement(ranges: [BlockRange(firstBlock: 0, blockCount: 2)]))
    }

    @Test func secondRequestWaitsForTheFirst() throws {
        var router = oneServer()
        #expect(router.slots == [2])
        let first = try routed(&router, at: 0, delay: 0)
        #expect(first.wait == 0)
        #expect(first.completionTime == 2)
        let second = try routed(&router, at: 0.5, delay: 0)
        #expect(second.wait == 1.5)
        #expect(second.completionTime == 4)
        #expect(router.earliestStart(server: 0, blocks: 2, at: 1) == 4)
        #expect(router.earliestStart(server: 0, blocks: 3, at: 1) == nil)
        let third = try routed(&router, at: 5, delay: 0)
        #expect(third.wait == 0)
    }

    @Test func releaseFreesSlotsAndDelaysAreHeld() throws {
        var router = oneServer()
        let first = try routed(&router, at: 0, delay: 10)
        #expect(first.completionTime == 12)
        router.release(first, at: 1)
        let second = try routed(&router, at: 1, delay: 0)
        #expect(second.wait == 0)
    }

    @Test func backoffRoundsTheWait() throws {
        var router = oneServer()
        router.roundsWaitToBackoff = true
        _ = router.route(client: 0, at: 0, allocationDelay: 0)
        let second = try routed(&router, at: 0.5, delay: 0)
        #expect(second.wait == 3)
        #expect(second.completionTime == 5.5)
        #expect([0, 0.5, 1, 1.5, 3.5, 100].map(GeoOnlineBackoff.roundUp) == [0, 1, 1, 3, 7, 123])
    }

    /// The wait is the largest link wait of the path, though Dijkstra priced the links' waits summed.
    @Test func waitIsThePathMaximum() throws {
        let instance = hubInstance(blocks: 2, cacheBytesPerToken: 0.05, promptTokens: 0, outputTokens: 1,
                                   rtt: [1, 1], decode: [1, 1], prefill: [1, 1], memory: [1.05, 1.05])
        var router = WSRRRouter(instance: instance, placement: BlockPlacement(ranges: [
            BlockRange(firstBlock: 0, blockCount: 1), BlockRange(firstBlock: 1, blockCount: 1),
        ]))
        #expect(router.slots == [1, 1])
        let first = try routed(&router, at: 0, delay: 0)
        #expect(first.completionTime == 4)
        let second = try routed(&router, at: 1, delay: 0)
        #expect(second.wait == 3)
        #expect(second.completionTime == 8)
    }

    @Test func plannedRequestsRule() {
        // λT̂ = 5: 5 + √5 = 7.24 → 7.
        #expect(WSRRRouter.plannedRequests(arrivalRate: 0.5, singleRequestSeconds: 10, max: 100) == 7)
        #expect(WSRRRouter.plannedRequests(arrivalRate: 0.5, singleRequestSeconds: 10, max: 6) == 6)
        // λT̂ = 2: 2 + 1.41 = 3.41 → 3; λT̂ = 0.25: 0.25 + 0.5 = 0.75 → 1; λT̂ = 4: 4 + 2 = 6.
        #expect(WSRRRouter.plannedRequests(arrivalRate: 0.1, singleRequestSeconds: 20, max: 100) == 3)
        #expect(WSRRRouter.plannedRequests(arrivalRate: 0.25, singleRequestSeconds: 1, max: 100) == 1)
        #expect(WSRRRouter.plannedRequests(arrivalRate: 1, singleRequestSeconds: 4, max: 100) == 6)
    }
}
