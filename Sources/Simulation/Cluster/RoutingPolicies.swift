import ServingModel

/// Sends arrivals to replicas in turn.
public struct RoundRobinRouting: ClusterPolicy {
    public let name = "round-robin"
    private var next = 0

    public init() {}

    public mutating func route(_ request: RequestInfo, load: ClusterLoad) -> Int? {
        defer { next = (next + 1) % load.count }
        return next
    }
}

/// Sends each arrival to a uniformly random replica.
public struct RandomRouting: ClusterPolicy {
    public let name = "random"
    private var random: SeededRandom

    public init(seed: UInt64) { random = SeededRandom(seed: seed) }

    public mutating func route(_ request: RequestInfo, load: ClusterLoad) -> Int? {
        random.integer(in: 0...(load.count - 1))
    }
}

/// Sends each arrival to the replica with the fewest queued + running requests (lowest index on ties).
public struct LeastOutstandingRouting: ClusterPolicy {
    public let name = "least-outstanding"

    public init() {}

    public mutating func route(_ request: RequestInfo, load: ClusterLoad) -> Int? {
        var best = 0
        for index in 1..<load.count where load.outstanding[index] < load.outstanding[best] { best = index }
        return best
    }
}

/// Sends each arrival to the replica with the lowest KV-cache utilisation (lowest index on ties).
public struct LeastKVUsageRouting: ClusterPolicy {
    public let name = "least-kv"

    public init() {}

    public mutating func route(_ request: RequestInfo, load: ClusterLoad) -> Int? {
        var best = 0
        var bestUse = Double(load.kvUsed[0]) / Double(load.kvCapacity[0])
        for index in 1..<load.count {
            let use = Double(load.kvUsed[index]) / Double(load.kvCapacity[index])
            if use < bestUse || (use == bestUse && load.outstanding[index] < load.outstanding[best]) {
                best = index
                bestUse = use
            }
        }
        return best
    }
}

/// Samples two distinct replicas at random and sends the arrival to the one with fewer outstanding
/// requests (Mitzenmacher's power of two choices).
public struct PowerOfTwoRouting: ClusterPolicy {
    public let name = "power-of-two"
    private var random: SeededRandom

    public init(seed: UInt64) { random = SeededRandom(seed: seed) }

    public mutating func route(_ request: RequestInfo, load: ClusterLoad) -> Int? {
        guard load.count > 1 else { return 0 }
        let first = random.integer(in: 0...(load.count - 1))
        var second = random.integer(in: 0...(load.count - 2))
        if second >= first { second += 1 }
        return load.outstanding[second] < load.outstanding[first] ? second : first
    }
}

/// Holds every arrival in one cluster-wide FCFS queue and sends the oldest to a replica only when
/// that replica has a free batch slot (the one with the fewest outstanding requests). With batch
/// size 1 this is exactly an M/M/c (or G/G/c) queue.
public struct CentralQueueRouting: ClusterPolicy {
    public let name = "central-queue"

    public init() {}

    public mutating func route(_ request: RequestInfo, load: ClusterLoad) -> Int? {
        load.held > 0 ? nil : freeReplica(load)
    }

    public mutating func dispatchHeld(_ candidates: [RequestInfo], load: ClusterLoad) -> (candidate: Int, replica: Int)? {
        guard let replica = freeReplica(load) else { return nil }
        // The oldest head-of-line request: FCFS across classes.
        guard let oldest = candidates.indices.min(by: { candidates[$0].arrivalTime < candidates[$1].arrivalTime }) else {
            return nil
        }
        return (oldest, replica)
    }

    private func freeReplica(_ load: ClusterLoad) -> Int? {
        var best: Int?
        for index in 0..<load.count where load.hasFreeSlot(index) {
            if let current = best, load.outstanding[current] <= load.outstanding[index] { continue }
            best = index
        }
        return best
    }
}

/// The routing policies the CLI offers by name.
public enum RoutingPolicyName: String, CaseIterable, Sendable {
    case roundRobin = "round-robin"
    case random
    case leastOutstanding = "least-outstanding"
    case leastKV = "least-kv"
    case powerOfTwo = "power-of-two"
    case centralQueue = "central-queue"
}
