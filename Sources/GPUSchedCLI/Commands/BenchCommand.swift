import ArgumentParser
import Foundation
import Planning
import GateAndRoute
import ServingModel
import Simulation
import Solver

/// `gpusched bench`: benchmarks on a release build (not timed tests).
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmark the solver layer and the simulator (release build).",
        discussion: """
            Build with 'make release' first; debug builds give meaningless numbers.

            Examples:
              gpusched bench solver
              gpusched bench solver --time-limit 60 --json
              gpusched bench simulator --requests 1000000
              gpusched bench trace --rows 1000000
              gpusched bench roofline --data data
              gpusched bench gate-route
              gpusched bench geo
              gpusched bench cascade
              gpusched bench moe
              gpusched bench deploy --instances small --repeats 5
              gpusched bench router --requests 20000 --concurrency 1,64 --repeats 5
              gpusched bench report --requests 1000000 --repeats 5
              scripts/vllm-router/bench.sh    # the router beside vllm-router 0.1.17
            """
    )

    enum Suite: String, ChoiceArgument {
        case solver, simulator, trace, roofline
        case gateRoute = "gate-route"
        case geo
        case cascade
        case moe
        case deploy
        case router
        case report
    }

    enum DeployInstances: String, ChoiceArgument {
        case small, large, all
    }

    @Argument(help: "Which benchmark to run: solver, simulator (and seeds in parallel), trace (reading generated traces; simulate whole against its loop), gate-route (the CTMC at n = 500), geo (CG-BP + WS-RR up to 1,000 servers, the MILP), cascade (planning the DeepSeek cascade on 32 and 256 GPUs), moe (DeepSeek-V3 expert placement on 64 GPUs), deploy (fleet deployment plans: 3 models on 100 GPUs and 20 models on 10,000 GPUs of 5 types), roofline (its errors against measured kernels and against the measured-table model), router (the latency gpusched serve adds over direct requests to instant mock engines, and its throughput, closed loop), or report (rendering the HTML report of a simulation of --requests requests, default 1,000,000, of --scenario).", transform: Suite.choice)
    var suite: Suite = .solver

    @Option(name: .long, help: "Requests in the simulator and report benchmarks (default 1,000,000), or per target and repeat in the router benchmark (default 5,000).")
    var requests: Int?

    @Option(name: .long, help: "Replicas in the simulator benchmark.")
    var replicas: Int = 64

    @Option(name: .long, help: "Rows of the larger generated trace in the trace benchmark (the smaller has a tenth).")
    var rows: Int = 1_000_000

    @Option(name: .long, help: "Repeats of each timed run in the simulator, trace, deploy and report benchmarks (medians and ranges are reported).")
    var repeats: Int = 3

    @Option(name: .long, help: "Deploy benchmark instances: small (3 models on 100 GPUs), large (20 models on 10,000 GPUs) or all.", transform: DeployInstances.choice)
    var instances: DeployInstances = .all

    @Option(name: .long, help: ArgumentHelp("The simulate scenario of the report benchmark.", valueName: "FILE"))
    var scenario = "examples/simulate-chat.yaml"

    @Option(name: .long, help: "Folder of measured profiles (Vidur, aiconfigurator) for the roofline check.")
    var data = "data"

    @Option(name: .long, help: "Time limit per MILP solve in seconds.")
    var timeLimit: Double = 120

    @OptionGroup var router: RouterBenchOptions

    @OptionGroup var output: OutputOptions

    @OptionGroup var export: ModelExportOptions

    @OptionGroup var workLimits: WorkLimitOptions

    func validate() throws {
        if !(timeLimit > 0) { throw ValidationError("--time-limit must be > 0, got \(timeLimit)") }
        if let requests, requests < 1 { throw ValidationError("--requests must be >= 1, got \(requests)") }
        if !(10...ScenarioMaxima.listEntries).contains(rows) {
            throw ValidationError("--rows must be between 10 and \(ScenarioMaxima.listEntries), got \(rows)")
        }
        if !(1...Self.maximumRepeats).contains(repeats) {
            throw ValidationError("--repeats must be between 1 and \(Self.maximumRepeats), got \(repeats)")
        }
        if !(1...SimulatorBenchmark.maxReplicas).contains(replicas) {
            throw ValidationError("--replicas must be between 1 and \(SimulatorBenchmark.maxReplicas), got \(replicas)")
        }
    }

    func run() throws {
        try export.withSolver { solver in try run(solver: solver) }
    }

    private func run(solver: any LinearSolver) throws {
        let progress = output.progressReporter
        switch suite {
        case .solver: try runSolver(progress: progress, solver: solver)
        case .simulator: try runSimulator(progress: progress)
        case .trace:
            let report = try TraceBenchmark.measure(rows: rows, repeats: repeats, progress: progress)
            if output.json { try JSONOutput.print(report, kind: "bench-trace") } else { print(report.render()) }
        case .roofline: try runRoofline(progress: progress)
        case .gateRoute:
            let report = try GateRouteBenchmark.measure(progress: progress, solver: solver)
            if output.json { try JSONOutput.print(report, kind: "bench-gate-route") } else { print(report.render()) }
        case .geo:
            let report = try GeoBenchmark.measure(timeLimit: timeLimit, progress: progress, solver: solver)
            if output.json { try JSONOutput.print(report, kind: "bench-geo") } else { print(report.render()) }
        case .cascade:
            let report = try CascadeBenchmark.measure(progress: progress, solver: solver)
            if output.json { try JSONOutput.print(report, kind: "bench-cascade") } else { print(report.render()) }
        case .moe:
            let result = try MoEBenchmark.measure(timeLimit: timeLimit, progress: progress, solver: solver)
            if output.json { try JSONOutput.print(result, kind: "bench-moe") } else { print(result.render()) }
        case .deploy:
            let report = try DeployBenchmark.measure(
                repeats: repeats, sizes: instances == .all ? ["small", "large"] : [instances.rawValue], progress: progress, solver: solver)
            if output.json { try JSONOutput.print(report, kind: "bench-deploy") } else { print(report.render()) }
        case .router:
            let settings = try router.settings(requests: requests ?? 5_000, repeats: repeats)
            let report = try AsyncCommandBridge.run { try await RouterBenchmark.measure(settings, progress: progress) }
            if output.json { try JSONOutput.print(report, kind: "bench-router") } else { print(report.render()) }
        case .report:
            let report = try ReportBenchmark.measure(
                scenarioPath: scenario, requests: requests ?? 1_000_000, repeats: repeats, limits: workLimits.limits, progress: progress)
            if output.json { try JSONOutput.print(report, kind: "bench-report") } else { print(report.render()) }
        }
    }

    private func runRoofline(progress: ProgressReporter) throws {
        let report = try RooflineBenchmark.measure(dataDirectory: data, progress: progress)
        if output.json { try JSONOutput.print(report, kind: "bench-roofline") } else { print(report.render()) }
    }

    /// Most `--repeats`.
    static let maximumRepeats = 100

    /// The simulator benchmark's JSON body.
    private struct SimulatorReport: Encodable {
        var runs: [SimulatorBenchmark]
        var seedsParallel: SeedParallelism
    }

    private func runSimulator(progress: ProgressReporter) throws {
        let requests = requests ?? 1_000_000
        try SimulatorBenchmark.work(requests: requests, replicas: replicas).check(workLimits.limits, at: "--requests")
        var results: [SimulatorBenchmark] = []
        for kind in SimulatorBenchmark.IterationModelKind.allCases {
            progress.say("simulating \(requests) requests on \(replicas) replicas (\(kind.rawValue) iteration times), \(repeats) times")
            results.append(try SimulatorBenchmark.measure(requests: requests, replicas: replicas, iterationModel: kind, repeats: repeats))
        }
        progress.say("simulating \(SeedParallelism.seedCount) seeds one at a time and all at once, \(repeats) times")
        let parallel = try SeedParallelism.measure(requests: requests, repeats: repeats)
        if output.json {
            try JSONOutput.print(SimulatorReport(runs: results, seedsParallel: parallel), kind: "bench-simulator")
            return
        }
        for result in results {
            print("""
                \(result.description)
                  requests        \(Format.grouped(result.requests)) (\(Format.grouped(result.completed)) completed)
                  events          \(Format.grouped(result.events)) (\(Format.grouped(result.iterations)) iterations)
                  wall time       \(result.wallSecondsSpread.text(2)) s, median (min–max) of \(result.repeats)
                  events/s        \(Format.grouped(Int(result.eventsPerSecond))) (\(Format.grouped(Int(result.eventsPerSecondSpread.min)))–\(Format.grouped(Int(result.eventsPerSecondSpread.max)))), one core
                  events/CPU s    \(Format.grouped(Int(result.eventsPerCPUSecondSpread.median))) (\(Format.grouped(Int(result.eventsPerCPUSecondSpread.min)))–\(Format.grouped(Int(result.eventsPerCPUSecondSpread.max))))
                  requests/s      \(Format.grouped(Int(result.requestsPerSecond))) simulated per wall-clock second
                  peak in system  \(Format.grouped(result.peakInSystem)) requests (memory is bounded by this, not by the horizon)
                """)
        }
        print("""
            Seeds in parallel: \(parallel.description)
              jobs 1          \(parallel.sequentialSeconds.text(2)) s, median (min–max) of \(parallel.repeats); CPU \(parallel.sequentialCPUSeconds.text(2)) s
              jobs \(parallel.jobs)          \(parallel.parallelSeconds.text(2)) s (\(parallel.activeProcessors) active processors); CPU \(parallel.parallelCPUSeconds.text(2)) s
              speed-up        \(Format.fixed(parallel.speedup, 2))x
              results         \(parallel.identical ? "identical, bit for bit" : "DIFFERENT between jobs 1 and jobs \(parallel.jobs)")
            """)
    }

    private func runSolver(progress: ProgressReporter, solver: any LinearSolver) throws {
        let cases: [(name: String, build: () -> LinearModel)] = [
            ("transportation LP 200x250 (50,000 variables)",
             BenchmarkModels.TransportationInstance(sources: 200, sinks: 250, seed: 1).model),
            ("generalised assignment MILP 256x64 type C (16,384 binaries)",
             BenchmarkModels.AssignmentInstance(items: 256, bins: 64, type: .c, seed: 1).model),
        ]
        var results: [SolverBenchmark] = []
        for (name, build) in cases {
            progress.say("building and solving \(name)")
            results.append(try SolverBenchmark.measure(name: name, timeLimit: timeLimit, solver: solver, build: build))
        }
        if output.json {
            try JSONOutput.print(["models": results], kind: "bench-solver")
            return
        }
        var table = TextTable(["model", "vars", "rows", "nonzeros", "build ms", "solve s", "build/solve", "status", "objective", "gap"])
        for result in results {
            table.add([
                result.name, "\(result.variables)", "\(result.constraints)", "\(result.nonzeros)",
                Format.fixed(result.buildSeconds * 1000, 1), Format.fixed(result.solve.solveSeconds, 2),
                Format.fixed(result.buildShareOfSolve * 100, 2) + " %", result.solve.status.rawValue,
                result.solve.objective.map { Format.fixed($0, 1) } ?? "-",
                result.solve.relativeGap.map { Format.fixed($0 * 100, 2) + " %" } ?? "-",
            ])
        }
        print(table.render())
        print("build = LinearModel construction from generated data + column-wise conversion, "
            + "median of \(SolverBenchmark.buildRepeats) runs; solve = HiGHS run time")
    }
}

