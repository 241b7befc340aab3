import ServingModel

/// The kind of a link, which sets its weight (`LinkWeights`).
public enum LinkKind: String, Sendable, Hashable, CaseIterable, Codable {
    /// GPU to its own server (NVLink/NVSwitch); weighs 0 by default, as in the paper.
    case intraNode
    /// Server to its leaf switch or router.
    case nodeUplink
    /// Leaf to spine (fat-tree).
    case spine
    /// Router to router inside a Dragonfly group.
    case local
    /// Router to router between Dragonfly groups.
    case global
    /// A link of an explicit edge list.
    case custom
}

/// Weight per link kind; a path's length is the sum of its links' weights ("hops").
public struct LinkWeights: Sendable, Hashable {
    /// Weight of each kind (a missing kind weighs 1).
    public var weights: [LinkKind: Double]

    /// Defaults: 0 inside a server, 1 for every other link.
    public init(_ weights: [LinkKind: Double] = [:]) {
        var all: [LinkKind: Double] = [.intraNode: 0]
        for kind in LinkKind.allCases where kind != .intraNode { all[kind] = 1 }
        for (kind, weight) in weights { all[kind] = weight }
        self.weights = all
    }

    /// The weight of one link of `kind`.
    public subscript(kind: LinkKind) -> Double { weights[kind] ?? 1 }
}

/// A vertex of the cluster graph.
public enum TopologyVertex: Sendable, Hashable {
    /// A GPU, in server `node`.
    case gpu(node: Int)
    /// A server (the vertex its GPUs hang off).
    case server
    /// A switch or router.
    case router
}

/// An undirected link between two vertices.
public struct TopologyEdge: Sendable, Hashable {
    /// One end (vertex index).
    public var a: Int
    /// The other end (vertex index).
    public var b: Int
    /// What the link is; its weight comes from `LinkWeights` unless `weight` overrides it.
    public var kind: LinkKind
    /// An explicit weight (explicit edge lists), or nil to use the kind's weight.
    public var weight: Double?

    /// Creates a link.
    public init(_ a: Int, _ b: Int, kind: LinkKind, weight: Double? = nil) {
        self.a = a
        self.b = b
        self.kind = kind
        self.weight = weight
    }
}

/// A cluster as an undirected weighted graph of GPUs, servers and switches.
///
/// GPUs are numbered in vertex order (GPU i is the i-th `.gpu` vertex); `node(ofGPU:)` gives the
/// server each GPU sits in. Distances between GPUs are weighted shortest paths.
public struct ClusterTopology: Sendable {
    /// A short description ("dragonfly 4×4×8, 2 of 6 global links dropped").
    public var label: String
    /// All vertices.
    public var vertices: [TopologyVertex]
    /// All links.
    public var edges: [TopologyEdge]
    /// Weights of the link kinds.
    public var weights: LinkWeights

    /// Creates a topology; `gpuDistances()` checks it.
    public init(label: String, vertices: [TopologyVertex], edges: [TopologyEdge], weights: LinkWeights = LinkWeights()) {
        self.label = label
        self.vertices = vertices
        self.edges = edges
        self.weights = weights
    }

    /// Vertex index of each GPU, in GPU order.
    public var gpuVertices: [Int] {
        vertices.indices.filter { if case .gpu = vertices[$0] { return true } else { return false } }
    }

    /// Number of GPUs.
    public var gpuCount: Int { gpuVertices.count }

    /// The server index of each GPU, in GPU order.
    public var gpuNodes: [Int] {
        gpuVertices.map { if case let .gpu(node) = vertices[$0] { return node } else { return -1 } }
    }

    /// The weight of one edge.
    public func weight(of edge: TopologyEdge) -> Double { edge.weight ?? weights[edge.kind] }

    /// GPU-to-GPU shortest-path distances; throws when two GPUs are not connected, a weight is
    /// negative or an edge names a missing vertex.
    public func gpuDistances() throws(PlacementError) -> DistanceMatrix {
        let gpus = gpuVertices
        guard !gpus.isEmpty else { throw PlacementError("the topology has no GPUs") }
        var adjacency = [[(vertex: Int, weight: Double)]](repeating: [], count: vertices.count)
        for edge in edges {
            guard vertices.indices.contains(edge.a), vertices.indices.contains(edge.b) else {
                throw PlacementError("edge \(edge.a)–\(edge.b) names a vertex outside 0..<\(vertices.count)")
            }
            let w = weight(of: edge)
            guard w >= 0, w.isFinite else { throw PlacementError("edge \(edge.a)–\(edge.b) has weight \(w); weights must be finite and ≥ 0") }
            adjacency[edge.a].append((edge.b, w))
            adjacency[edge.b].append((edge.a, w))
        }
        var rows: [[Double]] = []
        rows.reserveCapacity(gpus.count)
        for source in gpus {
            let all = ShortestPaths.dijkstra(adjacency: adjacency, from: source)
            let row = gpus.map { all[$0] }
            if let far = row.firstIndex(where: { !$0.isFinite }) {
                let reached = row.filter(\.isFinite).count
                throw PlacementError(
                    "the topology is disconnected: GPU \(far) cannot be reached from GPU \(rows.count) "
                        + "(\(reached) of \(gpus.count) GPUs reachable)")
            }
            rows.append(row)
        }
        return DistanceMatrix(rows: rows, nodeOfGPU: gpuNodes)
    }
}

/// Distances between GPUs (`rows[s][g]`), with the server of each GPU.
public struct DistanceMatrix: Sendable, Hashable {
    /// `rows[s][g]`: weighted hops from GPU s to GPU g.
    public var rows: [[Double]]
    /// Server index of each GPU.
    public var nodeOfGPU: [Int]

    /// Wraps a matrix; `nodeOfGPU` defaults to one GPU per server.
    public init(rows: [[Double]], nodeOfGPU: [Int]? = nil) {
        self.rows = rows
        self.nodeOfGPU = nodeOfGPU ?? Array(rows.indices)
    }

    /// Number of GPUs.
    public var count: Int { rows.count }

    /// Distance from GPU s to GPU g.
    public subscript(s: Int, g: Int) -> Double { rows[s][g] }

    /// Number of distinct servers.
    public var nodeCount: Int { Set(nodeOfGPU).count }
}
