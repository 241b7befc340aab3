import Testing
@testable import GeoPlacement

@Suite struct CGBPRoutingTests {
    /// L=4, l=3: A holds 0–1, B holds 2–3, C holds 0–3. Hop cost t^I + 2t + (τ^I + 2τ)·k:
    /// A(k=2) = 1+2+(2+2)·2 = 11, B(k=2) = 2+4+(1+1)·2 = 10, C(k=4) = 5+10+(1.5+2)·4 = 29,
    /// A→C(k=2) = 11+15+3.5·2 = 33, so A→B at 21 wins.
    @Test func dijkstraOnThreeServers() throws {
        let instance = hubInstance(blocks: 4, cacheBytesPerToken: 0.01, promptTokens: 0, outputTokens: 3,
                                   rtt: [1, 2, 5], decode: [1, 0.5, 1], prefill: [2, 1, 1.5], memory: [10, 10, 10])
        let placement = BlockPlacement(ranges: [
            BlockRange(firstBlock: 0, blockCount: 2), BlockRange(firstBlock: 2, blockCount: 2),
            BlockRange(firstBlock: 0, blockCount: 4),
        ])
        let path = try #require(CGBPRouting.route(instance: instance, placement: placement, client: 0))
        #expect(path.hops == [GeoHop(server: 0, blocks: 2), GeoHop(server: 1, blocks: 2)])
        #expect(path.cost == 21)
        #expect(instance.serviceSeconds(client: 0, hops: path.hops) == 21)
        let firstToken: Double = (1 + 2 * 2) + (2 + 1 * 2)
        #expect(instance.firstTokenSeconds(client: 0, hops: path.hops) == firstToken)

        let withoutB = BlockPlacement(ranges: [placement.ranges[0], nil, placement.ranges[2]])
        #expect(CGBPRouting.route(instance: instance, placement: withoutB, client: 0)?.cost == 29)
        let gap = BlockPlacement(ranges: [placement.ranges[0], BlockRange(firstBlock: 3, blockCount: 1), nil])
        #expect(CGBPRouting.route(instance: instance, placement: gap, client: 0) == nil)
    }

    /// Overlap is allowed: a hop from a range ending at e runs only the blocks from e on.
    @Test func overlappingRangesRunOnlyTheRemainder() throws {
        let instance = hubInstance(blocks: 5, cacheBytesPerToken: 0.01, promptTokens: 0, outputTokens: 1,
                                   rtt: [1, 1], decode: [1, 1], memory: [10, 10])
        let placement = BlockPlacement(ranges: [BlockRange(firstBlock: 0, blockCount: 3), BlockRange(firstBlock: 1, blockCount: 4)])
        let path = try #require(CGBPRouting.route(instance: instance, placement: placement, client: 0))
        #expect(path.hops == [GeoHop(server: 0, blocks: 3), GeoHop(server: 1, blocks: 2)])
        #expect(path.cost == 2)
    }
}
