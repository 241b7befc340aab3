import ArgumentParser
import GateAndRoute
import Planning

/// `gpusched simulate gate-route FILE`: the policies against the fluid optimum, per policy and n.
struct SimulateGateRouteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gate-route",
        abstract: "Run the gate-and-route policies and baselines (CTMC or token level) against the LP optimum.",
        discussion: """
            Fidelity 'ctmc' is the paper's continuous-time Markov chain (exponential prefill, decode and \
            patience times; decode speed set by the GPU's current mode). Fidelity 'token' runs the \
            token-level simulator (real batches, deterministic or exponential lengths). Every policy \
            runs on the same seeds. Horizon, warm-up, seeds and cluster sizes come from the scenario's \
            'simulation:' section unless overridden.

            Examples:
              gpusched simulate gate-route examples/gate-route.yaml
              gpusched simulate gate-route examples/gate-route.yaml --policies gate-and-route,fi-wsp --gpus 50,500
              gpusched simulate gate-route examples/gate-route.yaml --fidelity token --gpus 20 --json
            """
    )

    @Argument(help: "Scenario file (kind: gate-route).")
    var file: String

    @Option(
        name: .long, help: "Comma-separated policies (default: all of the chosen fidelity; \(GateRoutePolicy.choices)).",
        transform: GateRoutePolicy.list)
    var policies: [GateRoutePolicy]?

    @Option(name: .long, help: "Comma-separated cluster sizes n (default: the scenario's simulation.gpus).")
    var gpus: String?

    @Option(
        name: .long, help: "ctmc (the paper's model) or token (the token-level simulator) (\(GateRouteFidelity.choices)).",
        transform: GateRouteFidelity.choice)
    var fidelity: GateRouteFidelity = .ctmc

    @Option(
        name: .long, help: "Token level only: how lengths are drawn (\(TokenLevelExperiment.Lengths.choices)).",
        transform: TokenLevelExperiment.Lengths.choice)
    var lengths: TokenLevelExperiment.Lengths = .deterministic

    @Option(name: .long, help: "Override the horizon in seconds.")
    var horizon: Double?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "When the gate admits classes the LP rations (q_p* > 0): always (the paper) or when-decode-idle.",
            discussion: "when-decode-idle holds rationed classes back while a decode waits for a slot."),
        transform: RationedAdmission.choice)
    var rationed: RationedAdmission = .always

    @Option(name: .long, help: ArgumentHelp(
        "κ of the static plan's mixed-GPU count M = ⌈m + κ√m⌉, m = n·Σx* (0: the paper's ⌈m⌉).",
        valueName: "kappa"))
    var staffing: Double = 0

    @Option(
        name: .long,
        help: "CTMC: classes with x* = 0 are admitted never (default) or last (when no other class waits) (\(ZeroTargetAdmission.choices)).",
        transform: ZeroTargetAdmission.choice)
    var zeroTarget: ZeroTargetAdmission = .never

    @OptionGroup var seeding: SeedOptions

    @OptionGroup var output: OutputOptions

    @OptionGroup var export: ModelExportOptions

    @OptionGroup var workLimits: WorkLimitOptions

    func validate() throws {
        if !(staffing >= 0) || !staffing.isFinite { throw ValidationError("--staffing must be >= 0, got \(staffing)") }
        if let horizon, !(horizon > 0 && horizon.isFinite) { throw ValidationError("--horizon must be > 0, got \(horizon)") }
    }

    func run() throws {
        let limits = workLimits.limits
        let sizes = try gpus.map(parseSizes)
        let scenario = try ScenarioKinds.loadGateRoute(path: file, limits: limits)
        let problem = GateRouteProblem(scenario)
        let simulation = GateRouteSimulation(
            settings: scenario.simulation, fidelity: fidelity, gpus: sizes, policies: policies, horizon: horizon,
            seeds: seeding.seeds(default: GateRouteSimulation.defaultSeeds(scenario.simulation)),
            options: CTMCOptions(zeroTargetClasses: zeroTarget, rationedClasses: rationed, mixedSafety: staffing),
            lengths: lengths)
        try simulation.check(problem.instance, limits: limits, at: gpus != nil ? "--gpus" : "simulation")
        let progress = output.progressReporter
        let planned = try export.withSolver { solver in
            try GateRoutePlanner().plan(problem, context: PlanningContext(solver: solver, progress: progress, limits: limits))
        }
        let rows = try simulation.evaluate(plan: planned.plan.plan, instance: problem.instance, progress: progress)
        let report = GateRouteSimulationReport(problem: problem, planned: planned, simulation: simulation, rows: rows)
        if output.json {
            try JSONOutput.print(report, kind: "simulate-gate-route")
            return
        }
        print(GateRouteEvaluationText.header(report))
        print(GateRouteEvaluationText.table(rows, plan: planned.plan.plan, simulation: simulation, targets: true))
        for note in report.notes { print("note: \(note)") }
    }

    /// `--gpus 5,20,50`: at least one size, each a whole number in 1...1,000,000.
    private func parseSizes(_ text: String) throws -> [Int] {
        let items = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        guard items.contains(where: { !$0.isEmpty }) else {
            throw InputError("--gpus: give at least one cluster size, e.g. --gpus 50,500")
        }
        let maximum = GateRouteScenario.Bounds.maxGPUs
        return try items.map { item in
            guard let n = Int(item), (1...maximum).contains(n) else {
                throw InputError("--gpus: '\(item)' is not a whole number of GPUs between 1 and \(maximum)")
            }
            return n
        }
    }
}

