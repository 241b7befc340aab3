import ServingModel

/// The work `plan deploy` may start, estimated before any of it: the patterns the search
/// evaluates and the requests the verification simulates, checked against the work limits.
/// ```
/// try DeployWorkEstimate(problem: problem).check(.default)
/// ```
public struct DeployWorkEstimate: Sendable {
    public var problem: DeployProblem

    /// Most replica patterns one plan may evaluate (models × GPU types × layouts × roles × limits).
    public static let maximumPatterns = 200_000
    /// Simulations per model in one plan: a verification per round, the certified-rate bisection
    /// (at most 12 runs), and the three baselines' verification and bisection.
    public static func simulationsPerModel(rounds: Int) -> Int { rounds + 12 + 3 * 13 }

    public init(problem: DeployProblem) {
        self.problem = problem
    }

    /// Upper bound on the patterns: every TP and PP degree, every role and every pair of limits.
    public var patternBound: Int {
        let settings = problem.settings
        let layouts = settings.tensorParallel.count * max(1, settings.pipelineParallel.count)
        let limits = settings.maxBatches.count * settings.chunkTokens.count
        return problem.models.count * problem.fleet.count * layouts * 3 * limits
    }

    /// Requests the verification may simulate in all.
    public var simulatedRequests: Double {
        let settings = problem.settings
        return Double(problem.models.count) * Double(settings.seeds.count) * Double(settings.requestsPerSeed)
            * Double(Self.simulationsPerModel(rounds: settings.maxRounds))
    }

    /// Throws when the patterns or the simulated requests exceed the limits.
    public func check(_ limits: WorkLimits) throws(ScenarioError) {
        if patternBound > Self.maximumPatterns, !limits.allowLarge {
            throw ScenarioError(
                path: "engine", "the search would evaluate up to \(patternBound) replica patterns (limit \(Self.maximumPatterns)); "
                    + "give fewer maxBatch/chunkTokens values or fewer GPU types, or pass --allow-large")
        }
        try limits.check(
            requests: simulatedRequests, what: "simulated requests (models × seeds × requests × simulations per model)",
            at: "verification.requests")
    }
}
