/// What to simulate: the replicas, the measurement window and the targets.
public struct SimulationConfiguration: Sendable {
    /// The replicas behind the cluster policy.
    public var replicas: [ReplicaConfiguration]
    /// Names of the request classes, indexed by `Request.classIndex`.
    public var classNames: [String]
    /// Arrivals stop at the horizon (seconds); requests in flight then drain.
    public var horizon: Double
    /// Requests arriving before the warm-up (seconds) are served but not measured.
    public var warmup: Double
    /// Latency targets for goodput and SLO attainment.
    public var slo: ServiceLevelObjective
    /// Mean patience (seconds, exponential) per class while a request waits to be scheduled;
    /// nil (or a missing entry) means it never abandons.
    public var meanPatience: [Double?]
    /// Queue-length samples taken evenly over [0, horizon].
    public var sampleCount: Int
    /// When true, the report lists every completed request's id and completion time (for drivers
    /// that chain simulations, such as a model cascade feeding one stage's departures to the next).
    public var recordsCompletions = false
    /// Prefill/decode disaggregation (replicas with roles `prefill` and `decode`, the network
    /// between them); nil for a fleet without those roles.
    public var disaggregation: Disaggregation?

    /// Creates a configuration.
    public init(
        replicas: [ReplicaConfiguration], classNames: [String], horizon: Double, warmup: Double = 0,
        slo: ServiceLevelObjective = ServiceLevelObjective(), meanPatience: [Double?] = [], sampleCount: Int = 100,
        disaggregation: Disaggregation? = nil
    ) {
        self.replicas = replicas
        self.classNames = classNames
        self.horizon = horizon
        self.warmup = warmup
        self.slo = slo
        self.meanPatience = meanPatience
        self.sampleCount = sampleCount
        self.disaggregation = disaggregation
    }
}
