/// The fluid optimum of one class, per GPU (long-run averages): x_i*, y_{m,i}*, y_{s,i}*, q_{p,i}*,
/// q_{d,i}* as its `state`, read as its own members (`plan.prefillOccupancy`).
public struct ClassPlan: CarriesClassState, Sendable, Hashable, Codable {
    public var name: String
    public var state: ClassState<Double>

    public init(name: String, state: ClassState<Double>) {
        self.name = name
        self.state = state
    }

    /// The plan of one class from its five values.
    public init(
        name: String, prefillOccupancy: Double, mixedDecodeOccupancy: Double, soloDecodeOccupancy: Double,
        prefillQueue: Double, decodeQueue: Double
    ) {
        self.init(name: name, state: ClassState(
            prefillOccupancy: prefillOccupancy, mixedDecodeOccupancy: mixedDecodeOccupancy,
            soloDecodeOccupancy: soloDecodeOccupancy, prefillQueue: prefillQueue, decodeQueue: decodeQueue))
    }

    /// q_{p,i}* (jobs per GPU) at or below this is LP round-off, not rationing: HiGHS leaves ~1e-7 on
    /// classes it serves in full (the separate-pricing instance); 1e-6 per GPU is 0.001 jobs at n = 1,000.
    public static let rationedQueueThreshold = 1e-6

    /// Whether the plan rations the class: part of its demand is meant to wait and abandon.
    public var isRationed: Bool { state.prefillQueue > Self.rationedQueueThreshold }
}

/// The static plan the policies follow: the LP optimum per GPU and, for n GPUs, the mixed pool size.
public struct GateRoutePlan: Sendable, Hashable, Codable {
    /// Optimal objective per GPU per second (revenue, minus SLI penalties when there are any).
    public var revenuePerGPU: Double
    public var classes: [ClassPlan]
    /// Σ_i x_i*.
    public var mixedFraction: Double

    public init(revenuePerGPU: Double, classes: [ClassPlan], mixedFraction: Double) {
        self.revenuePerGPU = revenuePerGPU
        self.classes = classes
        self.mixedFraction = mixedFraction
    }

    /// M = ⌈n Σ_i x_i*⌉ mixed GPUs for n GPUs (a relative tolerance of 1e-9 absorbs LP round-off),
    /// the paper's rule. With `safety` κ > 0, square-root staffing M = ⌈m + κ√m⌉, m = n Σ_i x_i*: the
    /// prefill pool gets slack for the O(√n) fluctuations of the classes the LP serves in full, and
    /// M/n still tends to Σ_i x_i*. At most n.
    public func mixedGPUs(forGPUs n: Int, safety: Double = 0) -> Int {
        let mean = Double(n) * mixedFraction
        let exact = mean + safety * mean.squareRoot()
        return min(n, Int((exact - 1e-9 * max(1, exact)).rounded(.up)))
    }
}
