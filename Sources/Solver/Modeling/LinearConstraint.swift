/// `lower ≤ expression ≤ upper`; an infinite bound is absent.
///
/// Build one with the comparison operators (`x + y <= 4`, `2 * x == y`), or directly for a ranged
/// row: `LinearConstraint(x + y, lower: 1, upper: 4)`. The expression's constant is moved into the
/// bounds when the constraint is added to a model.
public struct LinearConstraint: Sendable, Hashable {
    /// The constrained expression.
    public var expression: LinearExpression
    /// Lower bound (`-.infinity` when absent).
    public var lower: Double
    /// Upper bound (`+.infinity` when absent).
    public var upper: Double

    /// A ranged constraint.
    public init(_ expression: LinearExpression, lower: Double = -.infinity, upper: Double = .infinity) {
        self.expression = expression
        self.lower = lower
        self.upper = upper
    }
}

// MARK: - Comparison operators

extension LinearExpression {
    public static func <= (lhs: LinearExpression, rhs: LinearExpression) -> LinearConstraint {
        LinearConstraint(lhs - rhs, upper: 0)
    }

    public static func >= (lhs: LinearExpression, rhs: LinearExpression) -> LinearConstraint {
        LinearConstraint(lhs - rhs, lower: 0)
    }

    public static func == (lhs: LinearExpression, rhs: LinearExpression) -> LinearConstraint {
        LinearConstraint(lhs - rhs, lower: 0, upper: 0)
    }

    public static func <= (lhs: LinearExpression, rhs: Double) -> LinearConstraint {
        LinearConstraint(lhs, upper: rhs)
    }

    public static func >= (lhs: LinearExpression, rhs: Double) -> LinearConstraint {
        LinearConstraint(lhs, lower: rhs)
    }

    public static func == (lhs: LinearExpression, rhs: Double) -> LinearConstraint {
        LinearConstraint(lhs, lower: rhs, upper: rhs)
    }
}

extension Variable {
    public static func <= (lhs: Variable, rhs: Double) -> LinearConstraint { lhs.expression <= rhs }
    public static func >= (lhs: Variable, rhs: Double) -> LinearConstraint { lhs.expression >= rhs }
    public static func == (lhs: Variable, rhs: Double) -> LinearConstraint { lhs.expression == rhs }
    public static func <= (lhs: Variable, rhs: LinearExpression) -> LinearConstraint { lhs.expression <= rhs }
    public static func >= (lhs: Variable, rhs: LinearExpression) -> LinearConstraint { lhs.expression >= rhs }
    public static func == (lhs: Variable, rhs: LinearExpression) -> LinearConstraint { lhs.expression == rhs }
    public static func <= (lhs: LinearExpression, rhs: Variable) -> LinearConstraint { lhs <= rhs.expression }
    public static func >= (lhs: LinearExpression, rhs: Variable) -> LinearConstraint { lhs >= rhs.expression }
    public static func == (lhs: LinearExpression, rhs: Variable) -> LinearConstraint { lhs == rhs.expression }
    public static func <= (lhs: Variable, rhs: Variable) -> LinearConstraint { lhs.expression <= rhs.expression }
    public static func >= (lhs: Variable, rhs: Variable) -> LinearConstraint { lhs.expression >= rhs.expression }
    public static func == (lhs: Variable, rhs: Variable) -> LinearConstraint { lhs.expression == rhs.expression }
}
