import Testing
@testable import GeoPlacement

/// The research file's §5 vector, as run against the PETALS 2.2.0.post1 wheel: servers A = 0, B = 1, C = 2.
func petalsVectorRouter() -> PetalsRouter {
    PetalsRouter(
        blockCount: 10,
        spans: [
            .init(server: 0, blocks: BlockRange(firstBlock: 0, blockCount: 6), inferenceRPS: 100, clientRTT: 0.02, pings: [1: 0.05, 2: 0.2]),
            .init(server: 1, blocks: BlockRange(firstBlock: 5, blockCount: 5), inferenceRPS: 200, clientRTT: 0.3),
            .init(server: 2, blocks: BlockRange(firstBlock: 6, blockCount: 4), inferenceRPS: 50, clientRTT: 0.1, cache: .tokensLeft(100)),
        ],
        cacheTokensNeeded: 148)
}

@Test func petalsRouteVector() throws {
    let router = petalsVectorRouter()
    #expect(router.hasCache(router.spans[0]) && router.hasCache(router.spans[1]) && !router.hasCache(router.spans[2]))
    let path = try #require(router.shortestPath())
    #expect(path.hops == [
        PetalsHop(server: 0, blocks: BlockRange(firstBlock: 0, blockCount: 6)),
        PetalsHop(server: 1, blocks: BlockRange(firstBlock: 6, blockCount: 4)),
    ])
    #expect(abs(path.cost - 0.301) < 1e-9)
    #expect(abs(path.cost - (0.028 + 0.06 + 0.043 + 0.02 + 0.15)) < 1e-9)
}

@Test func petalsRouteDelays() {
    let costs = PetalsRouter.Costs()
    #expect(costs.delay(rtt: nil) == 0.15)
    #expect(costs.delay(rtt: 0.3) == 0.15)
    #expect(costs.delay(rtt: 12) == 5)
    // Unknown pings cost 0.15: without A's pings the hop A→B costs 0.15 + 0.018.
    var router = petalsVectorRouter()
    router.spans[0].pings = [:]
    #expect(abs((router.shortestPath()?.cost ?? 0) - (0.028 + 0.06 + 0.168 + 0.02 + 0.15)) < 1e-9)
    // No span holds block 9: no route.
    router.spans.removeLast()
    router.spans[1].blocks = BlockRange(firstBlock: 5, blockCount: 4)
    #expect(router.shortestPath() == nil)
}

/// Two full spans: A is faster to reach, but with too little cache (148·2·10 > 100) the +10 s sends the route to B.
@Test func petalsNoCachePenaltyChangesRoute() throws {
    let full = BlockRange(firstBlock: 0, blockCount: 10)
    var router = PetalsRouter(
        blockCount: 10,
        spans: [
            .init(server: 0, blocks: full, inferenceRPS: 100, clientRTT: 0.02),
            .init(server: 1, blocks: full, inferenceRPS: 100, clientRTT: 0.04),
        ],
        cacheTokensNeeded: 148)
    let fast = try #require(router.shortestPath())
    #expect(fast.hops.map(\.server) == [0])
    #expect(abs(fast.cost - (0.01 + 0.018 + 0.1 + 0.01)) < 1e-9)
    router.spans[0].cache = .tokensLeft(100)
    let avoided = try #require(router.shortestPath())
    #expect(avoided.hops.map(\.server) == [1])
    #expect(abs(avoided.cost - (0.02 + 0.018 + 0.1 + 0.02)) < 1e-9)
    // Exactly enough tokens (148·2·10) counts as cache.
    router.spans[0].cache = .tokensLeft(2960)
    #expect(router.shortestPath()?.hops.map(\.server) == [0])
    // The emulation's session rule: no sessions left is no cache.
    router.spans[0].cache = .sessionsLeft(0)
    #expect(router.shortestPath()?.hops.map(\.server) == [1])
}
