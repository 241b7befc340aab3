/// File formats a model can be exported to.
public enum ModelFileFormat: String, Sendable, CaseIterable {
    /// Fixed/free MPS, read by every LP/MILP solver.
    case mps
    /// CPLEX LP format, easier to read by eye.
    case lp

    /// The format implied by a path's extension, or nil.
    public init?(path: String) {
        guard let dot = path.lastIndex(of: ".") else { return nil }
        self.init(rawValue: path[path.index(after: dot)...].lowercased())
    }
}

/// A solver backend: takes a whole `LinearModel` and returns a `SolveResult`.
///
/// The modelling layer never depends on a particular backend; `HighsSolver` is the shipped one.
public protocol LinearSolver: Sendable {
    /// Solves the model. Throws `SolverError` only when the solve cannot run; infeasible,
    /// unbounded and time-limited outcomes are statuses of the result.
    func solve(_ model: LinearModel, options: SolveOptions) throws -> SolveResult

    /// Writes the model to a file whose format follows the path's extension (`.mps` or `.lp`).
    func export(_ model: LinearModel, to path: String) throws
}

extension LinearSolver {
    /// Solves with default options.
    public func solve(_ model: LinearModel) throws -> SolveResult {
        try solve(model, options: SolveOptions())
    }
}
