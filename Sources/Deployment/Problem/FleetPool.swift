import ServingModel

/// GPUs of one type the plan may use: an upper bound on the count, the node size and a price.
/// ```
/// let pool = FleetPool(gpu: h100, count: 64, gpusPerNode: 8, pricePerHour: 2.50)
/// print(pool.nodeCapacities)   // [8, 8, 8, 8, 8, 8, 8, 8]
/// ```
public struct FleetPool: Sendable, Hashable {
    public var gpu: GPUSpec
    /// Most GPUs of the type (not necessarily a whole number of nodes).
    public var count: Int
    public var gpusPerNode: Int
    /// Dollars per GPU-hour; nil when the fleet gives no price.
    public var pricePerHour: Double?
    /// Bytes per second one GPU's network interface moves (KV-cache transfers between nodes).
    public var networkBandwidth: Double

    public init(gpu: GPUSpec, count: Int, gpusPerNode: Int, pricePerHour: Double? = nil, networkBandwidth: Double? = nil) {
        self.gpu = gpu
        self.count = count
        self.gpusPerNode = gpusPerNode
        self.pricePerHour = pricePerHour
        self.networkBandwidth = networkBandwidth ?? gpu.networkBandwidth
    }

    /// GPUs of each node: full nodes, then the remainder (a partial node) if any.
    public var nodeCapacities: [Int] {
        let full = count / gpusPerNode
        let rest = count % gpusPerNode
        return Array(repeating: gpusPerNode, count: full) + (rest > 0 ? [rest] : [])
    }

    /// GPUs usable by items of `size` GPUs each (each node holds ⌊capacity / size⌋ of them): with
    /// sizes that divide one another (powers of two), a set of items fits the nodes exactly when,
    /// for every size s, the GPUs of items of size ≥ s are at most this figure for s.
    public func usableGPUs(forItemsOf size: Int) -> Int {
        guard size >= 1 else { return count }
        return nodeCapacities.reduce(0) { $0 + ($1 / size) * size }
    }
}
