/// Settings for one solve.
public struct SolveOptions: Sendable, Hashable {
    /// Wall-clock limit in seconds (nil: none). A MILP that hits it returns its incumbent, not an error.
    public var timeLimit: Double?
    /// Relative MIP gap at which a MILP counts as solved (HiGHS default 1e-4).
    public var relativeGap: Double?
    /// Solver threads (nil: the backend decides).
    public var threads: Int?
    /// Print the backend's log to standard output.
    public var verbose: Bool
    /// A starting solution for a MILP, one value per variable (e.g. from a greedy heuristic).
    public var initialSolution: [Double]?
    /// Backend-specific options by name, passed through as text (HiGHS parses them by type).
    public var backendOptions: [String: String]

    /// Creates options; every setting defaults to the backend's own default, with output off.
    public init(
        timeLimit: Double? = nil, relativeGap: Double? = nil, threads: Int? = nil, verbose: Bool = false,
        initialSolution: [Double]? = nil, backendOptions: [String: String] = [:]
    ) {
        self.timeLimit = timeLimit
        self.relativeGap = relativeGap
        self.threads = threads
        self.verbose = verbose
        self.initialSolution = initialSolution
        self.backendOptions = backendOptions
    }
}
