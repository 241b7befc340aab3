/// Results of the CTMC runs. Every average is over the measurement window [warmup, horizon]; every
/// per-GPU quantity divides by n. Occupancies split decodes by **speed** (mixed while their GPU runs a
/// prefill, solo otherwise), as the model's Y_m and Y_s do.

/// One class in one run.
public struct CTMCClassResult: Sendable, Hashable, Codable {
    public var name: String
    /// Time average of X_i/n.
    public var prefillOccupancy: Double
    /// Time average of Y_{m,i}/n.
    public var mixedDecodeOccupancy: Double
    /// Time average of Y_{s,i}/n.
    public var soloDecodeOccupancy: Double
    /// Time average of Q_{p,i}/n.
    public var prefillQueue: Double
    /// Time average of Q_{d,i}/n (all decode buffers).
    public var decodeQueue: Double
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
        name: String, prefillOccupancy: Double, mixedDecodeOccupancy: Double, soloDecodeOccupancy: Double,
        prefillQueue: Double, decodeQueue: Double, throughputPerGPU: Double, arrivals: Int, prefillCompletions: Int,
        completions: Int, prefillAbandonments: Int, decodeAbandonments: Int, inSystemAtWarmup: Int, inSystemAtEnd: Int
    ) {
        self.name = name
        self.prefillOccupancy = prefillOccupancy
        self.mixedDecodeOccupancy = mixedDecodeOccupancy
        self.soloDecodeOccupancy = soloDecodeOccupancy
        self.prefillQueue = prefillQueue
        self.decodeQueue = decodeQueue
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

/// Mean and sample standard deviation (n − 1 divisor; 0 for a single value) over seeds.
public struct CTMCStatistic: Sendable, Hashable, Codable {
    public var mean: Double
    public var std: Double

    public init(mean: Double, std: Double) {
        self.mean = mean
        self.std = std
    }

    public init(_ values: [Double]) {
        guard !values.isEmpty else {
            self.init(mean: 0, std: 0)
            return
        }
        let mean = values.reduce(0, +) / Double(values.count)
        let squares = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
        self.init(mean: mean, std: values.count > 1 ? (squares / Double(values.count - 1)).squareRoot() : 0)
    }
}

/// One class over seeds.
public struct CTMCClassSummary: Sendable, Hashable, Codable {
    public var name: String
    public var prefillOccupancy: CTMCStatistic
    public var mixedDecodeOccupancy: CTMCStatistic
    public var soloDecodeOccupancy: CTMCStatistic
    public var prefillQueue: CTMCStatistic
    public var decodeQueue: CTMCStatistic
    public var throughputPerGPU: CTMCStatistic

    public init(
        name: String, prefillOccupancy: CTMCStatistic, mixedDecodeOccupancy: CTMCStatistic,
        soloDecodeOccupancy: CTMCStatistic, prefillQueue: CTMCStatistic, decodeQueue: CTMCStatistic,
        throughputPerGPU: CTMCStatistic
    ) {
        self.name = name
        self.prefillOccupancy = prefillOccupancy
        self.mixedDecodeOccupancy = mixedDecodeOccupancy
        self.soloDecodeOccupancy = soloDecodeOccupancy
        self.prefillQueue = prefillQueue
        self.decodeQueue = decodeQueue
        self.throughputPerGPU = throughputPerGPU
    }
}

/// One policy on one instance over several seeds: mean and std of each metric, plus every run.
public struct CTMCSummary: Sendable, Hashable, Codable {
    public var policy: GateRoutePolicy
    public var gpus: Int
    public var mixedGPUs: Int
    public var horizon: Double
    public var warmup: Double
    public var seeds: [UInt64]
    public var scheme: PricingScheme
    public var planRevenuePerGPU: Double
    public var revenuePerGPU: CTMCStatistic
    public var ratioToPlan: CTMCStatistic
    public var bundledRevenuePerGPU: CTMCStatistic
    public var separateRevenuePerGPU: CTMCStatistic
    public var decodeBuffer: CTMCStatistic
    public var averageTPOT: CTMCStatistic
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
        revenuePerGPU = CTMCStatistic(runs.map(\.revenuePerGPU))
        ratioToPlan = CTMCStatistic(runs.map(\.ratioToPlan))
        bundledRevenuePerGPU = CTMCStatistic(runs.map(\.bundledRevenuePerGPU))
        separateRevenuePerGPU = CTMCStatistic(runs.map(\.separateRevenuePerGPU))
        decodeBuffer = CTMCStatistic(runs.map(\.decodeBuffer))
        averageTPOT = CTMCStatistic(runs.map(\.averageTPOT))
        classes = first.classes.indices.map { i in
            CTMCClassSummary(
                name: first.classes[i].name,
                prefillOccupancy: CTMCStatistic(runs.map { $0.classes[i].prefillOccupancy }),
                mixedDecodeOccupancy: CTMCStatistic(runs.map { $0.classes[i].mixedDecodeOccupancy }),
                soloDecodeOccupancy: CTMCStatistic(runs.map { $0.classes[i].soloDecodeOccupancy }),
                prefillQueue: CTMCStatistic(runs.map { $0.classes[i].prefillQueue }),
                decodeQueue: CTMCStatistic(runs.map { $0.classes[i].decodeQueue }),
                throughputPerGPU: CTMCStatistic(runs.map { $0.classes[i].throughputPerGPU }))
        }
        self.runs = runs
    }
}
