/// Whether the objective is minimised or maximised.
public enum ObjectiveSense: Sendable, Hashable {
    case minimize
    case maximize
}

/// A handle to a constraint (row) of a `LinearModel`, used to read its dual value.
public struct Constraint: Sendable, Hashable {
    /// Row index in the model (0-based, in creation order).
    public let index: Int

    /// Wraps a row index.
    public init(index: Int) { self.index = index }
}

/// A linear or mixed-integer program, independent of any solver backend.
///
/// ```swift
/// var model = LinearModel()
/// let x = model.addVariable(name: "x", lower: 0)
/// let y = model.addVariable(name: "y", lower: 0)
/// model.addConstraint(x + 2 * y <= 14, name: "labour", family: "resources")
/// model.maximize(3 * x + 4 * y)
/// let result = try HighsSolver().solve(model)
/// ```
///
/// Rows are stored row-wise as they are added (appending is O(terms)); a backend receives the
/// column-wise form from `columnwiseMatrix()`. Constraints may carry a *family* name (e.g.
/// "capacity"), which infeasibility diagnosis reports instead of single rows.
public struct LinearModel: Sendable {
    /// A name for the model (written into exported files).
    public var name: String
    /// Minimise or maximise.
    public private(set) var sense: ObjectiveSense = .minimize
    /// Constant added to the objective.
    public private(set) var objectiveOffset: Double = 0
    /// Objective coefficient of each column.
    public private(set) var objectiveCoefficients: [Double] = []

    /// Lower bound of each column.
    public private(set) var columnLower: [Double] = []
    /// Upper bound of each column.
    public private(set) var columnUpper: [Double] = []
    /// Kind of each column.
    public private(set) var columnKind: [VariableKind] = []
    private var columnNames: [String?] = []

    /// Lower bound of each row.
    public private(set) var rowLower: [Double] = []
    /// Upper bound of each row.
    public private(set) var rowUpper: [Double] = []
    private var rowNames: [String?] = []
    private var rowFamily: [Int32] = []
    /// Distinct family names; index 0 is the unnamed family.
    private var familyNames: [String] = [""]
    private var familyIndex: [String: Int32] = ["": 0]
    /// Row-wise (CSR) storage of the constraint matrix, duplicates not yet merged.
    private var rowStart: [Int] = [0]
    private var rowColumns: [Int32] = []
    private var rowValues: [Double] = []

    /// An empty model.
    public init(name: String = "gpusched") {
        self.name = name
    }

    // MARK: Sizes

    /// Number of variables (columns).
    public var variableCount: Int { columnLower.count }
    /// Number of constraints (rows).
    public var constraintCount: Int { rowLower.count }
    /// Number of stored constraint terms (before merging duplicates).
    public var termCount: Int { rowColumns.count }
    /// True when some variable is integer or binary.
    public var isMixedInteger: Bool { columnKind.contains { $0 != .continuous } }

    // MARK: Variables

    /// Adds one variable. Binary variables get bounds [max(0, lower), min(1, upper)].
    public mutating func addVariable(
        name: String? = nil, lower: Double = 0, upper: Double = .infinity, kind: VariableKind = .continuous
    ) -> Variable {
        let variable = Variable(index: columnLower.count)
        if kind == .binary {
            columnLower.append(max(0, lower))
            columnUpper.append(min(1, upper))
        } else {
            columnLower.append(lower)
            columnUpper.append(upper)
        }
        columnKind.append(kind)
        columnNames.append(name)
        objectiveCoefficients.append(0)
        return variable
    }

    /// Adds `count` variables with the same bounds and kind; `name(i)` names the i-th one.
    public mutating func addVariables(
        count: Int, lower: Double = 0, upper: Double = .infinity, kind: VariableKind = .continuous,
        name: ((Int) -> String)? = nil
    ) -> [Variable] {
        (0..<count).map { addVariable(name: name?($0), lower: lower, upper: upper, kind: kind) }
    }

    /// Changes a variable's bounds.
    public mutating func setBounds(of variable: Variable, lower: Double, upper: Double) {
        columnLower[variable.index] = lower
        columnUpper[variable.index] = upper
    }

    /// The variable's name, or `x<index>` when it has none.
    public func name(of variable: Variable) -> String {
        columnNames[variable.index] ?? "x\(variable.index)"
    }

    // MARK: Constraints

