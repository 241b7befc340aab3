import ServingModel

/// The work a simulation is about to do, estimated before it starts and checked against the
/// command's `WorkLimits`.
///
/// Requests: the expected arrivals of every run. Routing cost: least-outstanding, least-kv and
/// central-queue look at every replica for each request; at roughly 1 ns per replica looked at,
/// `replicasPerRequestCost` replicas cost about as much as simulating the request itself (2–6 µs in
/// `gpusched bench simulator`), so their estimate counts requests × (1 + replicas / 4096). Memory: the simulator holds only what is in flight, but an
/// overloaded fleet can hold every arrival of a run at once, so the estimate is one run's arrivals
/// × `bytesPerRequest` plus `bytesPerReplica` per replica.
public struct SimulationWork: Sendable {
    /// Replicas whose scan costs about as much as simulating one request.
    public static let replicasPerRequestCost = 4096.0
    /// Memory of one request in flight: its record, slot, queue entries and events.
    public static let bytesPerRequest = 256.0
    /// Memory of one replica: its configuration, scheduler state and load entries.
    public static let bytesPerReplica = 2048.0

    /// Expected arrivals of one run.
    public var requestsPerRun: Double
    /// Runs (seeds, or seeds × iteration models in the benchmark).
    public var runs: Int
    public var replicas: Int
    public var policy: RoutingPolicyName
    /// Memory already held for the whole command (a trace read up front).
    public var fixedBytes: Double = 0
    /// How the requests were counted, for the refusal.
    public var counted: String

    /// Rate × horizon × seeds, as a scenario's work is counted.
    public static let scenarioCount = "Σ arrivalRate × horizon × seeds, + 2 + burstiness² per class"

    public init(
        requestsPerRun: Double, runs: Int, replicas: Int, policy: RoutingPolicyName, fixedBytes: Double = 0,
        counted: String = SimulationWork.scenarioCount
    ) {
        self.requestsPerRun = requestsPerRun
        self.runs = runs
        self.replicas = replicas
        self.policy = policy
        self.fixedBytes = fixedBytes
        self.counted = counted
    }

    /// True for the policies that look at every replica when they route.
    var scansReplicas: Bool { [.leastOutstanding, .leastKV, .centralQueue].contains(policy) }

    /// Throws the one-line refusal when the estimate is over `limits`; `path` names what drives it.
    public func check(_ limits: WorkLimits, at path: String) throws(ScenarioError) {
        let requests = requestsPerRun * Double(runs)
        if scansReplicas && replicas > 64 {
            let factor = 1 + Double(replicas) / Self.replicasPerRequestCost
            try limits.check(
                requests: requests * factor,
                what: "request-equivalents (\(counted), × (1 + replicas/\(Int(Self.replicasPerRequestCost))): "
                    + "\(policy.rawValue) looks at all \(replicas) replicas for each request)", at: path)
        } else {
            try limits.check(requests: requests, what: "simulated requests (\(counted))", at: path)
        }
        let bytes = fixedBytes + requestsPerRun * Self.bytesPerRequest + Double(replicas) * Self.bytesPerReplica
        try limits.check(memoryBytes: bytes, what: "the simulation (one run's requests in flight at worst)", at: path)
    }

    /// Expected arrivals of synthetic classes before `horizon`: rate × horizon, plus 2 + cv² per class
    /// (Lorden's bound on a renewal process, which matters for very bursty gaps).
    public static func expectedArrivals(of classes: [RequestClass], horizon: Double) -> Double {
        classes.reduce(0) { total, requestClass in
            let cv: Double
            switch requestClass.arrivals {
            case .poisson: cv = 1
            case let .gamma(_, variation): cv = variation
            }
            return total + requestClass.arrivals.rate * horizon + 2 + cv * cv
        }
    }
}

extension SimulateScenario {
    /// The work of running this scenario (its seeds, replicas, policy and workload).
    public var work: SimulationWork {
        switch workload {
        case let .synthetic(classes):
            return SimulationWork(
                requestsPerRun: SimulationWork.expectedArrivals(of: classes, horizon: horizon), runs: seeds.count,
                replicas: replicas.count, policy: policy)
        case let .trace(_, requests, _):
            let rows = Double(requests.count)
            return SimulationWork(
                requestsPerRun: Double(requests.prefix { $0.arrivalTime < horizon }.count), runs: seeds.count,
                replicas: replicas.count, policy: policy, fixedBytes: rows * Double(MemoryLayout<Request>.stride),
                counted: "trace requests before the horizon × seeds")
        }
    }
}
