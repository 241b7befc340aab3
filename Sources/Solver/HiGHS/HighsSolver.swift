#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The HiGHS backend: passes the whole model with `Highs_passLp`/`Highs_passMip`, solves it on a
/// fresh HiGHS instance (HiGHS's clocks and limits accumulate per instance), and reads back status,
/// objective, bound, gap, values and, for LPs, duals.
///
/// ```swift
/// let result = try HighsSolver().solve(model, options: SolveOptions(timeLimit: 10, relativeGap: 1e-3))
/// ```
public struct HighsSolver: LinearSolver {
    /// Creates the backend; the library is loaded on the first solve.
    public init() {}

    /// The version of the loaded HiGHS library, or the reason it cannot be loaded.
    public static func libraryVersion() throws -> (version: String, path: String) {
        let library = try HighsLibrary.load()
        return (library.version, library.path)
    }

    public func solve(_ model: LinearModel, options: SolveOptions) throws -> SolveResult {
        let library = try HighsLibrary.load()
        try model.validate()
        let instance = try HighsInstance(library: library, model: model, options: options)
        let result = try instance.solve()
        guard case .other("unbounded or infeasible") = result.status else { return result }
        // Presolve may not tell the two apart: decide by solving the feasibility problem alone.
        let feasibility = try HighsInstance(library: library, model: model.withoutObjective(), options: options).solve()
        var disambiguated = result
        disambiguated.status = feasibility.status == .infeasible ? .infeasible : .unbounded
        return disambiguated
    }

    public func export(_ model: LinearModel, to path: String) throws {
        guard ModelFileFormat(path: path) != nil else {
            throw SolverError.invalidModel(
                "cannot export to '\(path)': the file name must end in "
                    + ModelFileFormat.allCases.map { ".\($0.rawValue)" }.joined(separator: " or "))
        }
        let library = try HighsLibrary.load()
        try model.validate()
        // HiGHS 1.15's LP writer dereferences a null FILE* when it cannot open the file, so the
        // path is opened for writing here first and refused cleanly when that fails.
        guard let probe = fopen(path, "w") else {
            throw SolverError.backendFailure("cannot write '\(path)': \(String(cString: strerror(errno)))")
        }
        fclose(probe)
        let instance = try HighsInstance(library: library, model: model, options: SolveOptions())
        try instance.passNames(of: model)
        let status = path.withCString { library.writeModel(instance.handle, $0) }
        guard status != -1 else { throw SolverError.backendFailure("HiGHS could not write '\(path)'") }
    }

    /// Reads an MPS or LP file and solves it (for models exported earlier or written elsewhere).
    /// Values are by column in the file's order, named by the file's column names.
    /// ```
    /// let solved = try HighsSolver().solveFile(at: "plan.mps")
    /// for (name, value) in zip(solved.variableNames, solved.result.values) { print(name, value) }
    /// ```
    public func solveFile(at path: String, options: SolveOptions = SolveOptions()) throws -> SolvedModelFile {
        let library = try HighsLibrary.load()
        let instance = try HighsInstance(library: library, options: options)
        let status = path.withCString { library.readModel(instance.handle, $0) }
        guard status != -1 else { throw SolverError.invalidModel("HiGHS could not read a model from '\(path)'") }
        return SolvedModelFile(result: try instance.solve(), variableNames: instance.columnNames())
    }
}

/// One HiGHS object holding one model; destroyed with the Swift value.
private final class HighsInstance {
    let library: HighsLibrary
    let handle: HighsLibrary.Handle

    init(library: HighsLibrary, options: SolveOptions) throws {
        guard let handle = library.create() else { throw SolverError.backendFailure("Highs_create returned NULL") }
        self.library = library
        self.handle = handle
        try apply(options)
    }

    convenience init(library: HighsLibrary, model: LinearModel, options: SolveOptions) throws {
        try self.init(library: library, options: options)
        try pass(model)
        if let start = options.initialSolution {
            guard start.count == model.variableCount else {
                throw SolverError.invalidModel(
                    "initial solution has \(start.count) values for \(model.variableCount) variables")
            }
            _ = start.withUnsafeBufferPointer { library.setSolution(handle, $0.baseAddress, nil, nil, nil) }
        }
    }

    deinit { library.destroy(handle) }

    private func apply(_ options: SolveOptions) throws {
        _ = library.setBoolOption(handle, "output_flag", options.verbose ? 1 : 0)
        if let limit = options.timeLimit { try setOption("time_limit", String(limit)) }
        if let gap = options.relativeGap { try setOption("mip_rel_gap", String(gap)) }
        if let threads = options.threads { try setOption("threads", String(threads)) }
        for (name, value) in options.backendOptions.sorted(by: { $0.key < $1.key }) {
            try setOption(name, value)
        }
    }

    private func setOption(_ name: String, _ value: String) throws {
        let status = name.withCString { n in value.withCString { v in library.setStringOption(handle, n, v) } }
        guard status == 0 else { throw SolverError.invalidOption(name: name, value: value) }
    }

