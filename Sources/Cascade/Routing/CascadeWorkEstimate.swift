import Foundation
import ServingModel

/// What planning and simulating a cascade will cost, estimated from the problem's sizes before any
/// of it runs, so that the scenario reader can refuse runaway work.
///
/// - Planning steps: the threshold search evaluates about `evaluations` threshold vectors (the
///   coarse starts plus three rounds of coordinate descent, the usual count: a plan stops after the
///   first round that changes nothing); each replays the sample (samples × models) and solves the
///   exact deployment DP once per budget candidate, C · (N + 1)(N + 2) / 2 steps for C models on N
///   GPUs; the quality check replays the sample once per point of the full threshold grid.
/// - The final deployment MILP: C · (N + 1) binaries and three nonzeros per binary.
/// - Memory: the cached stage tables, one per stage, threshold prefix and budget, (N + 1) entries of
///   about 40 bytes each.
/// - Simulated requests (`simulate cascade`): per seed, the plan and its four baselines, each at the
///   scenario's rate and through the sustainable-rate search (about 18 more runs).
public struct CascadeWorkEstimate: Sendable, Hashable {
    /// Most planning steps without `--allow-large` (about a minute of planning in a release build).
    public static let maxPlanningSteps = 1e10

    /// Threshold vectors the search evaluates (typical count).
    public var evaluations: Double
    /// Deployment DP and sample-replay steps of one plan.
    public var planningSteps: Double
    /// Columns, rows and nonzeros of the deployment MILP.
    public var milpColumns: Double
    public var milpNonzeros: Double
    /// Bytes of the cached stage tables.
    public var memoryBytes: Double

    /// The estimate for `models` models on `gpus` GPUs with `samples` quality samples, a threshold
    /// grid of `gridPoints` values and `budgetCandidates` per-stage budgets per evaluation.
    public init(models: Int, gpus: Int, samples: Int, gridPoints: Int, budgetCandidates: Int) {
        let c = Double(models), n = Double(gpus), s = Double(samples), g = Double(gridPoints)
        let free = max(0, c - 1)
        let coarse = Foundation.pow(6, free)
        evaluations = 1 + (coarse <= 216 ? coarse : 0) + 3 * free * max(0, g - 1)
        let candidates = Double(max(1, budgetCandidates))
        let dp = c * (n + 1) * (n + 2) / 2
        let replay = s * c
        let qualityGrid = Foundation.pow(g, free) * replay
        planningSteps = evaluations * (candidates * dp + replay) + qualityGrid
        milpColumns = c * (n + 1) + 1
        milpNonzeros = 3 * c * (n + 1) + 2 * c
        memoryBytes = evaluations * candidates * c * (n + 1) * 40
    }

    /// The estimate for `problem` (`budgetCandidates` as the planner will try them).
    public init(problem: CascadeProblem) {
        let c = problem.models.count
        var candidates = 1
        if problem.objective == .throughput && problem.stageBudget == .search {
            // whole, split, and every composition of 5 into c parts: C(4, c − 1).
            var compositions = 1
            for k in 0..<max(0, c - 1) { compositions = compositions * (4 - k) / (k + 1) }
            candidates = 2 + max(0, compositions)
        }
        self.init(
            models: c, gpus: problem.totalGPUs, samples: problem.samples.requests.count,
            gridPoints: problem.thresholdGrid.count, budgetCandidates: candidates)
    }

    /// Simulated requests of `simulate cascade` with `seeds` seeds of at least `requests` requests
    /// each at `rate` requests/s and p95 SLO `slo` (a run spans at least ten SLOs).
    public static func simulatedRequests(seeds: Int, requests: Int, rate: Double, slo: Double) -> Double {
        let perRun = max(Double(requests), (rate * 10 * slo).rounded(.up))
        return Double(seeds) * 5 * 19 * perRun
    }

    /// Throws when the planning steps exceed `maxPlanningSteps` (unless `limits` allow large work)
    /// or the tables' memory exceeds `limits`; `path` names the key that drives the size.
    public func check(_ limits: WorkLimits, at path: String) throws(ScenarioError) {
        if !limits.allowLarge && planningSteps > Self.maxPlanningSteps {
            throw ScenarioError(path: path, "planning needs about \(Self.format(planningSteps)) steps (\(Self.format(evaluations)) "
                + "threshold candidates, each a deployment DP over the GPUs and a replay of the sample; the final MILP has "
                + "\(Self.format(milpColumns)) columns and \(Self.format(milpNonzeros)) nonzeros), over the limit of "
                + "\(Self.format(Self.maxPlanningSteps)); use fewer GPUs, models or samples, a coarser thresholdStep, "
                + "or --allow-large")
        }
        try limits.check(memoryBytes: memoryBytes, what: "the stage tables of the threshold search", at: path)
    }

    static func format(_ value: Double) -> String { value < 1e6 ? String(Int(value.rounded())) : String(format: "%.2g", value) }
}
