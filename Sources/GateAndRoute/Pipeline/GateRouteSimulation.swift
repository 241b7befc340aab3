import Planning
import ServingModel

/// Which policies run at which cluster sizes, how long and on which seeds: the evaluation of
/// `plan gate-route` (the plan's `gate-and-route` first, then the baselines, at the scenario's n)
/// and of `simulate gate-route` (every policy at every size of the scenario's `simulation:` section).
/// ```
/// let simulation = GateRouteSimulation(settings: scenario.simulation, fidelity: .ctmc)
/// try simulation.check(problem.instance, limits: .default, at: "simulation")
/// let rows = try simulation.evaluate(plan: planned.plan.plan, instance: problem.instance, progress: .silent)
/// ```
public struct GateRouteSimulation: Sendable {
    public var fidelity: GateRouteFidelity
    /// Cluster sizes n, in order.
    public var gpus: [Int]
    /// Policies, in order (every one at every size).
    public var policies: [GateRoutePolicy]
    /// Seconds simulated and the warm-up not measured (at most half the horizon).
    public var horizon: Double
    public var warmup: Double
    public var seeds: [UInt64]
    public var options: CTMCOptions
    public var lengths: TokenLevelExperiment.Lengths

    /// The policies a fidelity level implements.
    public static func available(at fidelity: GateRouteFidelity) -> [GateRoutePolicy] {
        fidelity == .ctmc ? GateRoutePolicy.allCases : TokenLevelExperiment.policies
    }

    /// The scenario's section with any overrides: policies default to the section's, else every
    /// policy of the fidelity; sizes to the section's; seeds to 1, 2, … (the section's count); the
    /// warm-up is cut to half the horizon.
    public init(
        settings: GateRouteSimulationSettings, fidelity: GateRouteFidelity = .ctmc, gpus: [Int]? = nil,
        policies: [GateRoutePolicy]? = nil, horizon: Double? = nil, seeds: [UInt64]? = nil,
        options: CTMCOptions = CTMCOptions(), lengths: TokenLevelExperiment.Lengths = .deterministic
    ) {
        self.fidelity = fidelity
        self.gpus = gpus ?? settings.gpus
        self.policies = policies ?? settings.policies ?? Self.available(at: fidelity)
        let horizon = horizon ?? settings.horizon
        self.horizon = horizon
        warmup = min(settings.warmup, horizon / 2)
        self.seeds = seeds ?? Self.defaultSeeds(settings)
        self.options = options
        self.lengths = lengths
    }

    /// `plan gate-route`'s evaluation: the CTMC at the plan's own n with the section's horizon,
    /// warm-up and seeds; the plan's policy `gate-and-route` first, then the section's other
    /// policies (default: every CTMC baseline).
    public static func planEvaluation(
        settings: GateRouteSimulationSettings, gpus: Int, seeds: [UInt64]? = nil
    ) -> GateRouteSimulation {
        let baselines = (settings.policies ?? GateRoutePolicy.allCases).filter { $0 != .gateAndRoute }
        return GateRouteSimulation(
            settings: settings, gpus: [gpus], policies: [.gateAndRoute] + baselines, seeds: seeds)
    }

    /// The section's seeds: 1, 2, …, `settings.seeds`.
    public static func defaultSeeds(_ settings: GateRouteSimulationSettings) -> [UInt64] {
        SeedRuns.consecutive(from: 1, count: settings.seeds)
    }

    /// Refuses a policy the fidelity does not implement, and work beyond `limits` (the estimate of
    /// `GateRouteWork`, with `path` naming what drives it), before anything runs.
    public func check(_ instance: GateRouteInstance, limits: WorkLimits, at path: String) throws(PlanningError) {
        let available = Self.available(at: fidelity)
        for policy in policies where !available.contains(policy) {
            throw .badInput("policy '\(policy.rawValue)' is not available at fidelity \(fidelity.rawValue); choose from: "
                + available.map(\.rawValue).joined(separator: ", "))
        }
        let work = GateRouteWork(
            instance: instance, gpus: gpus, policies: policies.count, horizon: horizon, seeds: seeds.count, fidelity: fidelity)
        do {
            try work.check(limits, at: path)
        } catch {
            throw PlanningError(.badInput, lines: error.issues.map(\.description))
        }
    }

    /// Every policy at every size (sizes outermost), all following `plan`, on the same seeds.
    public func evaluate(
        plan: GateRoutePlan, instance: GateRouteInstance, progress: ProgressReporter
    ) throws(PlanningError) -> [GateRouteEvaluation] {
        var rows: [GateRouteEvaluation] = []
        for n in gpus {
            let evaluator = GateRouteEvaluator(
                instance: instance, plan: plan, gpus: n, horizon: horizon, warmup: warmup, fidelity: fidelity,
                options: options, lengths: lengths)
            for policy in policies {
                rows.append(try evaluator.evaluate(policy, named: policy.rawValue, seeds: seeds, progress: progress))
            }
        }
        return rows
    }
}
