/// How a solve ended.
public enum SolveStatus: Sendable, Hashable, CustomStringConvertible {
    /// Proven optimal (for a MILP: within the relative gap option).
    case optimal
    /// No solution satisfies the constraints and bounds.
    case infeasible
    /// The objective improves without limit.
    case unbounded
    /// The time limit was reached; `hasSolution` tells whether an incumbent was found.
    case timeLimit(hasSolution: Bool)
    /// Anything else the backend reported (iteration limit, numerical trouble, ...).
    case other(String)

    /// True when primal values are available (optimal, or a time limit with an incumbent).
    public var hasSolution: Bool {
        switch self {
        case .optimal: return true
        case let .timeLimit(hasSolution): return hasSolution
        case .infeasible, .unbounded, .other: return false
        }
    }

    /// Stable camelCase name for JSON output.
    public var name: String {
        switch self {
        case .optimal: return "optimal"
        case .infeasible: return "infeasible"
        case .unbounded: return "unbounded"
        case let .timeLimit(hasSolution): return hasSolution ? "timeLimitFeasible" : "timeLimitNoSolution"
        case .other: return "other"
        }
    }

    public var description: String {
        switch self {
        case let .other(detail): return "other (\(detail))"
        case let .timeLimit(hasSolution): return hasSolution ? "time limit (incumbent found)" : "time limit (no solution)"
        default: return name
        }
    }
}

/// The outcome of a solve: status, objective, bound, gap, timing and solution values.
///
/// Values are indexed by variable (`result[x]`), duals by constraint (`result.dual(of: row)`).
/// Duals are shadow prices: the change of the objective per unit increase of the row's bound
/// (for a maximisation too), available for LPs solved to optimality.
public struct SolveResult: Sendable {
    /// How the solve ended.
    public var status: SolveStatus
    /// Objective of the returned solution, offset included (nil without a solution).
    public var objectiveValue: Double?
    /// Best proven bound on the optimum (the MILP dual bound; equals the objective for an optimal LP).
    public var bestBound: Double?
    /// Relative gap |objective − bound| / |objective| (0 for an optimal LP; nil when unknown).
    public var relativeGap: Double?
    /// Seconds the backend spent solving (model passing excluded).
    public var solveSeconds: Double
    /// Branch-and-bound nodes explored (0 for an LP).
    public var nodeCount: Int
    /// Primal value of each variable (empty without a solution).
    public var values: [Double]
    /// Row duals (shadow prices), one per constraint; empty for a MILP or without an optimal LP.
    public var rowDuals: [Double]
    /// Reduced cost of each variable; empty for a MILP or without an optimal LP.
    public var reducedCosts: [Double]

    /// Creates a result (backends use this).
    public init(
        status: SolveStatus, objectiveValue: Double?, bestBound: Double?, relativeGap: Double?, solveSeconds: Double,
        nodeCount: Int, values: [Double], rowDuals: [Double], reducedCosts: [Double]
    ) {
        self.status = status
        self.objectiveValue = objectiveValue
        self.bestBound = bestBound
        self.relativeGap = relativeGap
        self.solveSeconds = solveSeconds
        self.nodeCount = nodeCount
        self.values = values
        self.rowDuals = rowDuals
        self.reducedCosts = reducedCosts
    }

    /// The value of a variable in the returned solution (NaN without one).
    public subscript(variable: Variable) -> Double {
        values.indices.contains(variable.index) ? values[variable.index] : .nan
    }

    /// The value of an expression in the returned solution (NaN without one).
    public func value(of expression: LinearExpression) -> Double {
        values.isEmpty ? .nan : expression.value(at: values)
    }

    /// The shadow price of a constraint (nil when duals are unavailable).
    public func dual(of constraint: Constraint) -> Double? {
        rowDuals.indices.contains(constraint.index) ? rowDuals[constraint.index] : nil
    }

    /// The reduced cost of a variable (nil when unavailable).
    public func reducedCost(of variable: Variable) -> Double? {
        reducedCosts.indices.contains(variable.index) ? reducedCosts[variable.index] : nil
    }
}
