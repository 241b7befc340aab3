/// How one service-level indicator enters the LP.
public enum SLIRequirement: Sendable, Hashable, Codable {
    /// A hard limit on the indicator.
    case limit(Double)
    /// A penalty weight: the objective loses weight × indicator.
    case penalty(Double)
}

/// The service-level indicators of §5 (eqs. 43–48), each optional.
public struct ServiceLevelTargets: Sendable, Hashable, Codable {
    /// Prefill fairness: max_{i,j} (x_i − x_j).
    public var prefillFairness: SLIRequirement?
    /// Decode fairness: max_{i,j} (y_{s,i} − y_{s,j}).
    public var decodeFairness: SLIRequirement?
    /// Average TPOT with all slots full: [τ(B−1)X + B(1−X)/γ] / [(B−1)X + B(1−X)], X = Σ x_i.
    public var averageTPOT: SLIRequirement?

    public init(prefillFairness: SLIRequirement? = nil, decodeFairness: SLIRequirement? = nil, averageTPOT: SLIRequirement? = nil) {
        self.prefillFairness = prefillFairness
        self.decodeFairness = decodeFairness
        self.averageTPOT = averageTPOT
    }

    /// True when no indicator is given (the plain bundled or separate LP).
    public var isEmpty: Bool { prefillFairness == nil && decodeFairness == nil && averageTPOT == nil }
}

/// The indicators by name, as constraint families and scenario keys.
public enum SLIKind: String, Sendable, CaseIterable, Codable {
    case prefillFairness
    case decodeFairness
    case averageTPOT = "maxAverageTPOT"

    /// The constraint family of the indicator's rows.
    public var family: String { "sli.\(rawValue)" }
}

extension GateRouteEngine {
    /// Average TPOT with every slot full when a fraction X of GPUs is mixed (eq. 47's ratio).
    public func averageTPOT(mixedFraction x: Double) -> Double {
        let b = Double(batchSize)
        let tau = mixedIterationSeconds
        return (tau * (b - 1) * x + b * (1 - x) / gamma) / ((b - 1) * x + b * (1 - x))
    }
}
