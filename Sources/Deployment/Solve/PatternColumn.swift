/// A replica pattern as the MILP sees it: its capacity, the per-replica figure the MILP uses, and
/// its price.
public struct PatternColumn: Sendable {
    public var pattern: ReplicaPattern
    /// One replica's SLO capacity (and what binds it).
    public var capacity: PatternCapacity
    /// Dollars per hour of one replica (nil when the pool has no price).
    public var costPerHour: Double?
    /// The replica count the per-replica figure was evaluated at (pooling: k replicas behind the
    /// router carry a little more each than one alone).
    public var pooledReplicas: Int
    /// Requests per second each replica of the column carries in the MILP: the pooled figure at
    /// `pooledReplicas`, times any correction the verification loop applied. Kept linear in the
    /// count so that the MILP stays a pure integer covering model.
    public var capacityPerReplica: Double

    public init(pattern: ReplicaPattern, capacity: PatternCapacity, costPerHour: Double?, pooledReplicas: Int = 1, capacityPerReplica: Double? = nil) {
        self.pattern = pattern
        self.capacity = capacity
        self.costPerHour = costPerHour
        self.pooledReplicas = pooledReplicas
        self.capacityPerReplica = capacityPerReplica ?? capacity.single
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
