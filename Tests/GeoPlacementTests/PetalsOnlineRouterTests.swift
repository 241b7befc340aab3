import Testing
@testable import GeoPlacement

@Test func petalsBackoffSchedule() {
    let delays = (0...9).map { PetalsOnlineRouter.backoff(attempt: $0) }
    #expect(delays == [0, 1, 2, 4, 8, 16, 32, 60, 60, 60])
    #expect(PetalsOnlineRouter.backoff(attempt: 200) == 60)
}

/// L = 4 and l_I + l = 4096, so a server of m blocks has m slots and holds one full-span session.
/// Server 0 (τ 0.01) and server 1 (τ 0.02) both hold all four blocks; one site, RTT 0.01.
func petalsOnlineInstance() -> (GeoInstance, BlockPlacement) {
    let model = GeoModel(blocks: 4, blockBytes: 1e9, cacheBytesPerToken: 1000, promptTokens: 96, outputTokens: 4000)
    func server(_ name: String, tau: Double) -> GeoServer {
        GeoServer(name: name, site: "x", memoryBytes: 100e9, decodeSecondsPerBlock: tau, prefillPerToken: 0, prefillFixed: 0.02)
    }
    let instance = GeoInstance(
        model: model, servers: [server("s0", tau: 0.01), server("s1", tau: 0.02)], clients: [GeoClient(name: "c", site: "x")],
        network: GeoNetwork(sites: ["x"], rtt: [[0.01]]), timing: .none)
    let all = BlockRange(firstBlock: 0, blockCount: 4)
    return (instance, BlockPlacement(ranges: [all, all]))
}

@Test func petalsInstanceRouterUsesDecodeTime() throws {
    let (instance, placement) = petalsOnlineInstance()
    let router = PetalsRouter(instance: instance, placement: placement, client: 0, sessionsLeft: [1, 1])
    let path = try #require(router.shortestPath())
    #expect(path.hops.map(\.server) == [0])
    #expect(abs(path.cost - (0.005 + 0.018 + 4 * 0.01 + 0.005)) < 1e-12)
    let petals = PetalsRouter(instance: instance, placement: placement, client: 0, sessionsLeft: [0, 1], perBlock: .petalsDefault)
    #expect(petals.shortestPath()?.hops.map(\.server) == [1])
}

@Test func petalsOnlineRouteWaitsAndReroutes() throws {
    let (instance, placement) = petalsOnlineInstance()
    var router = PetalsOnlineRouter(instance: instance, placement: placement, serviceTime: { _, _ in 2.5 })
    #expect(router.cacheSlots == [4, 4] && router.sessionCapacity == [1, 1])
    let firstRoute = router.route(client: 0, at: 0)
    let first = try #require(firstRoute)
    #expect(first.path.map { $0.server } == [0] && first.path.map { $0.blocks } == [4] && first.wait == 0 && first.end == 2.5)
    // Server 0 is full, so the +10 s sends the second session to server 1 at once.
    let secondRoute = router.route(client: 0, at: 0)
    let second = try #require(secondRoute)
    #expect(second.path.map { $0.server } == [1] && second.wait == 0)
    #expect(router.activeSessions(at: 1) == [1, 1] && router.usedSlots(at: 1) == [4, 4])
    // Both full: the route goes to server 0, fails at 0 and 1, and succeeds at 3 (1 + 2) after both ended.
    let thirdRoute = router.route(client: 0, at: 0)
    let third = try #require(thirdRoute)
    #expect(third.path.map { $0.server } == [0] && third.wait == 3 && third.end == 5.5)
    // Release frees slots at once.
    router.release(third.id)
    let fourthRoute = router.route(client: 0, at: 3.5)
    let fourth = try #require(fourthRoute)
    #expect(fourth.path.map { $0.server } == [0] && fourth.wait == 0)
}

@Test func petalsOnlineNeverFitsIsNil() {
    let (instance, placement) = petalsOnlineInstance()
    var router = PetalsOnlineRouter(
        instance: instance, placement: placement, constants: .init(attentionCacheTokens: 2048), serviceTime: { _, _ in 1 })
    #expect(router.cacheSlots == [2, 2])
    let route = router.route(client: 0, at: 0)
    #expect(route == nil)
}

/// Σ_j (t^I_cj + k_j·τ^I_j) + (l−1)·Σ_j (t_cj + k_j·τ_j) + initial delay, with no overheads.
@Test func petalsPaperServiceTime() {
    let (instance, _) = petalsOnlineInstance()
    let time = PetalsOnlineRouter.paperServiceTime(instance: instance)(0, [(server: 0, blocks: 2), (server: 1, blocks: 2)])
    let expected = (0.01 + 2 * 0.02) * 2 + 3999 * ((0.01 + 2 * 0.01) + (0.01 + 2 * 0.02))
    #expect(abs(time - expected) < 1e-9)
}
