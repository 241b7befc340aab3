import Planning

/// Scores a placement on the evaluation split the same way for the plan and each baseline: hops
/// (dispatch and combine), cross-node bytes and GPU load (`PlacementMetrics`), and the reductions
/// against round-robin's placement of the same problem. The statistics are fixed by the scenario,
/// so the seeds are not used (the report's `seeds` is empty).
/// ```
/// let evaluator = try MoEEvaluator(problem)
/// let scores = try evaluator.evaluate(planned.plan.plan, named: "plan", seeds: [], progress: .silent)
/// ```
public struct MoEEvaluator: Evaluator {
    /// The statistics scored on.
    public let counts: ActivationCounts
    /// Whether `counts` is a held-out split.
    public let heldOut: Bool
    public let distances: DistanceMatrix
    public let bytesPerActivation: Double
    /// Round-robin's figures: the reference of every reduction.
    public let reference: PlacementMetrics

    /// The evaluator of `problem`'s evaluation split, with round-robin's placement as the reference.
    public init(_ problem: MoEProblem) throws(PlanningError) {
        counts = problem.evaluation
        heldOut = problem.heldOut
        distances = problem.placement.distances
        bytesPerActivation = problem.bytesPerActivation
        let roundRobin = try MoEPlanner.converting { () throws(PlacementError) in try RoundRobinPlacer().place(problem.placement) }
        reference = PlacementMetrics(
            plan: roundRobin.plan, counts: problem.evaluation, distances: problem.placement.distances,
            bytesPerActivation: problem.bytesPerActivation)
    }

    public func evaluate(
        _ candidate: MoEPlacementPlan, named name: String, seeds: [UInt64], progress: ProgressReporter
    ) throws(PlanningError) -> MoEPlacementEvaluation {
        let metrics = PlacementMetrics(
            plan: candidate.expertPlan, counts: counts, distances: distances, bytesPerActivation: bytesPerActivation)
        return MoEPlacementEvaluation(
            method: candidate.method, heldOut: heldOut, expectedHops: metrics.expectedHops, dispatchHops: metrics.dispatchHops,
            combineHops: metrics.combineHops,
            reductionVsRoundRobin: Self.reduction(metrics.expectedHops, versus: reference.expectedHops),
            crossNodeBytesPerToken: metrics.crossNodeBytes,
            crossNodeReductionVsRoundRobin: Self.reduction(metrics.crossNodeBytes, versus: reference.crossNodeBytes),
            maxMeanLoad: metrics.maxMeanLoad, worstLayerMaxMeanLoad: metrics.worstLayerMaxMeanLoad, layerLoad: metrics.layerLoad)
    }

    /// 1 − value / baseline (nil when the baseline is 0).
    public static func reduction(_ value: Double, versus baseline: Double) -> Double? {
        baseline > 0 ? 1 - value / baseline : nil
    }
}

/// One method's figures on the evaluation split, summed over MoE layers per token.
public struct MoEPlacementEvaluation: Sendable, Equatable, Codable {
    public var method: PlacementMethod
    /// Scored on a held-out split (false: no split in the statistics, scored on the profile).
    public var heldOut: Bool
    /// Dispatch plus combine hops.
    public var expectedHops: Double
    public var dispatchHops: Double
    public var combineHops: Double
    /// 1 − hops / round-robin's (null when round-robin's is 0).
    @Nullable public var reductionVsRoundRobin: Double?
    /// Bytes crossing a server boundary, both ways.
    public var crossNodeBytesPerToken: Double
    /// 1 − bytes / round-robin's (null when round-robin's is 0).
    @Nullable public var crossNodeReductionVsRoundRobin: Double?
    /// Mean over layers of max/mean GPU load.
    public var maxMeanLoad: Double
    /// The worst layer's max/mean GPU load.
    public var worstLayerMaxMeanLoad: Double
    /// layerLoad[l][g]: GPU g's expected token load at MoE layer l over the layer's mean GPU load
    /// (1 = balanced). The mean of the rows' maxima is `maxMeanLoad`, the largest entry
    /// `worstLayerMaxMeanLoad`.
    public var layerLoad: [[Double]]

    public init(
        method: PlacementMethod, heldOut: Bool, expectedHops: Double, dispatchHops: Double, combineHops: Double,
        reductionVsRoundRobin: Double?, crossNodeBytesPerToken: Double, crossNodeReductionVsRoundRobin: Double?,
        maxMeanLoad: Double, worstLayerMaxMeanLoad: Double, layerLoad: [[Double]]
    ) {
        self.method = method
        self.heldOut = heldOut
        self.expectedHops = expectedHops
        self.dispatchHops = dispatchHops
        self.combineHops = combineHops
        self.reductionVsRoundRobin = reductionVsRoundRobin
        self.crossNodeBytesPerToken = crossNodeBytesPerToken
        self.crossNodeReductionVsRoundRobin = crossNodeReductionVsRoundRobin
        self.maxMeanLoad = maxMeanLoad
        self.worstLayerMaxMeanLoad = worstLayerMaxMeanLoad
        self.layerLoad = layerLoad
    }
}
