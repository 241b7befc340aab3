import Planning

/// Replicas to place on nodes of one GPU type: each replica needs `gpus` GPUs on one node (tensor
/// parallelism needs NVLink), each node has `gpusPerNode`.
/// ```
/// let problem = try NodePackingProblem(replicas: [.init(name: "llama-70b", gpus: 2)], gpusPerNode: 8)
/// ```
public struct NodePackingProblem: Sendable, Equatable {
    /// One replica: a name to report it by and the GPUs it needs on one node.
    public struct Replica: Sendable, Equatable, Codable {
        public var name: String
        public var gpus: Int

        public init(name: String, gpus: Int) {
            self.name = name
            self.gpus = gpus
        }
    }

    /// Most replicas one problem may hold (the MILP has replicas × nodes binaries).
    public static let maximumReplicas = 1000

    public var replicas: [Replica]
    public var gpusPerNode: Int

    /// Checks the sizes (bad input otherwise): 1 ≤ gpus ≤ gpusPerNode for every replica, at most
    /// `maximumReplicas`.
    public init(replicas: [Replica], gpusPerNode: Int) throws(PlanningError) {
        guard gpusPerNode >= 1 else { throw .badInput("gpusPerNode must be >= 1, got \(gpusPerNode)") }
        guard replicas.count <= Self.maximumReplicas else {
            throw .badInput("at most \(Self.maximumReplicas) replicas, got \(replicas.count)")
        }
        if let bad = replicas.first(where: { !(1...gpusPerNode).contains($0.gpus) }) {
            throw .badInput("replica '\(bad.name)' needs \(bad.gpus) GPUs; a node has \(gpusPerNode)")
        }
        self.replicas = replicas
        self.gpusPerNode = gpusPerNode
    }

    /// ⌈total GPUs / GPUs per node⌉: no packing uses fewer nodes.
    public var lowerBound: Int {
        let total = replicas.reduce(0) { $0 + $1.gpus }
        return (total + gpusPerNode - 1) / gpusPerNode
    }

    /// Nodes used by first-fit decreasing: an upper bound for the optimum, and the MILP's node count.
    public var firstFitDecreasingNodes: Int {
        var free: [Int] = []
        for size in replicas.map(\.gpus).sorted(by: >) {
            if let index = free.firstIndex(where: { $0 >= size }) { free[index] -= size } else { free.append(gpusPerNode - size) }
        }
        return free.count
    }
}
