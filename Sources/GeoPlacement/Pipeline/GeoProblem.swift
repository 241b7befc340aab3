/// The typed input of `GeoPlanner`: the instance, |R|, the methods to compare and the MILP's time limit.
/// ```
/// let problem = GeoProblem(scenario, milpTimeLimit: 60)   // |R| by the paper's rule unless the scenario sets it
/// ```
public struct GeoProblem: Sendable {
    public var instance: GeoInstance
    /// |R|, the concurrency CG-BP plans for (`GeoPlanning.plannedRequests`).
    public var plannedRequests: Int
    /// The scenario's methods, in its order (`milp` adds the MILP baseline).
    public var methods: [GeoMethod]
    /// Seed of PETALS' random join order (the scenario's `workload.seed`).
    public var petalsSeed: UInt64
    /// Seconds the MILP may run.
    public var milpTimeLimit: Double

    public init(instance: GeoInstance, plannedRequests: Int, methods: [GeoMethod], petalsSeed: UInt64, milpTimeLimit: Double = 60) {
        self.instance = instance
        self.plannedRequests = plannedRequests
        self.methods = methods
        self.petalsSeed = petalsSeed
        self.milpTimeLimit = milpTimeLimit
    }

    /// The problem of `scenario`, |R| from `GeoPlanning.plannedRequests(_:)`.
    public init(_ scenario: GeoScenario, milpTimeLimit: Double = 60) {
        self.init(
            instance: scenario.instance, plannedRequests: GeoPlanning.plannedRequests(scenario), methods: scenario.methods,
            petalsSeed: scenario.seed, milpTimeLimit: milpTimeLimit)
    }

    /// The requests the MILP plans for: min(|R|, `GeoMILP.maxRequests`), issued by the clients in turn.
    public var milpRequestClients: [Int] {
        (0..<min(plannedRequests, GeoMILP.maxRequests)).map { $0 % instance.clients.count }
    }
}
