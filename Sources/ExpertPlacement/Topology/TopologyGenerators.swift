import ServingModel

/// Builders for common cluster shapes. Each server holds `gpusPerNode` GPUs joined by
/// `.intraNode` links (weight 0 by default).
extension ClusterTopology {
    /// A two-level fat-tree: servers hang off leaf switches, every leaf links to every spine.
    public static func fatTree(
        gpusPerNode: Int, nodesPerLeaf: Int, leaves: Int, spines: Int, weights: LinkWeights = LinkWeights()
    ) -> ClusterTopology {
        var builder = TopologyBuilder()
        let leafVertices = (0..<leaves).map { _ in builder.addRouter() }
        let spineVertices = (0..<spines).map { _ in builder.addRouter() }
        for leaf in leafVertices {
            for _ in 0..<nodesPerLeaf {
                let server = builder.addServer(gpus: gpusPerNode)
                builder.link(server, leaf, .nodeUplink)
            }
            for spine in spineVertices { builder.link(leaf, spine, .spine) }
        }
        return builder.topology(
            label: "fat-tree \(leaves) leaves × \(nodesPerLeaf) nodes × \(gpusPerNode) GPUs, \(spines) spines", weights: weights)
    }

    /// A Dragonfly: `groups` groups of `nodesPerGroup` routers (one server each), all-to-all local
    /// links inside a group, `globalLinksPerPair` global links between every pair of groups
    /// (link k of pair (a, b) joins router (b + k) mod n of group a and router (a + k) mod n of group b).
    /// A sparse Dragonfly drops `round(drop × links)` global links chosen with `seed`; a topology
    /// left disconnected is rejected by `gpuDistances()`.
    public static func dragonfly(
        groups: Int, nodesPerGroup: Int, gpusPerNode: Int, globalLinksPerPair: Int = 1, drop: Double = 0, seed: UInt64 = 1,
        weights: LinkWeights = LinkWeights()
    ) -> ClusterTopology {
        var builder = TopologyBuilder()
        var routers: [[Int]] = []
        for _ in 0..<groups {
            var group: [Int] = []
            for _ in 0..<nodesPerGroup {
                let router = builder.addRouter()
                let server = builder.addServer(gpus: gpusPerNode)
                builder.link(server, router, .nodeUplink)
                group.append(router)
            }
            for i in 0..<nodesPerGroup {
                for j in (i + 1)..<max(i + 1, nodesPerGroup) { builder.link(group[i], group[j], .local) }
            }
            routers.append(group)
        }
        var global: [(Int, Int)] = []
        for a in 0..<groups {
            for b in (a + 1)..<max(a + 1, groups) {
                for k in 0..<globalLinksPerPair {
                    global.append((routers[a][(b + k) % nodesPerGroup], routers[b][(a + k) % nodesPerGroup]))
                }
            }
        }
        let dropped = Int((drop * Double(global.count)).rounded())
        var random = SeededRandom(seed: seed)
        var order = Array(global.indices)
        for i in stride(from: order.count - 1, to: 0, by: -1) { order.swapAt(i, random.integer(in: 0...i)) }
        let removed = Set(order.prefix(dropped))
        for (index, link) in global.enumerated() where !removed.contains(index) { builder.link(link.0, link.1, .global) }
        let shape = "\(groups) groups × \(nodesPerGroup) nodes × \(gpusPerNode) GPUs"
        return builder.topology(
            label: dropped == 0 ? "dragonfly \(shape)" : "sparse dragonfly \(shape), \(dropped) of \(global.count) global links dropped",
            weights: weights)
    }

    /// An explicit graph: `servers` names the servers (each with `gpusPerNode` GPUs); any other
    /// name in `links` is a switch. Each link has its own weight.
    public static func explicit(
        servers: [String], gpusPerNode: Int, links: [(from: String, to: String, weight: Double)],
        weights: LinkWeights = LinkWeights()
    ) -> ClusterTopology {
        var builder = TopologyBuilder()
        var vertexOf: [String: Int] = [:]
        for name in servers { vertexOf[name] = builder.addServer(gpus: gpusPerNode) }
        for link in links {
            for name in [link.from, link.to] where vertexOf[name] == nil { vertexOf[name] = builder.addRouter() }
            builder.link(vertexOf[link.from]!, vertexOf[link.to]!, .custom, weight: link.weight)
        }
        return builder.topology(label: "explicit graph, \(servers.count) servers × \(gpusPerNode) GPUs", weights: weights)
    }
}

/// Accumulates vertices and links; servers get their GPUs and `.intraNode` links on creation.
struct TopologyBuilder {
    private(set) var vertices: [TopologyVertex] = []
    private(set) var edges: [TopologyEdge] = []
    private var servers = 0

    mutating func addRouter() -> Int {
        vertices.append(.router)
        return vertices.count - 1
    }

    mutating func addServer(gpus: Int) -> Int {
        vertices.append(.server)
        let server = vertices.count - 1
        for _ in 0..<gpus {
            vertices.append(.gpu(node: servers))
            edges.append(TopologyEdge(vertices.count - 1, server, kind: .intraNode))
        }
        servers += 1
        return server
    }

    mutating func link(_ a: Int, _ b: Int, _ kind: LinkKind, weight: Double? = nil) {
        edges.append(TopologyEdge(a, b, kind: kind, weight: weight))
    }

    func topology(label: String, weights: LinkWeights) -> ClusterTopology {
        ClusterTopology(label: label, vertices: vertices, edges: edges, weights: weights)
    }
}
