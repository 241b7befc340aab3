/// What a policy sees of a request.
public struct RequestInfo: Sendable {
    public var id: Int
    public var classIndex: Int
    public var arrivalTime: Double
    public var promptTokens: Int
    public var outputTokens: Int
}

/// The load of every replica, kept current by the simulator and read by policies.
public struct ClusterLoad: Sendable {
    /// Requests queued or running per replica.
    public internal(set) var outstanding: [Int]
    /// Requests running (admitted to the batch) per replica.
    public internal(set) var running: [Int]
    /// KV-cache tokens in use per replica.
    public internal(set) var kvUsed: [Int]
    /// KV-cache capacity per replica.
    public let kvCapacity: [Int]
    /// Batch size (B) per replica.
    public let batchSize: [Int]
    /// Requests held at the cluster (not yet routed).
    public internal(set) var held: Int

    /// Number of replicas.
    public var count: Int { outstanding.count }

    /// True when replica `index` would admit one more request at its next iteration.
    public func hasFreeSlot(_ index: Int) -> Bool { outstanding[index] < batchSize[index] }
}

/// Cluster-level admission and routing, called by the simulator at its hooks.
///
/// A policy routes each arrival to a replica or holds it at the cluster; held requests are offered
/// again, oldest first, whenever capacity frees up (an iteration ends). Implementations are value
/// types owned by one simulation run.
public protocol ClusterPolicy {
    /// A stable name for reports and the CLI (`least-outstanding`, ...).
    var name: String { get }

    /// Called on each arrival: the replica to queue the request on, or nil to hold it.
    mutating func route(_ request: RequestInfo, load: ClusterLoad) -> Int?

    /// Called for the oldest held request after capacity may have freed: the replica to send it to,
    /// or nil to keep holding it (the simulator then stops offering held requests until the next hook).
    mutating func dispatchHeld(_ request: RequestInfo, load: ClusterLoad) -> Int?

    /// Called when a request completes on a replica.
    mutating func didComplete(_ request: RequestInfo, replica: Int, load: ClusterLoad)
}

extension ClusterPolicy {
    public mutating func dispatchHeld(_ request: RequestInfo, load: ClusterLoad) -> Int? { nil }
    public mutating func didComplete(_ request: RequestInfo, replica: Int, load: ClusterLoad) {}
}
