import ArgumentParser
import Cascade
import Planning

extension StageBudget: ChoiceArgument {}

/// `gpusched plan cascade FILE`: the bi-level cascade plan (thresholds + deployment MILP), its
/// baselines, and the simulation of each.
struct CascadePlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cascade",
        abstract: "Plan a model cascade: thresholds against a quality target and the GPU/layout deployment MILP.",
        discussion: """
            Coordinate descent over the thresholds (grid of thresholdStep on 0–100); each candidate \
            re-solves the deployment on the workload it sends to each stage, the chosen one with the \
            MILP. The plan and the baselines (single model, uniform GPU split, uniform layout, GPUs \
            proportional to load) are then simulated at the scenario's arrival rate on the same \
            arrivals (seed 1 unless --seed/--seeds; --no-evaluate skips the simulation). \
            'gpusched simulate cascade' adds every seed and the sustainable-rate search.

            --replan synthetic:SEED or --replan FILE.csv re-plans on a new sample, starting from the \
            plan, and lists the replicas that change (the plan's 'replan' in --json).

            Example:
              gpusched plan cascade examples/cascade-deepseek.yaml --json
            """
    )

    @Argument(help: "Scenario file (kind: cascade).")
    var file: String

    @Option(name: .long, help: "Re-plan on a new sample: synthetic:SEED or a CSV path.")
    var replan: String?

    @OptionGroup var output: OutputOptions

    @OptionGroup var reporting: ReportOptions
    @OptionGroup var export: ModelExportOptions
    @OptionGroup var evaluation: EvaluationOptions
    @OptionGroup var seeding: SeedOptions
    @OptionGroup var workLimits: WorkLimitOptions

    func run() throws {
        let scenario = try ScenarioKinds.loadCascade(path: file, limits: workLimits.limits)
        let resampled = try replan.map { try scenario.resampled(from: $0) }
        let evaluator = evaluation.evaluate ? CascadeEvaluator(scenario: scenario, seeds: seeding.seeds(default: [1])) : nil
        try evaluator?.check(workLimits.limits, at: "--seeds")
        let (planned, replanned) = try export.withSolver { solver in
            let context = PlanningContext(solver: solver, progress: output.progressReporter, limits: workLimits.limits)
            let planned = try CascadeServingPlanner().plan(scenario.problem, context: context)
            let replanned = try resampled.map { try CascadeServingPlanner(previous: planned.plan.plan).plan($0.problem, context: context) }
            return (planned, replanned)
        }
        let report = try CascadeReport(
            kind: "plan-cascade", planned: planned, replanned: replanned, evaluator: evaluator, progress: output.progressReporter)
        try reporting.write(JSONOutput.encoded(report), source: file)
        try CascadeText.print(report, json: output.json)
    }
}

/// `gpusched simulate cascade FILE`: the plan and the baselines in the simulator, every seed, with the sustainable rate.
struct CascadeSimulateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cascade",
        abstract: "Simulate the cascade plan and its baselines: p95/p99, SLO attainment, sustainable rate.",
        discussion: """
            Every cascade runs on the same arrivals and sampled requests for each seed \
            (evaluation.seeds, default 3, or --seed/--seeds; evaluation.requests per run, default \
            2000, the first 10 % not measured). The sustainable rate is the highest arrival rate at \
            which 95 % of requests finish within slo.p95Latency (doubling/halving from the \
            scenario's rate, then bisection).

            Example:
              gpusched simulate cascade examples/cascade-deepseek.yaml --json
            """
    )

    @Argument(help: "Scenario file (kind: cascade).")
    var file: String

    @Option(name: .long, help: "Override the scenario's slo.p95Latency (seconds) for planning and evaluation.")
    var slo: Double?

    @Option(
        name: .long, help: "Override the scenario's stageBudget (throughput mode; \(StageBudget.choices)).",
        transform: StageBudget.choice)
    var stageBudget: StageBudget?

    @OptionGroup var output: OutputOptions

    @OptionGroup var reporting: ReportOptions
    @OptionGroup var export: ModelExportOptions
    @OptionGroup var seeding: SeedOptions
    @OptionGroup var workLimits: WorkLimitOptions

    func validate() throws {
        if let slo, !(slo > 0 && slo <= CascadeScenario.maxSeconds) {
            throw ValidationError("--slo must be a number of seconds in (0, \(Int(CascadeScenario.maxSeconds))], got \(slo)")
        }
    }

    func run() throws {
        var scenario = try ScenarioKinds.loadCascade(path: file, limits: workLimits.limits)
        if let slo {
            scenario.slo = slo
            scenario.problem.sloP95 = slo
        }
        if let stageBudget { scenario.problem.stageBudget = stageBudget }
        let evaluator = CascadeEvaluator(scenario: scenario, seeds: seeding.seeds(default: scenario.seeds), searchesRate: true)
        try evaluator.check(workLimits.limits, at: slo == nil ? "--seeds" : "--slo")
        let planned = try export.withSolver { solver in
            try CascadeServingPlanner().plan(
                scenario.problem,
                context: PlanningContext(solver: solver, progress: output.progressReporter, limits: workLimits.limits))
        }
        let report = try CascadeReport(kind: "simulate-cascade", planned: planned, evaluator: evaluator, progress: output.progressReporter)
        try reporting.write(JSONOutput.encoded(report), source: file)
        try CascadeText.print(report, json: output.json)
    }
}

