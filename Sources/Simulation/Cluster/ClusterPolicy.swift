/// What a policy sees of a request.
public struct RequestInfo: Sendable {
    public var id: Int
    public var classIndex: Int
    public var arrivalTime: Double
    public var promptTokens: Int
    public var outputTokens: Int
}

/// Where a request goes to decode once its prefill has finished.
public enum DecodePlacement: Sendable, Hashable {
    /// Keep decoding on the replica that ran the prefill (the usual engine).
    case stay
    /// Move to another replica (its KV cache travels with it: instantly, or over the network of a
    /// disaggregated fleet, `Disaggregation`).
    case replica(Int)
    /// Wait in the cluster's decode buffer until `dispatchDecode` places it.
    case buffer
}

/// The load of every replica, kept current by the simulator and read by policies.
public struct ClusterLoad: Sendable {
    /// Requests queued, running or arriving to decode (KV transfers in flight included), per replica.
    public internal(set) var outstanding: [Int]
    /// Requests running (admitted to the batch) per replica.
    public internal(set) var running: [Int]
    /// Admitted requests still prefilling, per replica.
    public internal(set) var prefilling: [Int]
    /// Decoding streams, including those moved here and not yet admitted, per replica.
    public internal(set) var decoding: [Int]
    /// KV-cache tokens in use per replica.
    public internal(set) var kvUsed: [Int]
    /// KV-cache capacity per replica.
    public let kvCapacity: [Int]
    /// Batch size (B) per replica.
    public let batchSize: [Int]
    /// Role of each replica.
    public let roles: [ReplicaRole]
    /// Requests held at the cluster (not yet routed), total and per class.
    public internal(set) var held: Int
    public internal(set) var heldPerClass: [Int]
    /// Prefilled requests waiting in the cluster's decode buffer, per class.
    public internal(set) var bufferedPerClass: [Int]

    /// Number of replicas.
    public var count: Int { outstanding.count }

    /// True when replica `index` would admit one more request at its next iteration.
    public func hasFreeSlot(_ index: Int) -> Bool { outstanding[index] < batchSize[index] }

    /// True when a mixed replica's reserved prefill slot is idle.
    public func hasFreePrefillSlot(_ index: Int) -> Bool {
        switch roles[index] {
        case .mixed: return prefilling[index] == 0
        case .general, .prefill: return hasFreeSlot(index)
        case .solo, .decode: return false
        }
    }

    /// True when replica `index` can take one more decoding stream (B − 1 on a mixed replica, B otherwise).
    public func hasFreeDecodeSlot(_ index: Int) -> Bool {
        switch roles[index] {
        case .mixed: return decoding[index] < batchSize[index] - 1
        case .solo: return decoding[index] < batchSize[index]
        case .general, .decode: return hasFreeSlot(index)
        case .prefill: return false
        }
    }
}

/// Cluster-level admission and routing, called by the simulator at its hooks.
///
/// A policy routes each arrival to a replica or holds it at the cluster (one FCFS queue per class).
/// Whenever capacity may have freed (an iteration ended), the simulator first offers the decode
/// buffer (`dispatchDecode`), then the held requests (`dispatchHeld`), each time with the
/// head-of-line request of every class that has one, until the policy declines. When a prefill
/// finishes, `placeDecode` decides where the request decodes. Implementations are value types
/// owned by one simulation run.
public protocol ClusterPolicy {
    /// A stable name for reports and the CLI (`least-outstanding`, ...).
    var name: String { get }

    /// Called on each arrival: the replica to queue the request on, or nil to hold it.
    mutating func route(_ request: RequestInfo, load: ClusterLoad) -> Int?

    /// Offered the head-of-line held request of each class that has one (in class order): which
    /// candidate to send to which replica, or nil to keep holding them all.
    mutating func dispatchHeld(_ candidates: [RequestInfo], load: ClusterLoad) -> (candidate: Int, replica: Int)?

    /// Called when a request's prefill finishes on `replica` (and it still has tokens to decode).
    mutating func placeDecode(_ request: RequestInfo, prefilledOn replica: Int, load: ClusterLoad) -> DecodePlacement

    /// Offered the head-of-line buffered decode of each class that has one: which to place where,
    /// or nil to keep them buffered.
    mutating func dispatchDecode(_ candidates: [RequestInfo], load: ClusterLoad) -> (candidate: Int, replica: Int)?

    /// Called when a request completes on a replica.
    mutating func didComplete(_ request: RequestInfo, replica: Int, load: ClusterLoad)
}

extension ClusterPolicy {
    public mutating func dispatchHeld(_ candidates: [RequestInfo], load: ClusterLoad) -> (candidate: Int, replica: Int)? { nil }
    public mutating func placeDecode(_ request: RequestInfo, prefilledOn replica: Int, load: ClusterLoad) -> DecodePlacement { .stay }
    public mutating func dispatchDecode(_ candidates: [RequestInfo], load: ClusterLoad) -> (candidate: Int, replica: Int)? { nil }
    public mutating func didComplete(_ request: RequestInfo, replica: Int, load: ClusterLoad) {}
}
