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

    @OptionGroup var reporting: ReportOptions

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
        try reporting.write(JSONOutput.encoded(report, kind: "simulate-gate-route"), source: file)
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
        let names = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard !names.isEmpty else { throw ValidationError("give at least one policy, e.g. gate-and-route,fi-wsp") }
        return try names.map(choice)
    }
}
extension GateRouteFidelity: ChoiceArgument {}
extension TokenLevelExperiment.Lengths: ChoiceArgument {}
extension RationedAdmission: ChoiceArgument {}
extension ZeroTargetAdmission: ChoiceArgument {}