    /// Adds a constraint; the expression's constant moves into the bounds.
    /// - Parameters:
    ///   - name: shown in reports and exported files (`c<index>` when absent).
    ///   - family: the group the row belongs to ("capacity", "demand", ...), used to explain infeasibility.
    @discardableResult
    public mutating func addConstraint(_ constraint: LinearConstraint, name: String? = nil, family: String? = nil) -> Constraint {
        let row = Constraint(index: rowLower.count)
        let expression = constraint.expression
        rowColumns.append(contentsOf: expression.indices)
        rowValues.append(contentsOf: expression.coefficients)
        rowStart.append(rowColumns.count)
        rowLower.append(constraint.lower - expression.constant)
        rowUpper.append(constraint.upper - expression.constant)
        rowNames.append(name)
        rowFamily.append(familyID(family ?? ""))
        return row
    }

    /// The constraint's name, or `c<index>` when it has none.
    public func name(of constraint: Constraint) -> String {
        rowNames[constraint.index] ?? "c\(constraint.index)"
    }

    /// The constraint's family name, or nil when it has none.
    public func family(of constraint: Constraint) -> String? {
        let id = Int(rowFamily[constraint.index])
        return id == 0 ? nil : familyNames[id]
    }

    /// The distinct family names used by rows, in order of first use.
    public var families: [String] { Array(familyNames.dropFirst()) }

    /// The terms of one row as stored (duplicates not merged).
    public func terms(of constraint: Constraint) -> (columns: ArraySlice<Int32>, values: ArraySlice<Double>) {
        let range = rowStart[constraint.index]..<rowStart[constraint.index + 1]
        return (rowColumns[range], rowValues[range])
    }

    private mutating func familyID(_ family: String) -> Int32 {
        if let id = familyIndex[family] { return id }
        let id = Int32(familyNames.count)
        familyNames.append(family)
        familyIndex[family] = id
        return id
    }

    // MARK: Objective

    /// Sets the objective to minimise `expression` (its constant becomes the objective offset).
    public mutating func minimize(_ expression: LinearExpression) { setObjective(expression, sense: .minimize) }

    /// Sets the objective to maximise `expression` (its constant becomes the objective offset).
    public mutating func maximize(_ expression: LinearExpression) { setObjective(expression, sense: .maximize) }

    /// Sets the objective and its sense.
    public mutating func setObjective(_ expression: LinearExpression, sense: ObjectiveSense) {
        self.sense = sense
        objectiveOffset = expression.constant
        objectiveCoefficients = [Double](repeating: 0, count: variableCount)
        for k in expression.indices.indices {
            objectiveCoefficients[Int(expression.indices[k])] += expression.coefficients[k]
        }
    }

    // MARK: Derived models

    /// A copy keeping only the rows for which `keep(row)` is true (variables, bounds and objective unchanged).
    public func keepingRows(where keep: (Constraint) -> Bool) -> LinearModel {
        var copy = self
        copy.rowLower = []
        copy.rowUpper = []
        copy.rowNames = []
        copy.rowFamily = []
        copy.rowStart = [0]
        copy.rowColumns = []
        copy.rowValues = []
        for index in 0..<constraintCount where keep(Constraint(index: index)) {
            let range = rowStart[index]..<rowStart[index + 1]
            copy.rowColumns.append(contentsOf: rowColumns[range])
            copy.rowValues.append(contentsOf: rowValues[range])
            copy.rowStart.append(copy.rowColumns.count)
            copy.rowLower.append(rowLower[index])
            copy.rowUpper.append(rowUpper[index])
            copy.rowNames.append(rowNames[index])
            copy.rowFamily.append(rowFamily[index])
        }
        return copy
    }

    /// A copy with every integer and binary variable made continuous (the LP relaxation, whose row
    /// duals are the shadow prices a MILP does not have).
    public func relaxingIntegrality() -> LinearModel {
        var copy = self
        copy.columnKind = columnKind.map { _ in .continuous }
        return copy
    }

    /// A copy with the objective removed (a pure feasibility problem).
    public func withoutObjective() -> LinearModel {
        var copy = self
        copy.setObjective(LinearExpression(), sense: .minimize)
        return copy
    }

    // MARK: Checks and matrix form

