import Planning

/// One policy at one cluster size, over seeds: a row of `simulate gate-route` and an evaluation of
/// `plan gate-route` (JSON keys `policy`, `gpus`, `mixedGPUs`, `revenuePerGPU` (an estimate),
/// `ratioToOptimum`, `decodeBuffer`, `averageTPOTSeconds`, `classes[]`).
public struct GateRouteEvaluation: Sendable, Encodable {
    public var policy: GateRoutePolicy
    public var gpus: Int
    /// GPUs in the mixed pool, M (n for the work-sharing baselines); CTMC only, else nil.
    @Nullable public var mixedGPUs: Int?
    /// Revenue per GPU per second over seeds (token level: bundled charging).
    public var revenuePerGPU: Estimate
    /// Simulated revenue over the LP optimum R* (CTMC: the mean of the per-seed ratios; token level:
    /// the mean revenue over R*).
    public var ratioToOptimum: Double
    /// Time average of the decode buffer per GPU, mean over seeds; CTMC only, else nil.
    @Nullable public var decodeBuffer: Double?
    /// Mean time per output token, seconds (CTMC: the speed-weighted proxy; token level: measured).
    public var averageTPOTSeconds: Double
    public var classes: [GateRouteClassEvaluation]

    public init(
        policy: GateRoutePolicy, gpus: Int, mixedGPUs: Int?, revenuePerGPU: Estimate, ratioToOptimum: Double,
        decodeBuffer: Double?, averageTPOTSeconds: Double, classes: [GateRouteClassEvaluation]
    ) {
        self.policy = policy
        self.gpus = gpus
        self.mixedGPUs = mixedGPUs
        self.revenuePerGPU = revenuePerGPU
        self.ratioToOptimum = ratioToOptimum
        self.decodeBuffer = decodeBuffer
        self.averageTPOTSeconds = averageTPOTSeconds
        self.classes = classes
    }

    /// The row of a CTMC experiment (means over seeds, revenue as an estimate).
    public init(_ summary: CTMCSummary) {
        self.init(
            policy: summary.policy, gpus: summary.gpus, mixedGPUs: summary.mixedGPUs, revenuePerGPU: summary.revenuePerGPU,
            ratioToOptimum: summary.ratioToPlan.mean, decodeBuffer: summary.decodeBuffer.mean,
            averageTPOTSeconds: summary.averageTPOT.mean,
            classes: summary.classes.map {
                GateRouteClassEvaluation(name: $0.name, state: $0.state.map { Optional($0.mean) }, throughputPerGPU: $0.throughputPerGPU.mean)
            })
    }

    /// The row of a token-level experiment (the simulator measures no per-class state).
    public init(_ result: TokenLevelExperiment.Result, classNames: [String]) {
        let unmeasured = ClassState<Double?>(
            prefillOccupancy: nil, mixedDecodeOccupancy: nil, soloDecodeOccupancy: nil, prefillQueue: nil, decodeQueue: nil)
        self.init(
            policy: result.policy, gpus: result.gpus, mixedGPUs: nil, revenuePerGPU: result.revenuePerGPU,
            ratioToOptimum: result.ratioToOptimum, decodeBuffer: nil, averageTPOTSeconds: result.meanTPOT,
            classes: zip(classNames, result.completedPerGPU).map {
                GateRouteClassEvaluation(name: $0, state: unmeasured, throughputPerGPU: $1)
            })
    }
}

/// One class in a `GateRouteEvaluation`: the time averages of its state (CTMC; `null` at token
/// level) and its completions, keys side by side.
public struct GateRouteClassEvaluation: CarriesClassState, Sendable, Encodable {
    public var name: String
    /// X_i/n, Y_{m,i}/n, Y_{s,i}/n, Q_{p,i}/n, Q_{d,i}/n, means over seeds (nil at token level).
    public var state: ClassState<Double?>
    /// Completed requests per GPU per second.
    public var throughputPerGPU: Double

    public init(name: String, state: ClassState<Double?>, throughputPerGPU: Double) {
        self.name = name
        self.state = state
        self.throughputPerGPU = throughputPerGPU
    }

    private enum CodingKeys: String, CodingKey { case name, throughputPerGPU }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(throughputPerGPU, forKey: .throughputPerGPU)
        try state.encode(to: encoder)
    }
}