    private func pass(_ model: LinearModel) throws {
        guard model.variableCount < Int(Int32.max), model.constraintCount < Int(Int32.max),
              model.termCount < Int(Int32.max) else {
            throw SolverError.invalidModel("model exceeds HiGHS's 32-bit index range")
        }
        let matrix = model.columnwiseMatrix()
        let columnCount = model.variableCount
        let rowCount = model.constraintCount
        let sense: Int32 = model.sense == .minimize ? 1 : -1
        let columnwise: Int32 = 1
        let status: Int32
        if model.isMixedInteger {
            let integrality = model.columnKind.map { $0 == .continuous ? Int32(0) : Int32(1) }
            status = library.passMip(
                handle, Int32(columnCount), Int32(rowCount), Int32(matrix.index.count), columnwise, sense,
                model.objectiveOffset, model.objectiveCoefficients, model.columnLower, model.columnUpper,
                model.rowLower, model.rowUpper, matrix.start, matrix.index, matrix.value, integrality)
        } else {
            status = library.passLp(
                handle, Int32(columnCount), Int32(rowCount), Int32(matrix.index.count), columnwise, sense,
                model.objectiveOffset, model.objectiveCoefficients, model.columnLower, model.columnUpper,
                model.rowLower, model.rowUpper, matrix.start, matrix.index, matrix.value)
        }
        guard status != -1 else { throw SolverError.invalidModel("HiGHS rejected the model (Highs_passModel error)") }
    }

    func passNames(of model: LinearModel) throws {
        for j in 0..<model.variableCount {
            let name = Self.sanitized(model.name(of: Variable(index: j)))
            _ = name.withCString { library.passColName(handle, Int32(j), $0) }
        }
        for i in 0..<model.constraintCount {
            let name = Self.sanitized(model.name(of: Constraint(index: i)))
            _ = name.withCString { library.passRowName(handle, Int32(i), $0) }
        }
    }

    /// The model's column names as HiGHS holds them ("" where a column has none).
    func columnNames() -> [String] {
        var buffer = [CChar](repeating: 0, count: HighsLibrary.maximumNameLength)
        return (0..<library.getNumCol(handle)).map { column in
            guard library.getColName(handle, column, &buffer) != -1 else { return "" }
            return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
    }

    /// MPS and LP names may not contain spaces.
    private static func sanitized(_ name: String) -> String {
        String(name.map { $0.isWhitespace ? "_" : $0 })
    }

    func solve() throws -> SolveResult {
        let runStatus = library.run(handle)
        let modelStatus = library.getModelStatus(handle)
        if runStatus == -1 && ![7, 8, 9, 10, 13].contains(modelStatus) {
            throw SolverError.backendFailure("Highs_run failed with model status \(Self.describe(modelStatus))")
        }
        let columnCount = Int(library.getNumCol(handle))
        let rowCount = Int(library.getNumRow(handle))
        let primalStatus = intInfo("primal_solution_status") ?? 0
        let hasPrimal = primalStatus == 2
        let status: SolveStatus
        switch modelStatus {
        case 6, 7: status = .optimal
        case 8: status = .infeasible
        case 9: status = .other("unbounded or infeasible")
        case 10: status = .unbounded
        case 13: status = .timeLimit(hasSolution: hasPrimal)
        default: status = .other(Self.describe(modelStatus))
        }
        let nodes = Int(int64Info("mip_node_count") ?? 0)
        // HiGHS reports -1 nodes for an LP.
        let isMIP = nodes >= 0
        var values: [Double] = []
        var rowDuals: [Double] = []
        var reducedCosts: [Double] = []
        if hasPrimal {
            var columnValue = [Double](repeating: 0, count: columnCount)
            var columnDual = [Double](repeating: 0, count: columnCount)
            var rowValue = [Double](repeating: 0, count: rowCount)
            var rowDual = [Double](repeating: 0, count: rowCount)
            _ = library.getSolution(handle, &columnValue, &columnDual, &rowValue, &rowDual)
            values = columnValue
            if !isMIP && status == .optimal && (intInfo("dual_solution_status") ?? 0) == 2 {
                rowDuals = rowDual
                reducedCosts = columnDual
            }
        }
        let objective = hasPrimal ? library.getObjectiveValue(handle) : nil
        var bound: Double?
        var gap: Double?
        if isMIP {
            bound = doubleInfo("mip_dual_bound").flatMap { $0.isFinite ? $0 : nil }
            gap = doubleInfo("mip_gap").flatMap { $0.isFinite ? $0 : nil }
        } else if status == .optimal {
            bound = objective
            gap = 0
        }
        return SolveResult(
            status: status, objectiveValue: objective, bestBound: bound, relativeGap: gap,
            solveSeconds: library.getRunTime(handle), nodeCount: max(0, nodes),
            values: values, rowDuals: rowDuals, reducedCosts: reducedCosts)
    }

    private func intInfo(_ name: String) -> Int32? {
        var value: Int32 = 0
        return library.getIntInfo(handle, name, &value) == 0 ? value : nil
    }

    private func int64Info(_ name: String) -> Int64? {
        var value: Int64 = 0
        return library.getInt64Info(handle, name, &value) == 0 ? value : nil
    }

    private func doubleInfo(_ name: String) -> Double? {
        var value: Double = 0
        return library.getDoubleInfo(handle, name, &value) == 0 ? value : nil
    }

    /// HiGHS's names for its model status codes (HighsModelStatus).
    private static func describe(_ code: Int32) -> String {
        let names = [
            0: "not set", 1: "load error", 2: "model error", 3: "presolve error", 4: "solve error",
            5: "postsolve error", 6: "model empty", 7: "optimal", 8: "infeasible", 9: "unbounded or infeasible",
            10: "unbounded", 11: "objective bound reached", 12: "objective target reached", 13: "time limit",
            14: "iteration limit", 15: "unknown", 16: "solution limit", 17: "interrupted", 18: "memory limit",
        ]
        return names[Int(code)] ?? "status \(code)"
    }
}