/// The text of a cascade report: the plan and its search, its stages, the simulated comparison
/// with the baselines (or the baselines unsimulated with --no-evaluate), notes, and the re-plan.
enum CascadeText {
    /// Prints `report` as JSON or as text.
    static func print(_ report: CascadeReport, json: Bool) throws {
        if json { try JSONOutput.print(report) } else { Swift.print(render(report)) }
    }

    static func render(_ report: CascadeReport) -> String {
        let plan = report.plan
        var lines: [String] = []
        if let search = plan.search {
            lines.append("thresholds " + plan.thresholds.map { Format.fixed($0, 0) }.joined(separator: ", ")
                + "; quality \(Format.fixed(plan.quality, 2)) (target \(Format.fixed(search.qualityTarget, 1))); "
                + "\(search.objectiveName) \(Format.fixed(report.solve.objective ?? .nan, 3)); J \(Format.fixed(search.score, 3))")
            if !search.meetsTarget {
                lines.append("warning: quality \(Format.fixed(plan.quality, 2)) misses the target: thresholds that reach it "
                    + "overload a stage at this SLO or rate (J includes the penalty)")
            }
            lines.append("search: \(search.iterations) rounds, \(search.thresholdsEvaluated) thresholds evaluated, J by round "
                + search.trajectory.map { Format.fixed($0, 3) }.joined(separator: " → ")
                + "; planned in \(Format.fixed(report.solve.wallSeconds, 2)) s")
            if let budgets = search.stageBudgetSeconds {
                lines.append("stage p95 budgets (s): " + budgets.map { Format.fixed($0, 2) }.joined(separator: ", "))
            }
        }
        lines.append(stageTable(plan.stages))
        lines.append("")
        lines.append(comparison(report))
        lines += report.notes
        if let replan = plan.replan {
            lines.append("")
            lines.append("Re-plan: thresholds " + replan.thresholds.map { Format.fixed($0, 0) }.joined(separator: ", ")
                + ", quality \(Format.fixed(replan.quality, 2)); \(replan.replicasChanged) replicas change")
            var changes = TextTable(["model", "GPUs", "kept", "removed", "added"])
            for change in replan.changes {
                changes.add([change.model, "\(change.gpusBefore) → \(change.gpusAfter)", "\(change.kept)", "\(change.removed)", "\(change.added)"])
            }
            lines.append(changes.render())
        }
        return lines.joined(separator: "\n")
    }

    /// The plan and the baselines side by side: simulated figures per evaluation, or quality and
    /// GPUs only when nothing was simulated. A row's GPUs are those of its stages with GPUs.
    static func comparison(_ report: CascadeReport) -> String {
        let rows = [report.plan] + report.baselines
        func gpus(_ row: CascadeDeployment) -> String { row.stages.filter { $0.gpus > 0 }.map { "\($0.gpus)" }.joined(separator: "/") }
        guard let first = report.evaluations.first, report.evaluations.count == rows.count else {
            var table = TextTable(["plan", "quality", "GPUs"])
            for row in rows { table.add([row.name, Format.fixed(row.quality, 2), gpus(row)]) }
            return "Not simulated (--no-evaluate):\n" + table.render()
        }
        var lines = ["Simulated at \(Format.fixed(first.arrivalRate, 2)) requests/s, SLO p95 \(Format.fixed(first.sloSeconds, 1)) s, "
            + "seeds " + report.seeds.map(String.init).joined(separator: ", ") + ":"]
        var headers = ["plan", "quality", "GPUs", "p95 s", "p99 s"]
        headers += first.sloAttainment.map { "≤\(Format.fixed($0.scale, 2))×SLO" }
        if first.sustainableRate != nil { headers.append("max rate @95%") }
        var table = TextTable(headers)
        for (row, evaluation) in zip(rows, report.evaluations) {
            var cells = [
                row.name, Format.fixed(row.quality, 2), gpus(row),
                Format.fixed(evaluation.p95LatencySeconds, 2), Format.fixed(evaluation.p99LatencySeconds, 2),
            ]
            cells += evaluation.sloAttainment.map { Format.fixed($0.attainment * 100, 1) + " %" }
            if let rate = evaluation.sustainableRate { cells.append(Format.fixed(rate, 2) + " /s") }
            table.add(cells)
        }
        lines.append(table.render())
        return lines.joined(separator: "\n")
    }

    static func stageTable(_ stages: [CascadeDeployment.Stage]) -> String {
        var table = TextTable(["model", "GPUs", "replicas", "reach", "rate /s", "est. p95 s"])
        for stage in stages {
            let layout = stage.replicas.first.map { "\(stage.replicas.count) × TP\($0.tp)·PP\($0.pp)" } ?? "-"
            table.add([
                stage.model, "\(stage.gpus)", layout, Format.fixed(stage.reachFraction * 100, 1) + " %",
                Format.fixed(stage.arrivalRate, 2), Format.fixed(stage.p95LatencySeconds, 2),
            ])
        }
        return table.render()
    }
}
