import Testing
@testable import GeoPlacement

/// Shortest-path RTTs on a hand graph, and the seeded scattered-topology generator.
@Suite struct ScatteredTopologyTests {
    /// a–b 10 ms, b–c 20 ms, a–c 50 ms, c–d 1 ms: a→c goes through b (30 ms), a→d is 31 ms one way.
    static let hand = GeoSiteGraph(sites: ["a", "b", "c", "d"], links: [
        GeoLink(from: 0, to: 1, delaySeconds: 0.01), GeoLink(from: 1, to: 2, delaySeconds: 0.02),
        GeoLink(from: 0, to: 2, delaySeconds: 0.05), GeoLink(from: 2, to: 3, delaySeconds: 0.001),
    ])

    @Test func shortestPathsOnHandGraph() throws {
        let delays = Self.hand.shortestDelays(from: [0, 3])
        #expect(zip(delays[0], [0, 0.01, 0.03, 0.031]).allSatisfy { abs($0 - $1) < 1e-12 })
        #expect(zip(delays[1], [0.031, 0.021, 0.001, 0]).allSatisfy { abs($0 - $1) < 1e-12 })
        let network = try #require(Self.hand.network(between: ["d", "a"], intraSite: 0.005))
        #expect(network.sites == ["d", "a"])
        #expect(abs(network.rtt[0][1] - 0.062) < 1e-12 && abs(network.rtt[1][0] - 0.062) < 1e-12)
        #expect(network.rtt[0][0] == 0.005)
        #expect(Self.hand.isConnected)
    }

    @Test func disconnectedGraphHasNoNetwork() {
        let split = GeoSiteGraph(sites: ["a", "b", "c"], links: [GeoLink(from: 0, to: 1, delaySeconds: 0.01)])
        #expect(!split.isConnected)
        #expect(split.network(between: ["a", "c"]) == nil)
        #expect(split.network(between: ["a", "b"]) != nil)
    }

    @Test(arguments: [20, 23, 48, 50, 100, 149, 150])
    func generatedGraphIsConnectedWithTheRequestedDensity(sites: Int) {
        let topology = ScatteredTopology(sites: sites, seed: 7)
        let graph = topology.graph()
        #expect(graph.sites.count == sites)
        #expect(graph.isConnected)
        #expect(graph.links.count == Int((1.35 * Double(sites)).rounded()))
        #expect(Set(graph.links.map { [$0.from, $0.to] }).count == graph.links.count, "no parallel links")
        // Every delay is the fibre delay of a distance inside the square (at most its diagonal).
        let longest = 4000 * 2.0.squareRoot() * ScatteredTopology.secondsPerKilometre
        #expect(graph.links.allSatisfy { $0.from != $0.to && $0.delaySeconds > 0 && $0.delaySeconds <= longest })
    }

    @Test func sameSeedSameTopologyOtherSeedOther() throws {
        let one = try #require(ScatteredTopology(sites: 50, seed: 3).layout())
        let again = try #require(ScatteredTopology(sites: 50, seed: 3).layout())
        let other = try #require(ScatteredTopology(sites: 50, seed: 4).layout())
        #expect(one.servers == again.servers && one.clients == again.clients && one.network == again.network)
        #expect(one.network != other.network)
    }

    /// 50 sites: round(0.4·50) = 20 servers, round(0.2·20) = 4 A100s, one client, on distinct sites;
    /// every RTT is twice the graph's shortest delay.
    @Test func layoutPlacesServersAndClients() throws {
        let topology = ScatteredTopology(sites: 50, seed: 2)
        let layout = try #require(topology.layout())
        #expect(layout.servers.count == 20)
        #expect(layout.servers.filter { $0.maxBlocks == nil }.count == 4)
        #expect(layout.servers.filter { $0.maxBlocks == 4 }.allSatisfy { $0.memoryBytes == 8.2e9 })
        #expect(layout.clients.count == 1)
        let sites = layout.servers.map(\.site) + layout.clients.map(\.site)
        #expect(Set(sites).count == 21)
        let graph = topology.graph()
        let client = try #require(graph.sites.firstIndex(of: layout.clients[0].site))
        let delays = graph.shortestDelays(from: [client])[0]
        for server in layout.servers {
            let rtt = try #require(layout.network.rtt(from: layout.clients[0].site, to: server.site))
            let site = try #require(graph.sites.firstIndex(of: server.site))
            #expect(abs(rtt - 2 * delays[site]) < 1e-12)
        }
    }

    @Test func tooManyRolesIsAProblem() {
        #expect(ScatteredTopology(sites: 10, serverFraction: 0.9, clientFraction: 0.2).problem != nil)
        #expect(ScatteredTopology(sites: 10, serverFraction: 0.9, clientFraction: 0.2).layout() == nil)
        #expect(ScatteredTopology(sites: 10).problem == nil)
    }
}