    /// Throws `SolverError.invalidModel` naming the first variable or constraint with a NaN value,
    /// crossed bounds or an index outside the model.
    public func validate() throws {
        for j in 0..<variableCount {
            let variable = Variable(index: j)
            if columnLower[j].isNaN || columnUpper[j].isNaN {
                throw SolverError.invalidModel("variable '\(name(of: variable))' has a NaN bound")
            }
            if columnLower[j] > columnUpper[j] {
                throw SolverError.invalidModel(
                    "variable '\(name(of: variable))' has lower bound \(columnLower[j]) above upper bound \(columnUpper[j])")
            }
            if !objectiveCoefficients[j].isFinite {
                throw SolverError.invalidModel("objective coefficient of '\(name(of: variable))' is \(objectiveCoefficients[j])")
            }
        }
        if !objectiveOffset.isFinite {
            throw SolverError.invalidModel("objective constant is \(objectiveOffset)")
        }
        for i in 0..<constraintCount {
            let row = Constraint(index: i)
            if rowLower[i].isNaN || rowUpper[i].isNaN {
                throw SolverError.invalidModel("constraint '\(name(of: row))' has a NaN bound")
            }
            for k in rowStart[i]..<rowStart[i + 1] {
                if !rowValues[k].isFinite {
                    throw SolverError.invalidModel("constraint '\(name(of: row))' has coefficient \(rowValues[k])")
                }
                if rowColumns[k] < 0 || Int(rowColumns[k]) >= variableCount {
                    throw SolverError.invalidModel(
                        "constraint '\(name(of: row))' refers to variable index \(rowColumns[k]) outside the model")
                }
            }
        }
    }

    /// The constraint matrix in compressed sparse column form, with duplicate terms of a row
    /// summed and zero coefficients dropped. O(terms + variables), no intermediate copies:
    /// a counting sort by column (rows stay ascending within a column, so duplicates of one
    /// row end up adjacent) followed by an in-place compaction.
    public func columnwiseMatrix() -> ColumnwiseMatrix {
        let columnCount = variableCount
        var start = [Int32](repeating: 0, count: columnCount + 1)
        for column in rowColumns { start[Int(column) + 1] += 1 }
        for j in 0..<columnCount { start[j + 1] += start[j] }
        let stored = rowColumns.count
        var index = [Int32](repeating: 0, count: stored)
        var value = [Double](repeating: 0, count: stored)
        var next = start
        for i in 0..<constraintCount {
            let row = Int32(i)
            for k in rowStart[i]..<rowStart[i + 1] {
                let column = Int(rowColumns[k])
                let slot = Int(next[column])
                index[slot] = row
                value[slot] = rowValues[k]
                next[column] = Int32(slot + 1)
            }
        }
        // Merge adjacent entries of the same row and drop zeros, compacting in place.
        var write = 0
        var read = 0
        for j in 0..<columnCount {
            let end = Int(start[j + 1])
            start[j] = Int32(write)
            while read < end {
                let row = index[read]
                var sum = value[read]
                read += 1
                while read < end && index[read] == row {
                    sum += value[read]
                    read += 1
                }
                if sum != 0 {
                    index[write] = row
                    value[write] = sum
                    write += 1
                }
            }
        }
        start[columnCount] = Int32(write)
        index.removeLast(stored - write)
        value.removeLast(stored - write)
        return ColumnwiseMatrix(start: start, index: index, value: value)
    }

    /// Reserves room for more variables, constraints and constraint terms, so that building a
    /// large model does not reallocate its arrays repeatedly. Purely a performance hint.
    public mutating func reserveCapacity(variables: Int = 0, constraints: Int = 0, terms: Int = 0) {
        func grow<T>(_ array: inout [T], by extra: Int) {
            let needed = array.count + extra
            if needed > array.capacity { array.reserveCapacity(max(needed, 2 * array.capacity)) }
        }
        grow(&columnLower, by: variables)
        grow(&columnUpper, by: variables)
        grow(&columnKind, by: variables)
        grow(&columnNames, by: variables)
        grow(&objectiveCoefficients, by: variables)
        grow(&rowLower, by: constraints)
        grow(&rowUpper, by: constraints)
        grow(&rowNames, by: constraints)
        grow(&rowFamily, by: constraints)
        grow(&rowStart, by: constraints)
        grow(&rowColumns, by: terms)
        grow(&rowValues, by: terms)
    }
}

/// A sparse matrix in compressed sparse column (CSC) form with 32-bit indices, as HiGHS takes it.
public struct ColumnwiseMatrix: Sendable, Hashable {
    /// `start[j]..<start[j+1]` are column j's entries; `count = columns + 1`.
    public var start: [Int32]
    /// Row index of each entry.
    public var index: [Int32]
    /// Value of each entry.
    public var value: [Double]
}
