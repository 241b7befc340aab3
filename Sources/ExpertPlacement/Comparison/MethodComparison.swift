import ServingModel

/// One method's plan and its figures on the evaluation split.
public struct MethodResult: Sendable {
    /// The method's name.
    public var name: String
    /// The plan.
    public var plan: ExpertPlan
    /// Hops, bytes and load on the evaluation split.
    public var metrics: PlacementMetrics
    /// Wall-clock seconds the method took.
    public var solveSeconds: Double
    /// Planning objective and bound on the profiling split (optimisation methods only).
    public var objective: Double?
    /// Proven lower bound on the planning objective.
    public var bound: Double?
    /// Relative gap between objective and bound (nil for heuristics).
    public var gap: Double?
}

/// A point of the hops-versus-imbalance front.
public struct ParetoPoint: Sendable, Hashable, Codable {
    /// The balance row's max/mean (nil: no balance row).
    public var maxImbalance: Double?
    /// Expected hops per token on the evaluation split.
    public var expectedHops: Double
    /// Mean over layers of max/mean GPU load on the evaluation split.
    public var maxMeanLoad: Double
    /// MILP gap (nil without a balance row).
    public var gap: Double?
    /// Seconds to plan.
    public var solveSeconds: Double
}

/// Runs placement methods on one problem and scores them on the same evaluation statistics.
public struct MethodComparison: Sendable {
    /// Method names a scenario may list.
    public static let methodNames = ["load-aware", "unweighted", "round-robin", "contiguous", "eplb", "eplb-global", "greedy"]

    /// The problem (profiling split inside).
    public var problem: PlacementProblem
    /// The statistics the metrics use.
    public var evaluation: ActivationCounts
    /// Bytes moved per activation each way (hidden size × bytes per element).
    public var bytesPerActivation: Double
    /// Seconds for each balance MILP (all layers together).
    public var timeLimit: Double
    /// Most branch-and-bound nodes per layer of each balance MILP (nil: none; see `BalancedPlacer`).
    public var nodeLimit: Int?

    /// Creates a comparison.
    public init(problem: PlacementProblem, evaluation: ActivationCounts, bytesPerActivation: Double, timeLimit: Double) {
        self.problem = problem
        self.evaluation = evaluation
        self.bytesPerActivation = bytesPerActivation
        self.timeLimit = timeLimit
    }

    /// The placer for a method name (`load-aware+balance` needs `maxImbalance`).
    public func placer(named name: String, maxImbalance: Double? = nil) -> any ExpertPlacer {
        switch name {
        case "unweighted": return LoadAwarePlacer(weighted: false)
        case "round-robin": return RoundRobinPlacer()
        case "contiguous": return ContiguousPlacer()
        case "eplb": return EPLBPlacer()
        case "eplb-global": return EPLBPlacer(forceGlobal: true)
        case "greedy": return GreedyTopologyPlacer()
        case "load-aware+balance": return BalancedPlacer(maxImbalance: maxImbalance ?? 1, timeLimit: timeLimit, nodeLimit: nodeLimit)
        default: return LoadAwarePlacer()
        }
    }

    /// Plans with one method and scores the plan.
    public func run(_ placer: any ExpertPlacer) throws(PlacementError) -> MethodResult {
        let start = ContinuousClock.now
        let outcome = try placer.place(problem)
        let seconds = (ContinuousClock.now - start).inSeconds
        let metrics = PlacementMetrics(
            plan: outcome.plan, counts: evaluation, distances: problem.distances, bytesPerActivation: bytesPerActivation)
        return MethodResult(
            name: placer.name, plan: outcome.plan, metrics: metrics, solveSeconds: seconds, objective: outcome.objective,
            bound: outcome.bound, gap: outcome.gap)
    }

    /// The named methods in order, with `load-aware+balance` after `load-aware` when `maxImbalance` is set;
    /// `progress` hears each method's name before it runs.
    public func run(
        methods: [String], maxImbalance: Double?, progress: (String) -> Void = { _ in }
    ) throws(PlacementError) -> [MethodResult] {
        var names: [String] = []
        for name in methods {
            names.append(name)
            if name == "load-aware", maxImbalance != nil { names.append("load-aware+balance") }
        }
        var results: [MethodResult] = []
        for name in names {
            progress(name)
            results.append(try run(placer(named: name, maxImbalance: maxImbalance)))
        }
        return results
    }

    /// The hops-versus-imbalance front: the unconstrained optimum, then one balance MILP per limit;
    /// `progress` hears each point before it is solved.
    public func paretoFront(
        limits: [Double], progress: (String) -> Void = { _ in }
    ) throws(PlacementError) -> [ParetoPoint] {
        var points: [ParetoPoint] = []
        progress("sweep: no balance row")
        let free = try run(LoadAwarePlacer(replicate: true))
        points.append(ParetoPoint(
            maxImbalance: nil, expectedHops: free.metrics.expectedHops, maxMeanLoad: free.metrics.maxMeanLoad, gap: nil,
            solveSeconds: free.solveSeconds))
        for limit in limits.sorted(by: >) {
            progress("sweep: max/mean ≤ \(limit)")
            let result = try run(BalancedPlacer(maxImbalance: limit, timeLimit: timeLimit, nodeLimit: nodeLimit))
            points.append(ParetoPoint(
                maxImbalance: limit, expectedHops: result.metrics.expectedHops, maxMeanLoad: result.metrics.maxMeanLoad,
                gap: result.gap, solveSeconds: result.solveSeconds))
        }
        return points
    }

    /// 1 − value / round-robin's value (nil when round-robin's is 0).
    public static func reduction(_ value: Double, versus baseline: Double) -> Double? {
        baseline > 0 ? 1 - value / baseline : nil
    }
}
