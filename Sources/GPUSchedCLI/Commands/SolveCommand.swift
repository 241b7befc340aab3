import ArgumentParser
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

    func run() throws {
        guard FileManagerProbe.isReadableFile(file) else { throw InputError("file not found: \(file)") }
        let options = SolveOptions(timeLimit: timeLimit, relativeGap: gap, threads: threads)
        let result = try HighsSolver().solveFile(at: file, options: options)
        let report = SolveReport(result)
        if output.json {
            try JSONOutput.print(report, kind: "solve")
        } else {
            print("status      \(result.status)")
            if let objective = result.objectiveValue { print("objective   \(objective)") }
            if let bound = result.bestBound { print("best bound  \(bound)") }
            if let gap = result.relativeGap { print("gap         \(Format.fixed(gap * 100, 4)) %") }
            print("solve time  \(Format.fixed(result.solveSeconds, 3)) s")
            if result.nodeCount > 0 { print("nodes       \(result.nodeCount)") }
        }
        if result.status == .infeasible || result.status == .unbounded {
            throw InputError("the model is \(result.status)")
        }
    }
}

/// The JSON form of a `SolveResult`, shared by every verb that reports a solve.
struct SolveReport: Encodable {
    /// optimal, infeasible, unbounded, timeLimitFeasible, timeLimitNoSolution or other.
    var status: String
    var objective: Double?
    var bestBound: Double?
    var relativeGap: Double?
    var solveSeconds: Double
    var nodes: Int
    var values: [Double]

    init(_ result: SolveResult, includeValues: Bool = true) {
        status = result.status.name
        objective = result.objectiveValue
        bestBound = result.bestBound
        relativeGap = result.relativeGap
        solveSeconds = result.solveSeconds
        nodes = result.nodeCount
        values = includeValues ? result.values : []
    }
}
