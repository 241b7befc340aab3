import Planning

/// Results of the CTMC runs. Every average is over the measurement window [warmup, horizon]; every
/// per-GPU quantity divides by n. Occupancies split decodes by **speed** (mixed while their GPU runs a
/// prefill, solo otherwise), as the model's Y_m and Y_s do.

/// One class in one run: the time averages of X_i/n, Y_{m,i}/n, Y_{s,i}/n, Q_{p,i}/n and Q_{d,i}/n
/// (all decode buffers) as its `state`, and the event counts of the window.
public struct CTMCClassResult: CarriesClassState, Sendable, Hashable, Codable {
    public var name: String
    public var state: ClassState<Double>
    /// Completed requests per GPU per second.
    public var throughputPerGPU: Double
    /// Counts of events in the window.
    public var arrivals: Int
    public var prefillCompletions: Int
    public var completions: Int
    public var prefillAbandonments: Int
    public var decodeAbandonments: Int
    /// Jobs in system at the start and at the end of the window:
    /// inSystemAtWarmup + arrivals = completions + prefillAbandonments + decodeAbandonments + inSystemAtEnd.
    public var inSystemAtWarmup: Int
    public var inSystemAtEnd: Int

    public init(
        name: String, state: ClassState<Double>, throughputPerGPU: Double, arrivals: Int, prefillCompletions: Int,
        completions: Int, prefillAbandonments: Int, decodeAbandonments: Int, inSystemAtWarmup: Int, inSystemAtEnd: Int
    ) {
        self.name = name
        self.state = state
        self.throughputPerGPU = throughputPerGPU
        self.arrivals = arrivals
        self.prefillCompletions = prefillCompletions
        self.completions = completions
        self.prefillAbandonments = prefillAbandonments
        self.decodeAbandonments = decodeAbandonments
        self.inSystemAtWarmup = inSystemAtWarmup
        self.inSystemAtEnd = inSystemAtEnd
    }
}

/// One seeded run of one policy.
public struct CTMCRunResult: Sendable, Hashable, Codable {
    public var policy: GateRoutePolicy
    public var gpus: Int
    /// GPUs in the mixed pool (M) under a static plan; n when every GPU may prefill.
    public var mixedGPUs: Int
    public var horizon: Double
    public var warmup: Double
    public var seed: UInt64
    /// The instance's pricing scheme, the one `revenuePerGPU` and `ratioToPlan` use.
    public var scheme: PricingScheme
    /// Revenue per GPU per second under the instance's scheme.
    public var revenuePerGPU: Double
    /// Revenue per GPU per second under bundled charging (w_i per completed request).
    public var bundledRevenuePerGPU: Double
    /// Revenue per GPU per second under separate charging (c_p P_i per prefill, c_d D_i per decode).
    public var separateRevenuePerGPU: Double
    /// The plan's optimum R*, per GPU per second.
    public var planRevenuePerGPU: Double
    /// revenuePerGPU / planRevenuePerGPU (0 when the plan's value is 0).
    public var ratioToPlan: Double
    /// Time average of the total decode buffer over n.
    public var decodeBuffer: Double
    /// TPOT proxy: ∫(τ·Y_m + Y_s/γ) dt / ∫(Y_m + Y_s) dt, the time per token averaged over decoding
    /// jobs and time (τ at mixed speed, 1/γ at solo speed); 0 when nothing decoded.
    public var averageTPOT: Double
    /// Events simulated in the window.
    public var events: Int
    public var classes: [CTMCClassResult]

    public init(
        policy: GateRoutePolicy, gpus: Int, mixedGPUs: Int, horizon: Double, warmup: Double, seed: UInt64,
        scheme: PricingScheme, revenuePerGPU: Double, bundledRevenuePerGPU: Double, separateRevenuePerGPU: Double,
        planRevenuePerGPU: Double, ratioToPlan: Double, decodeBuffer: Double, averageTPOT: Double, events: Int,
        classes: [CTMCClassResult]
    ) {
        self.policy = policy
        self.gpus = gpus
        self.mixedGPUs = mixedGPUs
        self.horizon = horizon
        self.warmup = warmup
        self.seed = seed
        self.scheme = scheme
        self.revenuePerGPU = revenuePerGPU
        self.bundledRevenuePerGPU = bundledRevenuePerGPU
        self.separateRevenuePerGPU = separateRevenuePerGPU
        self.planRevenuePerGPU = planRevenuePerGPU
        self.ratioToPlan = ratioToPlan
        self.decodeBuffer = decodeBuffer
        self.averageTPOT = averageTPOT
        self.events = events
        self.classes = classes
    }
}

/// One class over seeds: each quantity of the state and the throughput as an `Estimate`.
public struct CTMCClassSummary: CarriesClassState, Sendable, Hashable, Codable {
    public var name: String
    public var state: ClassState<Estimate>
    public var throughputPerGPU: Estimate

    /// Summarises the same class (by index) over runs.
    public init(_ results: [CTMCClassResult]) {
        name = results.first?.name ?? ""
        state = ClassState.combining(results.map(\.state), Estimate.init)
        throughputPerGPU = Estimate(results.map(\.throughputPerGPU))
    }
}

/// One policy on one instance over several seeds: the `Estimate` of each metric, plus every run.
public struct CTMCSummary: Sendable, Hashable, Codable {
    public var policy: GateRoutePolicy
    public var gpus: Int
    public var mixedGPUs: Int
    public var horizon: Double
    public var warmup: Double
    public var seeds: [UInt64]
    public var scheme: PricingScheme
    public var planRevenuePerGPU: Double
    public var revenuePerGPU: Estimate
    public var ratioToPlan: Estimate
    public var bundledRevenuePerGPU: Estimate
    public var separateRevenuePerGPU: Estimate
    public var decodeBuffer: Estimate
    public var averageTPOT: Estimate
    public var classes: [CTMCClassSummary]
    public var runs: [CTMCRunResult]

    /// Summarises runs of one policy on one instance (all fields but the statistics from the first run).
    public init(runs: [CTMCRunResult]) {
        precondition(!runs.isEmpty, "a summary needs at least one run")
        let first = runs[0]
        policy = first.policy
        gpus = first.gpus
        mixedGPUs = first.mixedGPUs
        horizon = first.horizon
        warmup = first.warmup
        seeds = runs.map(\.seed)
        scheme = first.scheme
        planRevenuePerGPU = first.planRevenuePerGPU
        revenuePerGPU = Estimate(runs.map(\.revenuePerGPU))
        ratioToPlan = Estimate(runs.map(\.ratioToPlan))
        bundledRevenuePerGPU = Estimate(runs.map(\.bundledRevenuePerGPU))
        separateRevenuePerGPU = Estimate(runs.map(\.separateRevenuePerGPU))
        decodeBuffer = Estimate(runs.map(\.decodeBuffer))
        averageTPOT = Estimate(runs.map(\.averageTPOT))
        classes = first.classes.indices.map { i in CTMCClassSummary(runs.map { $0.classes[i] }) }
        self.runs = runs
    }
}
