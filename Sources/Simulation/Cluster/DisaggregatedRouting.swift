import ServingModel

/// The global scheduler of a prefill/decode-disaggregated fleet: a routing policy chooses the
/// prefill replica among the `prefill` replicas only, and a `DecodePolicyName` chooses the decode
/// replica among the `decode` replicas when the prefill ends (the engine then sends the KV cache
/// over the network, `KVTransferNetwork`).
///
/// The prefill-side policy sees a `ClusterLoad` restricted to the prefill replicas (indices
/// 0..<P, mapped back here), refreshed in place before each decision: O(P) copies and no
/// allocation per arrival. A request preempted on a decode replica re-prefills there and stays.
///
/// ```swift
/// let policy = DisaggregatedRouting(prefill: LeastOutstandingRouting(), decode: .leastKV, replicas: configuration.replicas)
/// let report = Simulator(configuration: configuration, policy: policy, seed: 1).run(&source)
/// ```
public struct DisaggregatedRouting<Prefill: ClusterPolicy>: ClusterPolicy {
    /// The prefill-side policy's name (the decode side's is in the report's `transfers`).
    public let name: String
    private var prefill: Prefill
    private let decode: DecodePolicyName
    /// Fleet indices of the prefill replicas, and of the decode replicas.
    private let prefillReplicas: [Int]
    private let decodeReplicas: [Int]
    /// The load of the prefill replicas alone, as the prefill-side policy sees it.
    private var view: ClusterLoad
    private var nextDecode = 0

    /// Combines `prefill` (restricted to the replicas whose role is `.prefill`) with `decode`
    /// (among those whose role is `.decode`).
    public init(prefill: Prefill, decode: DecodePolicyName, replicas: [ReplicaConfiguration]) {
        self.prefill = prefill
        self.decode = decode
        name = prefill.name
        prefillReplicas = replicas.indices.filter { replicas[$0].role == .prefill }
        decodeReplicas = replicas.indices.filter { replicas[$0].role == .decode }
        let zeros = [Int](repeating: 0, count: prefillReplicas.count)
        view = ClusterLoad(
            outstanding: zeros, running: zeros, prefilling: zeros, decoding: zeros, kvUsed: zeros,
            kvCapacity: prefillReplicas.map { replicas[$0].kvCapacityTokens },
            batchSize: prefillReplicas.map { replicas[$0].batchSize }, roles: prefillReplicas.map { _ in .general },
            held: 0, heldPerClass: [], bufferedPerClass: [])
    }

    public mutating func route(_ request: RequestInfo, load: ClusterLoad) -> Int? {
        refreshView(load)
        return prefill.route(request, load: view).map { prefillReplicas[$0] }
    }

    public mutating func dispatchHeld(_ candidates: [RequestInfo], load: ClusterLoad) -> (candidate: Int, replica: Int)? {
        refreshView(load)
        return prefill.dispatchHeld(candidates, load: view).map { ($0.candidate, prefillReplicas[$0.replica]) }
    }

    public mutating func placeDecode(_ request: RequestInfo, prefilledOn replica: Int, load: ClusterLoad) -> DecodePlacement {
        guard load.roles[replica] == .prefill, !decodeReplicas.isEmpty else { return .stay }
        return .replica(chooseDecode(load))
    }

    /// The decode replica for the next prefilled request (lowest index on ties).
    private mutating func chooseDecode(_ load: ClusterLoad) -> Int {
        switch decode {
        case .roundRobin:
            defer { nextDecode = (nextDecode + 1) % decodeReplicas.count }
            return decodeReplicas[nextDecode]
        case .leastOutstanding:
            var best = decodeReplicas[0]
            for index in decodeReplicas.dropFirst() where load.outstanding[index] < load.outstanding[best] { best = index }
            return best
        case .leastKV:
            var best = decodeReplicas[0]
            var bestUse = Double(load.kvUsed[best]) / Double(load.kvCapacity[best])
            for index in decodeReplicas.dropFirst() {
                let use = Double(load.kvUsed[index]) / Double(load.kvCapacity[index])
                if use < bestUse || (use == bestUse && load.outstanding[index] < load.outstanding[best]) {
                    best = index
                    bestUse = use
                }
            }
            return best
        }
    }

    private mutating func refreshView(_ load: ClusterLoad) {
        for (position, index) in prefillReplicas.enumerated() {
            view.outstanding[position] = load.outstanding[index]
            view.running[position] = load.running[index]
            view.prefilling[position] = load.prefilling[index]
            view.decoding[position] = load.decoding[index]
            view.kvUsed[position] = load.kvUsed[index]
        }
        view.held = load.held
        view.heldPerClass = load.heldPerClass
        view.bufferedPerClass = load.bufferedPerClass
    }
}

/// How a disaggregated fleet chooses the decode replica of a prefilled request (scenario key
/// `decodePolicy`). Caches in flight count as outstanding on their decode replica, not as decoding.
public enum DecodePolicyName: String, CaseIterable, Sendable, Hashable {
    /// The decode replica with the fewest queued, running and arriving requests.
    case leastOutstanding = "least-outstanding"
    /// The decode replica with the lowest KV-cache utilisation (fewest outstanding on ties).
    case leastKV = "least-kv"
    /// Decode replicas in turn.
    case roundRobin = "round-robin"
}

extension RoutingPolicyName {
    /// Runs one seeded simulation of a disaggregated fleet: this policy on the prefill side,
    /// `disaggregation.decodePolicy` on the decode side.
    func simulateDisaggregated(
        _ configuration: SimulationConfiguration, decode: DecodePolicyName, source: inout some RequestSource,
        seed: UInt64, policySeed: UInt64
    ) -> SimulationReport {
        func run(_ prefill: some ClusterPolicy) -> SimulationReport {
            let policy = DisaggregatedRouting(prefill: prefill, decode: decode, replicas: configuration.replicas)
            return Simulator(configuration: configuration, policy: policy, seed: seed).run(&source)
        }
        switch self {
        case .roundRobin: return run(RoundRobinRouting())
        case .random: return run(RandomRouting(seed: policySeed))
        case .leastOutstanding: return run(LeastOutstandingRouting())
        case .leastKV: return run(LeastKVUsageRouting())
        case .powerOfTwo: return run(PowerOfTwoRouting(seed: policySeed))
        case .centralQueue: return run(CentralQueueRouting())
        }
    }
}
