import Planning

/// Evaluates gate-and-route policies on one cluster size: every policy follows the same LP plan
/// (its targets x*, q*, its mixed-pool size) and runs on the same seeds, so the plan's
/// `gate-and-route` and the baselines see the same arrivals.
/// ```
/// let evaluator = GateRouteEvaluator(instance: instance, plan: planned.plan.plan, gpus: 500, horizon: 10_000, warmup: 1_000)
/// let row = try evaluator.evaluate(.gateAndRoute, named: "gate-and-route", seeds: [1, 2, 3], progress: .silent)
/// print(row.ratioToOptimum)
/// ```
public struct GateRouteEvaluator: Evaluator, Sendable {
    public var instance: GateRouteInstance
    public var plan: GateRoutePlan
    /// n, the cluster size simulated.
    public var gpus: Int
    /// The run is [0, horizon], measured over [warmup, horizon], seconds.
    public var horizon: Double
    public var warmup: Double
    public var fidelity: GateRouteFidelity
    /// The finite-n options (`rationedClasses` and `mixedSafety` apply at both fidelities,
    /// `zeroTargetClasses` in the CTMC only).
    public var options: CTMCOptions
    /// Token level only: how request lengths are drawn.
    public var lengths: TokenLevelExperiment.Lengths

    public init(
        instance: GateRouteInstance, plan: GateRoutePlan, gpus: Int, horizon: Double, warmup: Double,
        fidelity: GateRouteFidelity = .ctmc, options: CTMCOptions = CTMCOptions(),
        lengths: TokenLevelExperiment.Lengths = .deterministic
    ) {
        self.instance = instance
        self.plan = plan
        self.gpus = gpus
        self.horizon = horizon
        self.warmup = warmup
        self.fidelity = fidelity
        self.options = options
        self.lengths = lengths
    }

    /// Simulates `policy` on `seeds`; a run the simulator refuses is bad input.
    public func evaluate(
        _ policy: GateRoutePolicy, named name: String, seeds: [UInt64], progress: ProgressReporter
    ) throws(PlanningError) -> GateRouteEvaluation {
        progress.say("\(name) on n = \(gpus) GPUs, \(seeds.count) seeds, T = \(Int(horizon.rounded())) s")
        var sized = instance
        sized.gpus = gpus
        switch fidelity {
        case .ctmc:
            do {
                return GateRouteEvaluation(try CTMCExperiment.run(
                    instance: sized, plan: plan, policy: policy, gpus: gpus, horizon: horizon, warmup: warmup, seeds: seeds,
                    options: options, progress: progress))
            } catch let error as CTMCError {
                throw .badInput(error.description)
            } catch {
                throw .failure("\(error)")
            }
        case .token:
            do {
                let result = try TokenLevelExperiment.run(
                    instance: sized, plan: plan, policy: policy, gpus: gpus, horizon: horizon, warmup: warmup, seeds: seeds,
                    lengths: lengths, rationedClasses: options.rationedClasses, mixedSafety: options.mixedSafety,
                    progress: progress)
                return GateRouteEvaluation(result, classNames: sized.classes.map(\.name))
            } catch {
                throw .badInput(error.description)
            }
        }
    }
}
