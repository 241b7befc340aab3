import ArgumentParser
import Planning
import ServingModel
import Solver

/// `gpusched solve FILE.mps|FILE.lp`: solves a model file with the bundled HiGHS.
struct SolveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "solve",
        abstract: "Solve an MPS or LP model file with HiGHS (e.g. one a planner exported).",
        discussion: """
            Example:
              gpusched solve model.mps --time-limit 60 --gap 0.001
            """
    )

    @Argument(help: "Model file (.mps or .lp).")
    var file: String

    @Option(name: .long, help: "Time limit in seconds; a MILP returns its incumbent and gap when it is hit.")
    var timeLimit: Double?

    @Option(name: .long, help: "Relative MIP gap at which to stop (default 1e-4).")
    var gap: Double?

    @Option(name: .long, help: "Solver threads (default: HiGHS decides).")
    var threads: Int?

    @OptionGroup var output: OutputOptions

    /// Most solver threads accepted.
    static let maximumThreads = 1024

    func validate() throws {
        if let timeLimit, !(timeLimit > 0 && timeLimit <= ScenarioMaxima.seconds) {
            throw ValidationError("--time-limit must be > 0 and <= \(ConfigNode.format(ScenarioMaxima.seconds)) "
                + "seconds, got \(ConfigNode.format(timeLimit))")
        }
        if let gap, !(0...1).contains(gap) {
            throw ValidationError("--gap must be a relative gap between 0 and 1, got \(ConfigNode.format(gap))")
        }
        if let threads, !(1...Self.maximumThreads).contains(threads) {
            throw ValidationError("--threads must be between 1 and \(Self.maximumThreads), got \(threads)")
        }
    }

    /// Most nonzero variables the text output lists (every value is in `--json`).
    static let maximumListedVariables = 50

    func run() throws {
        guard FileManagerProbe.isReadableFile(file) else { throw InputError("file not found: \(file)") }
        let options = SolveOptions(timeLimit: timeLimit, relativeGap: gap, threads: threads)
        let (solved, seconds) = try Stopwatch.time { try HighsSolver().solveFile(at: file, options: options) }
        let report = SolveReport(solved, wallSeconds: seconds)
        if output.json {
            try JSONOutput.print(report, kind: "solve")
        } else {
            print(report.render(listing: Self.maximumListedVariables))
        }
        let status = solved.result.status
        if status == .infeasible || status == .unbounded {
            throw InputError("the model is \(status)")
        }
    }
}

/// `solve --json`: the solve's summary and every variable's value by name.
struct SolveReport: Encodable {
    /// One variable of the file: its name (the column's, or `x<index>` without one) and value.
    struct Value: Encodable {
        var name: String
        var value: Double
    }

    var solve: SolveSummary
    /// Every variable in column order; empty when the solve found no solution.
    var variables: [Value]

    init(_ solved: SolvedModelFile, wallSeconds: Double) {
        solve = SolveSummary(solved.result, wallSeconds: wallSeconds)
        variables = solved.result.values.enumerated().map { index, value in
            let name = index < solved.variableNames.count ? solved.variableNames[index] : ""
            return Value(name: name.isEmpty ? "x\(index)" : name, value: value)
        }
    }

    /// The summary, then the nonzero variables by name (at most `limit` of them).
    func render(listing limit: Int) -> String {
        var lines = ["status      \(solve.status.rawValue)"]
        if let objective = solve.objective { lines.append("objective   \(objective)") }
        if let bound = solve.bestBound { lines.append("best bound  \(bound)") }
        if let gap = solve.relativeGap { lines.append("gap         \(Format.fixed(gap * 100, 4)) %") }
        lines.append("solve time  \(Format.fixed(solve.solveSeconds, 3)) s")
        if solve.nodes > 0 { lines.append("nodes       \(solve.nodes)") }
        let nonzero = variables.filter { abs($0.value) > 1e-9 }
        guard !variables.isEmpty else { return lines.joined(separator: "\n") }
        lines.append("")
        lines.append("\(nonzero.count) of \(variables.count) variables nonzero" + (nonzero.isEmpty ? "" : ":"))
        var table = TextTable(["variable", "value"], rightAligned: [1])
        for variable in nonzero.prefix(limit) { table.add([variable.name, "\(variable.value)"]) }
        if !nonzero.isEmpty { lines.append(table.render()) }
        if nonzero.count > limit { lines.append("… and \(nonzero.count - limit) more (every value: --json)") }
        return lines.joined(separator: "\n")
    }
}
