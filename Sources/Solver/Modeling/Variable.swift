/// The domain of a decision variable.
public enum VariableKind: Sendable, Hashable {
    /// Any real value within the bounds.
    case continuous
    /// Any integer within the bounds.
    case integer
    /// 0 or 1 (an integer variable whose bounds are clamped to [0, 1]).
    case binary
}

/// A handle to a decision variable of a `LinearModel`.
///
/// A variable is just its column index; it is only meaningful with the model that created it.
/// Combine variables with `+`, `-` and `*` to build `LinearExpression`s:
/// ```swift
/// var model = LinearModel()
/// let x = model.addVariable(name: "x", lower: 0)
/// let y = model.addVariable(name: "y", lower: 0, kind: .integer)
/// model.addConstraint(2 * x + 3 * y <= 12, name: "capacity")
/// ```
public struct Variable: Sendable, Hashable {
    /// Column index in the model (0-based, in creation order).
    public let index: Int

    /// Wraps a column index.
    public init(index: Int) { self.index = index }
}
