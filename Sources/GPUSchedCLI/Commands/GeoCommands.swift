import ArgumentParser
import GeoPlacement
import Planning

/// `gpusched plan geo FILE`: CG-BP's placement (the plan) against PETALS' placement and, on small
/// instances, the exact MILP; then the online simulation of each.
struct GeoPlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "geo",
        abstract: "Place model blocks on geo-distributed servers (CG-BP, PETALS' join rule, the MILP), then simulate each.",
        discussion: """
            |R| (the planned concurrency) is the scenario's plannedRequests, or Little's law plus one \
            standard deviation: min(round(λT̂ + √(λT̂)), R_max), T̂ one request's time alone.

            With milp in the scenario's methods, the exact MILP runs on min(|R|, 10) requests; its \
            cgbpGapToMilp is how far CG-BP (for that many requests) with shortest-path routing is \
            above the MILP's value, solve.relativeGap the solver's own gap (0 when proven optimal).

            The evaluation simulates the plan (CG-BP + WS-RR) and each baseline on the same arrivals, \
            without and with the allocation delays (the scenario's, or the paper scripts' 60 s and \
            300 s); --seed/--seeds change the arrivals, not PETALS' join order.

            Example:
              gpusched plan geo examples/geo-clustered.yaml --json
              gpusched plan geo examples/geo-clustered.yaml --no-evaluate --export-model geo.mps
            """
    )

    @Argument(help: "Scenario file (kind: geo).")
    var file: String

    @Option(name: .long, help: "Time limit of the MILP in seconds (when the scenario lists milp).")
    var timeLimit: Double = 60

    @OptionGroup var output: OutputOptions

    @OptionGroup var reporting: ReportOptions

    @OptionGroup var export: ModelExportOptions

    @OptionGroup var evaluation: EvaluationOptions

    @OptionGroup var seeding: SeedOptions

    @OptionGroup var workLimits: WorkLimitOptions

    func validate() throws {
        guard timeLimit.isFinite, timeLimit > 0, timeLimit <= 86_400 else {
            throw ValidationError("--time-limit must be a number of seconds in (0, 86400], got \(timeLimit)")
        }
    }

    func run() throws {
        let scenario = try ScenarioKinds.loadGeo(path: file, limits: workLimits.limits)
        let problem = GeoProblem(scenario, milpTimeLimit: timeLimit)
        let seeds = evaluation.evaluate ? seeding.seeds(default: [scenario.seed]) : []
        let report = try export.withSolver { solver in
            try GeoPlanReport.make(
                problem, evaluator: GeoEvaluator(scenario), seeds: seeds,
                context: PlanningContext(solver: solver, progress: output.progressReporter, limits: workLimits.limits))
        }
        try reporting.write(JSONOutput.encoded(report), source: file)
        if output.json {
            try JSONOutput.print(report)
            return
        }
        print(GeoText.plan(report))
    }
}

/// `gpusched simulate geo FILE`: the online simulation of CG-BP + WS-RR and PETALS on the same arrivals.
struct GeoSimulateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "geo",
        abstract: "Simulate CG-BP + WS-RR and PETALS on the same arrivals and RTTs, with and without allocation delays.",
        discussion: """
            The allocation delays are the scenario's, or the paper scripts' 60 s (proposed) and 300 s \
            (PETALS) per request when it sets none. --seed/--seeds change the arrivals, not PETALS' join order.

            Example:
              gpusched simulate geo examples/geo-clustered.yaml --json
            """
    )

    @Argument(help: "Scenario file (kind: geo).")
    var file: String

    @OptionGroup var output: OutputOptions

    @OptionGroup var reporting: ReportOptions

    @OptionGroup var seeding: SeedOptions

    @OptionGroup var workLimits: WorkLimitOptions

    func run() throws {
        let scenario = try ScenarioKinds.loadGeo(path: file, limits: workLimits.limits)
        let report = try GeoSimulationReport.make(
            GeoProblem(scenario), evaluator: GeoEvaluator(scenario), seeds: seeding.seeds(default: [scenario.seed]),
            context: PlanningContext(progress: output.progressReporter, limits: workLimits.limits))
        try reporting.write(JSONOutput.encoded(report, kind: "simulate-geo"), source: file)
        if output.json {
            try JSONOutput.print(report, kind: "simulate-geo")
            return
        }
        print("\(report.requests) requests at \(report.arrivalRate)/s, \(GeoText.seeds(report.seeds)), |R| = \(report.plannedRequests)")
        print(GeoText.evaluationTable(report.methods))
    }
}

/// The text of the geo verbs.
enum GeoText {
    /// `plan geo`: the MILP's line, |R| and Theorem 2's bound, each placement, then the evaluation.
    static func plan(_ report: GeoPlanReport) -> String {
        var lines: [String] = []
        if let milp = report.baselines.first(where: { $0.method == .milp }) {
            let requests = milp.plannedRequests ?? 0
            lines.append("MILP on \(requests) requests: \(milp.solve.status.rawValue), solver gap "
                + (milp.solve.relativeGap.map { Format.fixed($0 * 100, 3) + " %" } ?? "-") + "; CG-BP (|R| = \(requests)) + shortest path "
                + (milp.cgbpGapToMilp.map { "is \(Format.fixed($0 * 100, 2)) % above it" } ?? "has no placement with every server holding a block"))
        }
        lines.append("|R| = \(report.plan.plannedRequests ?? 0); Theorem 2 bound on CG-BP's per-token time: "
            + Format.fixed(report.plan.perTokenBoundSeconds ?? .nan, 4) + " s")
        for plan in [report.plan] + report.baselines {
            lines.append("")
            lines.append("\(plan.method.rawValue): mean per-token time (no contention) \(plan.meanPerTokenSeconds.map { Format.fixed($0, 4) } ?? "-") s, "
                + "runtime \(Format.fixed(plan.solve.wallSeconds * 1000, 2)) ms")
            var table = TextTable(["server", "first block", "blocks"])
            for row in plan.placement { table.add([row.server, "\(row.firstBlock)", "\(row.blockCount)"]) }
            lines.append(table.render())
        }
        if !report.evaluations.isEmpty {
            lines.append("")
            lines.append("online simulation, \(seeds(report.seeds)):")
            lines.append(evaluationTable(report.evaluations))
        }
        return lines.joined(separator: "\n")
    }

    /// "seed 1" or "seeds 1–5".
    static func seeds(_ seeds: [UInt64]) -> String {
        guard let first = seeds.first, let last = seeds.last, seeds.count > 1 else { return "seed \(seeds.first ?? 0)" }
        return "seeds \(first)–\(last)"
    }

    /// One row per method and delay setting, the settings outermost (means over seeds).
    static func evaluationTable(_ evaluations: [GeoEvaluation]) -> String {
        var table = TextTable(["method", "alloc. delay s", "per-token s", "TTFT s", "wait s", "runtime ms", "completed"])
        let settings = evaluations.map(\.runs.count).max() ?? 0
        for setting in 0..<settings {
            for evaluation in evaluations where setting < evaluation.runs.count {
                let run = evaluation.runs[setting]
                table.add([
                    evaluation.method.rawValue, Format.fixed(run.allocationDelaySeconds, 0), Format.fixed(run.meanPerTokenSeconds.mean, 3),
                    Format.fixed(run.meanTTFTSeconds.mean, 2), Format.fixed(run.meanWaitSeconds.mean, 2), Format.fixed(run.wallSeconds * 1000, 2),
                    "\(run.completed)",
                ])
            }
        }
        return table.render()
    }
}