extension GateRoutePolicy: ChoiceArgument {
    /// `a,b,c`: each name a policy (did-you-mean on an unknown one).
    @Sendable static func list(_ text: String) throws -> [GateRoutePolicy] {
        try text.split(separator: ",").map { try choice($0.trimmingCharacters(in: .whitespaces)) }
    }
}
extension GateRouteFidelity: ChoiceArgument {}
extension TokenLevelExperiment.Lengths: ChoiceArgument {}
extension RationedAdmission: ChoiceArgument {}
extension ZeroTargetAdmission: ChoiceArgument {}

/// The text of gate-and-route evaluations (`simulate gate-route`, and `plan gate-route` after the plan).
enum GateRouteEvaluationText {
    /// The first lines of `simulate gate-route`: R*, the window, the seeds, the options if not the paper's.
    static func header(_ report: GateRouteSimulationReport) -> String {
        var lines = [
            "\(report.fidelity == .ctmc ? "CTMC" : "token level"): R* = \(Format.fixed(report.revenueOptimum, 2)) per GPU per second; "
                + "T = \(Format.fixed(report.horizonSeconds, 0)) s, warm-up \(Format.fixed(report.warmupSeconds, 0)) s, "
                + "\(report.seeds.count) seeds (mean ± std over seeds)",
        ]
        if report.rationedClasses != .always || report.staffing != 0 {
            lines.append(
                "options: rationed classes admitted \(report.rationedClasses.rawValue), mixed GPUs M = ⌈m + κ√m⌉ with κ = "
                    + Format.fixed(report.staffing, 2))
        }
        lines.append("")
        return lines.joined(separator: "\n")
    }

    /// One row per size and policy; at the CTMC also the decode buffer and each class's X/n and Q/n
    /// (and, with `targets`, the plan's x* and q* below).
    static func table(_ rows: [GateRouteEvaluation], plan: GateRoutePlan, simulation: GateRouteSimulation, targets: Bool) -> String {
        let ctmc = simulation.fidelity == .ctmc
        let classNames = plan.classes.map(\.name)
        var headers = ["policy", "n", "revenue/GPU", "ratio to R*", "avg TPOT ms"]
        if ctmc {
            headers += ["decode buffer/n"] + classNames.map { "X/n \($0)" } + classNames.map { "Q/n \($0)" }
        }
        var table = TextTable(headers, rightAligned: Set(1..<headers.count))
        for row in rows {
            var cells = [
                row.policy.rawValue, "\(row.gpus)",
                Format.fixed(row.revenuePerGPU.mean, 2) + " ±" + Format.fixed(row.revenuePerGPU.std, 2),
                Format.fixed(row.ratioToOptimum, 4), Format.fixed(row.averageTPOTSeconds * 1000, 2),
            ]
            if ctmc {
                cells.append(Format.fixed(row.decodeBuffer ?? .nan, 4))
                cells += row.classes.map { Format.fixed($0.prefillOccupancy ?? .nan, 4) }
                cells += row.classes.map { Format.fixed($0.prefillQueue ?? .nan, 4) }
            }
            table.add(cells)
        }
        var lines = [table.render()]
        if ctmc && targets {
            lines.append("targets: " + plan.classes.map {
                "x*(\($0.name)) = \(Format.fixed($0.prefillOccupancy, 4)), q*(\($0.name)) = \(Format.fixed($0.prefillQueue, 4))"
            }.joined(separator: "; "))
        }
        return lines.joined(separator: "\n")
    }
}
