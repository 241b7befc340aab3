/// The one error type of planning and evaluation: it knows whether the input was bad (exit 2) or
/// GPUSched failed (exit 1), and carries one line per problem.
/// ```
/// throw PlanningError.badInput("CG-BP cannot place the model for |R| = 12: …")
/// ```
public struct PlanningError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Whose fault it is.
    public enum Cause: Sendable, Equatable {
        /// The scenario, a flag or a file: the user can fix it (exit 2), an infeasible model included.
        case badInput
        /// GPUSched itself (exit 1).
        case failure
    }

    public var cause: Cause
    /// One line per problem, without the `error: ` prefix.
    public var lines: [String]

    public init(_ cause: Cause, lines: [String]) {
        self.cause = cause
        self.lines = lines.isEmpty ? ["planning failed"] : lines
    }

    /// Bad input, one line.
    public static func badInput(_ message: String) -> PlanningError { PlanningError(.badInput, lines: [message]) }
    /// A failure of GPUSched, one line.
    public static func failure(_ message: String) -> PlanningError { PlanningError(.failure, lines: [message]) }

    /// The lines joined by "; ".
    public var description: String { lines.joined(separator: "; ") }

    /// The same error with `prefix` before each line (e.g. "re-planning: ").
    public func prefixed(_ prefix: String) -> PlanningError {
        PlanningError(cause, lines: lines.map { prefix + $0 })
    }
}
