import Planning

/// Where each replica goes: node indices from 0, the node count and the bound it is measured against.
public struct NodePackingPlan: Sendable, Encodable, Equatable {
    /// One replica on one node (node -1 when the solve found no packing).
    public struct Placement: Sendable, Encodable, Equatable {
        public var name: String
        public var gpus: Int
        public var node: Int
    }

    public var gpusPerNode: Int
    /// Nodes used (null when the solve found no packing).
    @Nullable public var nodes: Int?
    /// ⌈total GPUs / GPUs per node⌉, a bound no packing can beat.
    public var lowerBound: Int
    public var placements: [Placement]

    /// Placements grouped by node, nodes in order.
    public var byNode: [(node: Int, placements: [Placement])] {
        Dictionary(grouping: placements, by: \.node).sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }
}
