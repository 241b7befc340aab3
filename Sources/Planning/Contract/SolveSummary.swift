import Solver

/// How a plan's solve ended, the same keys for every planner and `gpusched solve`:
/// `status`, `objective`, `bestBound`, `relativeGap`, `solveSeconds`, `wallSeconds`, `nodes`, `solves`.
///
/// `solveSeconds` is the time inside the LP/MILP backend, `wallSeconds` the whole planning step
/// (model building, heuristics and every solve). Values that do not exist are `null`: a heuristic
/// has no bound, an LP's gap is 0.
/// ```
/// let summary = SolveSummary(result, wallSeconds: 0.12)   // one LP or MILP
/// let search = SolveSummary.heuristic(objective: 3.2, wallSeconds: 1.4, solves: 96)
/// ```
public struct SolveSummary: Sendable, Codable, Equatable {
    /// The status names of the JSON contract.
    public enum Status: String, Sendable, Codable, CaseIterable {
        /// Proven optimal (a MILP within its relative-gap option).
        case optimal
        case infeasible
        case unbounded
        /// The time limit stopped the solve with an incumbent.
        case timeLimitFeasible
        /// The time limit stopped the solve without a solution.
        case timeLimitNoSolution
        /// No optimality claim: a search, a greedy rule or a placement heuristic.
        case heuristic
        /// Anything else the backend reported (a node or iteration limit, numerical trouble).
        case other

        /// The contract's name of a backend status.
        public init(_ status: SolveStatus) {
            switch status {
            case .optimal: self = .optimal
            case .infeasible: self = .infeasible
            case .unbounded: self = .unbounded
            case let .timeLimit(hasSolution): self = hasSolution ? .timeLimitFeasible : .timeLimitNoSolution
            case .other: self = .other
            }
        }
    }

    public var status: Status
    @Nullable public var objective: Double?
    @Nullable public var bestBound: Double?
    @Nullable public var relativeGap: Double?
    /// Seconds inside the LP/MILP backend, over every solve.
    public var solveSeconds: Double
    /// Seconds of the whole planning step.
    public var wallSeconds: Double
    /// Branch-and-bound nodes over every solve (0 for LPs and heuristics).
    public var nodes: Int
    /// LP/MILP solves run (0 for a heuristic that solves none).
    public var solves: Int

    public init(
        status: Status, objective: Double?, bestBound: Double?, relativeGap: Double?, solveSeconds: Double,
        wallSeconds: Double, nodes: Int, solves: Int
    ) {
        self.status = status
        self.objective = objective
        self.bestBound = bestBound
        self.relativeGap = relativeGap
        self.solveSeconds = solveSeconds
        self.wallSeconds = wallSeconds
        self.nodes = nodes
        self.solves = solves
    }

    /// The summary of one backend solve; `wallSeconds` defaults to the solver's own time.
    public init(_ result: SolveResult, wallSeconds: Double? = nil) {
        self.init(
            status: Status(result.status), objective: result.objectiveValue, bestBound: result.bestBound,
            relativeGap: result.relativeGap, solveSeconds: result.solveSeconds,
            wallSeconds: wallSeconds ?? result.solveSeconds, nodes: result.nodeCount, solves: 1)
    }

    /// A plan found without an optimality proof (no bound, no gap), after `solves` LP/MILP solves
    /// taking `solveSeconds` of the `wallSeconds`.
    public static func heuristic(
        objective: Double?, wallSeconds: Double, solveSeconds: Double = 0, solves: Int = 0, nodes: Int = 0
    ) -> SolveSummary {
        SolveSummary(
            status: .heuristic, objective: objective, bestBound: nil, relativeGap: nil, solveSeconds: solveSeconds,
            wallSeconds: wallSeconds, nodes: nodes, solves: solves)
    }
}
