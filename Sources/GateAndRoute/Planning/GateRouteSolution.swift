
/// A constraint that holds with equality at the optimum, and its shadow price (change of the
/// optimal objective per unit increase of the constraint's bound).
public struct BindingConstraint: Sendable, Hashable, Codable {
    public var name: String
    public var family: String
    public var shadowPrice: Double
}

/// The planner's answer: the plan the policies follow, its revenue, and what limits it.
///
/// Encoded as the `plan` of `plan gate-route --json`: `scheme`, `gpus`, `revenuePerGPU`,
/// `objectivePerGPU`, `penaltyPerGPU`, `mixedFraction`, `mixedGPUs`, `classes[]` (`name`, the five
/// `ClassState` keys, `completionsPerGPU`), `bindingConstraints[]`, `warnings[]`,
/// `mixedIterationSeconds`, `soloToMixedSpeedRatio`.
public struct GateRouteSolution: Sendable, Encodable {
    public var plan: GateRoutePlan
    public var scheme: PricingScheme
    /// n, the cluster size `mixedGPUs` is for.
    public var gpus: Int
    /// Optimal objective per GPU per second (revenue minus SLI penalties).
    public var objectivePerGPU: Double
    /// Revenue per GPU per second at the optimum (equal to the objective without penalties).
    public var revenuePerGPU: Double
    /// Total SLI penalty per GPU per second.
    public var penaltyPerGPU: Double
    /// M = ⌈n Σ x*⌉ for the instance's n.
    public var mixedGPUs: Int
    /// Completed requests per GPU per second, by class (μ_m y_m + μ_s y_s).
    public var completionsPerGPU: [Double]
    /// Rows tight at the optimum with their shadow prices, in model order.
    public var bindingConstraints: [BindingConstraint]
    /// Conditions a user should know about (e.g. γτ < (B−1)/B).
    public var warnings: [String]
    /// τ = α + βC and γτ.
    public var mixedIterationSeconds: Double
    public var soloToMixedSpeedRatio: Double

    /// One class of the encoded plan: its optimum and its completions.
    private struct ClassRow: Encodable {
        var plan: ClassPlan
        var completionsPerGPU: Double

        private enum CodingKeys: String, CodingKey { case name, completionsPerGPU }

        func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(plan.name, forKey: .name)
            try container.encode(completionsPerGPU, forKey: .completionsPerGPU)
            try plan.state.encode(to: encoder)
        }
    }

    private enum CodingKeys: String, CodingKey {
        case scheme, gpus, revenuePerGPU, objectivePerGPU, penaltyPerGPU, mixedFraction, mixedGPUs, classes
        case bindingConstraints, warnings, mixedIterationSeconds, soloToMixedSpeedRatio
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(scheme, forKey: .scheme)
        try container.encode(gpus, forKey: .gpus)
        try container.encode(revenuePerGPU, forKey: .revenuePerGPU)
        try container.encode(objectivePerGPU, forKey: .objectivePerGPU)
        try container.encode(penaltyPerGPU, forKey: .penaltyPerGPU)
        try container.encode(plan.mixedFraction, forKey: .mixedFraction)
        try container.encode(mixedGPUs, forKey: .mixedGPUs)
        try container.encode(
            zip(plan.classes, completionsPerGPU).map { ClassRow(plan: $0, completionsPerGPU: $1) }, forKey: .classes)
        try container.encode(bindingConstraints, forKey: .bindingConstraints)
        try container.encode(warnings, forKey: .warnings)
        try container.encode(mixedIterationSeconds, forKey: .mixedIterationSeconds)
        try container.encode(soloToMixedSpeedRatio, forKey: .soloToMixedSpeedRatio)
    }
}
