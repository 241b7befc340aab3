import Planning

/// A placement method: turns a problem into a plan and the summary of its solve.
public protocol ExpertPlacer: Sendable {
    /// The method's name in reports.
    var method: PlacementMethod { get }
    /// Places every layer's experts.
    func place(_ problem: PlacementProblem) throws(PlacementError) -> PlacementOutcome
}

/// A plan with the summary of the solve that produced it.
///
/// `solve.objective` is the planning objective Σ cost on the profiling split and `solve.bestBound`
/// a proven lower bound on it (optimisation methods); rules without an objective report
/// `SolveSummary.heuristic`. `solve.wallSeconds` is the placer's own time; `MoEPlanner` replaces it
/// with the time it measured around the whole call.
public struct PlacementOutcome: Sendable {
    /// The placement.
    public var plan: ExpertPlan
    /// How the solve ended.
    public var solve: SolveSummary

    /// Creates an outcome.
    public init(plan: ExpertPlan, solve: SolveSummary) {
        self.plan = plan
        self.solve = solve
    }

    /// The outcome of a rule without objective or bound.
    static func rule(_ plan: ExpertPlan) -> PlacementOutcome {
        PlacementOutcome(plan: plan, solve: .heuristic(objective: nil, wallSeconds: 0))
    }
}

/// How many replicas each expert gets: EPLB's rule (one each, then every extra replica to the
/// expert with the largest load per replica).
public enum Replication {
    /// Replica counts for the given loads and number of extra replicas.
    public static func counts(loads: [Double], redundant: Int) -> [Int] {
        EPLB.replicate(loads, physical: loads.count + redundant).count
    }
}

/// Minimum-cost placement of the paper's ILP, layer by layer: one location per expert (or
/// EPLB's replica counts with `replicate`), per-GPU slot capacity, cost = activation-weighted
/// round-trip hops. Without a balance row the ILP is a transportation problem per layer, whose LP
/// relaxation is integral, so `TransportationSolver` solves it exactly; the objective is also
/// the bound. With replicas the cost of a replica assumes tokens split evenly over the replicas;
/// the plan then routes each token to its nearest replica, which can only shorten its trip.
public struct LoadAwarePlacer: ExpertPlacer {
    /// False for the paper's unweighted variant: every expert counts as one uniformly-sourced token.
    public var weighted: Bool
    /// Whether to use the problem's redundant experts.
    public var replicate: Bool

    /// Creates the load-aware (weighted) or unweighted method.
    public init(weighted: Bool = true, replicate: Bool = true) {
        self.weighted = weighted
        self.replicate = replicate
    }

    public var method: PlacementMethod { weighted ? .loadAware : .unweighted }

    /// The exact optimum: objective = bound, gap 0, one transportation problem per layer.
    public func place(_ problem: PlacementProblem) throws(PlacementError) -> PlacementOutcome {
        let watch = Stopwatch()
        var gpusOf: [[[Int]]] = []
        var total = 0.0
        let capacity = [Int](repeating: problem.slotsPerGPU, count: problem.gpus)
        for l in 0..<problem.layers {
            let (cost, supply) = replicaCosts(problem, layer: l)
            guard let assignment = TransportationSolver.solve(cost: cost, supply: supply, capacity: capacity) else {
                throw PlacementError("layer \(l): \(supply.reduce(0, +)) replicas do not fit \(problem.gpus) GPUs × \(problem.slotsPerGPU) slots")
            }
            for (e, list) in assignment.enumerated() { for g in list { total += cost[e][g] } }
            gpusOf.append(assignment)
        }
        let plan = ExpertPlan(method: method, gpusOf: gpusOf, gpus: problem.gpus, routing: .nearest)
        let seconds = watch.seconds
        return PlacementOutcome(plan: plan, solve: SolveSummary(
            status: .optimal, objective: total, bestBound: total, relativeGap: 0, solveSeconds: seconds, wallSeconds: seconds,
            nodes: 0, solves: problem.layers))
    }

    /// Per-replica costs and replica counts of one layer.
    func replicaCosts(_ problem: PlacementProblem, layer: Int) -> (cost: [[Double]], supply: [Int]) {
        guard weighted else {
            let row = (0..<problem.gpus).map { g in
                (0..<problem.gpus).reduce(0.0) { $0 + problem.distances[$1, g] + problem.distances[g, $1] } / Double(problem.gpus)
            }
            return ([[Double]](repeating: row, count: problem.experts), [Int](repeating: 1, count: problem.experts))
        }
        var cost = problem.costs(layer: layer)
        let supply = replicate
            ? Replication.counts(loads: problem.profile.expertLoads(layer: layer), redundant: problem.redundantExperts)
            : [Int](repeating: 1, count: problem.experts)
        for e in cost.indices where supply[e] > 1 { cost[e] = cost[e].map { $0 / Double(supply[e]) } }
        return (cost, supply)
    }
}
