/// A replica pattern as the MILP sees it: its capacity (after any derating) and its price.
public struct PatternColumn: Sendable {
    public var pattern: ReplicaPattern
    public var capacity: PatternCapacity
    /// Dollars per hour of one replica (nil when the pool has no price).
    public var costPerHour: Double?

    public init(pattern: ReplicaPattern, capacity: PatternCapacity, costPerHour: Double?) {
        self.pattern = pattern
        self.capacity = capacity
        self.costPerHour = costPerHour
    }

    /// True when k replicas carry k times one replica's capacity (no pooling gain to model).
    var isLinear: Bool {
        guard let low = capacity.perReplica.min(), let high = capacity.perReplica.max(), high > 0 else { return true }
        return high / max(low, 1e-12) < 1.005
    }

    /// The key a current plan's group matches a column by.
    var key: GroupKey {
        GroupKey(
            model: pattern.model, pool: pattern.pool, tp: pattern.layout.tensorParallel, pp: pattern.layout.pipelineParallel,
            role: pattern.role, maxBatch: pattern.maxBatch, chunkTokens: pattern.chunkTokens)
    }
}

/// What identifies a replica group across plans (a re-plan keeps groups with the same key).
public struct GroupKey: Sendable, Hashable {
    public var model: Int
    public var pool: Int
    public var tp: Int
    public var pp: Int
    public var role: ServingRole
    public var maxBatch: Int
    public var chunkTokens: Int
}