/// One solver benchmark's numbers (JSON keys are stable).
struct SolverBenchmark: Encodable {
    static let buildRepeats = 11

    var name: String
    var variables: Int
    var constraints: Int
    var nonzeros: Int
    /// Median seconds to build the model in Swift and convert it to column-wise form.
    var buildSeconds: Double
    /// buildSeconds / solve.solveSeconds.
    var buildShareOfSolve: Double
    /// The solve (status, objective, bound, gap, nodes).
    var solve: SolveSummary

    static func measure(name: String, timeLimit: Double, solver: any LinearSolver, build: () -> LinearModel) throws -> SolverBenchmark {
        var durations: [Double] = []
        var model = LinearModel()
        var nonzeros = 0
        for _ in 0..<buildRepeats {
            let watch = Stopwatch()
            model = build()
            nonzeros = model.columnwiseMatrix().index.count
            durations.append(watch.seconds)
        }
        let buildSeconds = durations.sorted()[durations.count / 2]
        let result = try solver.solve(model, options: SolveOptions(timeLimit: timeLimit))
        return SolverBenchmark(
            name: name, variables: model.variableCount, constraints: model.constraintCount, nonzeros: nonzeros,
            buildSeconds: buildSeconds,
            buildShareOfSolve: buildSeconds / max(result.solveSeconds, 1e-9), solve: SolveSummary(result))
    }

}
