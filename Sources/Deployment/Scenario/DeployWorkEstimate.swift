import ServingModel

/// The work `plan deploy` may start, estimated before any of it: the patterns the search
/// evaluates and the requests the verification simulates, checked against the work limits.
/// ```
/// try DeployWorkEstimate(problem: problem).checkPatterns(.default)
/// try DeployWorkEstimate(problem: problem).checkSimulation(.default)   // when the plan is simulated
/// ```
public struct DeployWorkEstimate: Sendable {
    public var problem: DeployProblem

    /// Most replica patterns one plan may evaluate (models × GPU types × layouts × roles × limits).
    public static let maximumPatterns = 200_000
    /// Simulations per model in one plan: each round's verification and certified-rate search (a
    /// halving then a bisection to 1 %: at most 10 runs together), and the same for the three
    /// baselines.
    public static func simulationsPerModel(rounds: Int) -> Int { 10 * (rounds + 3) }
    /// A run simulates its measured requests and a warm-up of a quarter more.
    public static let warmUpShare = 1.25

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
        return Double(problem.models.count) * Double(settings.seeds.count) * Double(settings.requestsPerSeed) * Self.warmUpShare
            * Double(Self.simulationsPerModel(rounds: settings.maxRounds))
    }

    /// Throws when the patterns exceed the limit (what every plan evaluates).
    public func checkPatterns(_ limits: WorkLimits) throws(ScenarioError) {
        if patternBound > Self.maximumPatterns, !limits.allowLarge {
            throw ScenarioError(
                path: "engine", "the search would evaluate up to \(patternBound) replica patterns (limit \(Self.maximumPatterns)); "
                    + "give fewer maxBatch/chunkTokens values or fewer GPU types, or pass --allow-large")
        }
    }

    /// Throws when the verification's simulated requests exceed the limits (checked only when the
    /// plan is simulated: `--no-evaluate` runs none).
    public func checkSimulation(_ limits: WorkLimits) throws(ScenarioError) {
        try limits.check(
            requests: simulatedRequests,
            what: "simulated requests (models × seeds × requests × 1.25 warm-up × 10 runs per verification round and baseline)",
            at: "verification.requests")
    }
}
