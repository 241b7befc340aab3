import Testing
@testable import ExpertPlacement

@Suite struct TopologyTests {
    /// A–S 1, S–B 2, A–C 5, C–B 1: A→B = 3 via S, A→C = 4 via S and B, B→C = 1; GPUs of one server are 0 apart.
    @Test func shortestPathsOnAHandGraph() throws {
        let topology = ClusterTopology.explicit(
            servers: ["A", "B", "C"], gpusPerNode: 2,
            links: [("A", "S", 1), ("S", "B", 2), ("A", "C", 5), ("C", "B", 1)])
        let d = try topology.gpuDistances()
        #expect(d.count == 6)
        #expect(d.nodeOfGPU == [0, 0, 1, 1, 2, 2])
        #expect(d[0, 1] == 0)
        #expect(d[0, 2] == 3)
        #expect(d[1, 4] == 4)
        #expect(d[3, 5] == 1)
        #expect(d[5, 0] == 4)
        #expect(d.nodeCount == 3)
    }

    @Test func disconnectedTopologyIsRejected() {
        let topology = ClusterTopology.explicit(servers: ["A", "B", "C"], gpusPerNode: 1, links: [("A", "B", 1)])
        #expect(throws: PlacementError.self) { try topology.gpuDistances() }
        do {
            _ = try topology.gpuDistances()
        } catch {
            #expect(error.message.contains("disconnected"))
            #expect(error.message.contains("2 of 3 GPUs"))
        }
    }

    /// Two groups of two routers, one global link between router 1 of group 0 and router 0 of group 1.
    @Test func dragonflyDistances() throws {
        let d = try ClusterTopology.dragonfly(groups: 2, nodesPerGroup: 2, gpusPerNode: 1).gpuDistances()
        // GPU order: (g0,r0), (g0,r1), (g1,r0), (g1,r1). Uplink + local/global links + downlink.
        #expect(d.rows == [[0, 3, 4, 5], [3, 0, 3, 4], [4, 3, 0, 3], [5, 4, 3, 0]])
        let dropped = ClusterTopology.dragonfly(groups: 2, nodesPerGroup: 2, gpusPerNode: 1, drop: 1)
        #expect(throws: PlacementError.self) { try dropped.gpuDistances() }
    }

    @Test func sparseDragonflyDropsTheRoundedShareOfGlobalLinks() {
        let full = ClusterTopology.dragonfly(groups: 4, nodesPerGroup: 4, gpusPerNode: 8)
        let sparse = ClusterTopology.dragonfly(groups: 4, nodesPerGroup: 4, gpusPerNode: 8, drop: 0.3, seed: 1)
        let globals = { (t: ClusterTopology) in t.edges.filter { $0.kind == .global }.count }
        #expect(globals(full) == 6)
        #expect(globals(sparse) == 4)
        #expect(sparse.label.contains("2 of 6"))
    }

    @Test func fatTreeDistancesAndLinkWeights() throws {
        let d = try ClusterTopology.fatTree(gpusPerNode: 2, nodesPerLeaf: 2, leaves: 2, spines: 2).gpuDistances()
        #expect(d[0, 1] == 0)
        #expect(d[0, 2] == 2)
        #expect(d[0, 4] == 4)
        let heavy = ClusterTopology.fatTree(
            gpusPerNode: 2, nodesPerLeaf: 2, leaves: 2, spines: 1, weights: LinkWeights([.spine: 3, .intraNode: 0.5]))
        let h = try heavy.gpuDistances()
        #expect(h[0, 1] == 1)
        #expect(h[0, 4] == 1 + 8)
    }
}
