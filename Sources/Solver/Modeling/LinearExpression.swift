/// An affine function of variables: Σ coefficientᵢ·variableᵢ + constant.
///
/// Terms are kept as parallel arrays in insertion order; a variable may appear more than once and
/// its coefficients add up (the model merges them when it is passed to a backend). Appending is
/// O(1), so building big models term by term stays cheap.
public struct LinearExpression: Sendable, Hashable {
    /// Column indices of the terms.
    public private(set) var indices: [Int32]
    /// Coefficients of the terms, parallel to `indices`.
    public private(set) var coefficients: [Double]
    /// The constant offset.
    public var constant: Double

    /// The zero expression.
    public init() {
        indices = []
        coefficients = []
        constant = 0
    }

    /// A constant expression.
    public init(constant: Double) {
        self.init()
        self.constant = constant
    }

    /// `coefficient · variable`.
    public init(_ variable: Variable, coefficient: Double = 1) {
        indices = [Int32(truncatingIfNeeded: variable.index)]
        coefficients = [coefficient]
        constant = 0
    }

    /// Σ variables (all coefficients 1).
    public static func sum<S: Sequence>(_ variables: S) -> LinearExpression where S.Element == Variable {
        var expression = LinearExpression()
        for variable in variables { expression.add(variable) }
        return expression
    }

    /// Σ coefficient·variable over (variable, coefficient) pairs.
    public static func sum<S: Sequence>(_ terms: S) -> LinearExpression where S.Element == (Variable, Double) {
        var expression = LinearExpression()
        for (variable, coefficient) in terms { expression.add(variable, coefficient: coefficient) }
        return expression
    }

    /// Number of stored terms (duplicates counted separately).
    public var termCount: Int { indices.count }

    /// Appends `coefficient · variable`.
    public mutating func add(_ variable: Variable, coefficient: Double = 1) {
        indices.append(Int32(truncatingIfNeeded: variable.index))
        coefficients.append(coefficient)
    }

    /// Appends every term of `other` scaled by `factor`, and its scaled constant.
    public mutating func add(_ other: LinearExpression, scaledBy factor: Double = 1) {
        indices.append(contentsOf: other.indices)
        if factor == 1 {
            coefficients.append(contentsOf: other.coefficients)
        } else {
            coefficients.append(contentsOf: other.coefficients.lazy.map { $0 * factor })
        }
        constant += other.constant * factor
    }

    /// Reserves room for `count` more terms. Grows at least geometrically, so calling it before
    /// every batch of appends stays linear overall (`Array.reserveCapacity` alone allocates exactly).
    public mutating func reserveCapacity(_ count: Int) {
        let needed = indices.count + count
        guard needed > indices.capacity else { return }
        let target = max(needed, 2 * indices.capacity)
        indices.reserveCapacity(target)
        coefficients.reserveCapacity(target)
    }

    /// The expression's value for given variable values (indexed by column).
    public func value(at values: [Double]) -> Double {
        var total = constant
        for k in indices.indices { total += coefficients[k] * values[Int(indices[k])] }
        return total
    }

    /// The coefficient of each distinct variable, duplicates summed, zero sums dropped, sorted by column.
    public var mergedTerms: [(variable: Variable, coefficient: Double)] {
        var sums: [Int32: Double] = [:]
        for k in indices.indices { sums[indices[k], default: 0] += coefficients[k] }
        return sums.filter { $0.value != 0 }.sorted { $0.key < $1.key }
            .map { (Variable(index: Int($0.key)), $0.value) }
    }
}

// MARK: - Operators

extension LinearExpression {
    public static func + (lhs: LinearExpression, rhs: LinearExpression) -> LinearExpression {
        var result = lhs
        result.add(rhs)
        return result
    }

    public static func - (lhs: LinearExpression, rhs: LinearExpression) -> LinearExpression {
        var result = lhs
        result.add(rhs, scaledBy: -1)
        return result
    }

    public static prefix func - (operand: LinearExpression) -> LinearExpression {
        var result = LinearExpression()
        result.add(operand, scaledBy: -1)
        return result
    }

    public static func * (factor: Double, expression: LinearExpression) -> LinearExpression {
        var result = LinearExpression()
        result.add(expression, scaledBy: factor)
        return result
    }

    public static func * (expression: LinearExpression, factor: Double) -> LinearExpression {
        factor * expression
    }

    public static func / (expression: LinearExpression, divisor: Double) -> LinearExpression {
        (1 / divisor) * expression
    }

    public static func + (lhs: LinearExpression, rhs: Double) -> LinearExpression {
        var result = lhs
        result.constant += rhs
        return result
    }

    public static func - (lhs: LinearExpression, rhs: Double) -> LinearExpression { lhs + (-rhs) }
    public static func + (lhs: Double, rhs: LinearExpression) -> LinearExpression { rhs + lhs }
    public static func - (lhs: Double, rhs: LinearExpression) -> LinearExpression { -rhs + lhs }

    public static func += (lhs: inout LinearExpression, rhs: LinearExpression) { lhs.add(rhs) }
    public static func -= (lhs: inout LinearExpression, rhs: LinearExpression) { lhs.add(rhs, scaledBy: -1) }
    public static func += (lhs: inout LinearExpression, rhs: Variable) { lhs.add(rhs) }
    public static func -= (lhs: inout LinearExpression, rhs: Variable) { lhs.add(rhs, coefficient: -1) }
    public static func += (lhs: inout LinearExpression, rhs: Double) { lhs.constant += rhs }
    public static func -= (lhs: inout LinearExpression, rhs: Double) { lhs.constant -= rhs }
}

extension Variable {
    /// This variable as a one-term expression.
    public var expression: LinearExpression { LinearExpression(self) }

    public static func * (factor: Double, variable: Variable) -> LinearExpression {
        LinearExpression(variable, coefficient: factor)
    }

    public static func * (variable: Variable, factor: Double) -> LinearExpression {
        LinearExpression(variable, coefficient: factor)
    }

    public static func / (variable: Variable, divisor: Double) -> LinearExpression {
        LinearExpression(variable, coefficient: 1 / divisor)
    }

    public static prefix func - (variable: Variable) -> LinearExpression {
        LinearExpression(variable, coefficient: -1)
    }

    public static func + (lhs: Variable, rhs: Variable) -> LinearExpression { lhs.expression + rhs.expression }
    public static func - (lhs: Variable, rhs: Variable) -> LinearExpression { lhs.expression - rhs.expression }
    public static func + (lhs: Variable, rhs: LinearExpression) -> LinearExpression { lhs.expression + rhs }
    public static func - (lhs: Variable, rhs: LinearExpression) -> LinearExpression { lhs.expression - rhs }
    public static func + (lhs: LinearExpression, rhs: Variable) -> LinearExpression { lhs + rhs.expression }
    public static func - (lhs: LinearExpression, rhs: Variable) -> LinearExpression { lhs - rhs.expression }
    public static func + (lhs: Variable, rhs: Double) -> LinearExpression { lhs.expression + LinearExpression(constant: rhs) }
    public static func - (lhs: Variable, rhs: Double) -> LinearExpression { lhs.expression - LinearExpression(constant: rhs) }
    public static func + (lhs: Double, rhs: Variable) -> LinearExpression { LinearExpression(constant: lhs) + rhs.expression }
    public static func - (lhs: Double, rhs: Variable) -> LinearExpression { LinearExpression(constant: lhs) - rhs.expression }
}
