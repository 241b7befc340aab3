import ArgumentParser
import GateAndRoute
import Planning

/// `gpusched plan gate-route FILE`: the fluid LP of the prefill–decode contention model, then the
/// CTMC evaluation of the plan's policy and the baselines at the scenario's n.
struct GateRoutePlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gate-route",
        abstract: "Solve the gate-and-route fluid LP (bundled or separate pricing, optional SLIs) and evaluate its policies.",
        discussion: """
            Prints the revenue per GPU R*, each class's prefill and decode occupancies and queue masses, \
            the number of mixed GPUs M = ceil(n·Σx*), the binding constraints with their shadow prices, \
            and warnings (e.g. when γτ < (B−1)/B). Then it simulates the paper's CTMC at the scenario's n \
            with the horizon, warm-up, seeds and policies of its 'simulation:' section: the plan's \
            gate-and-route policy first, then the baseline policies, on the same seeds (--no-evaluate skips this).

            Examples:
              gpusched plan gate-route examples/gate-route.yaml --no-evaluate
              gpusched plan gate-route examples/gate-route.yaml --seeds 2 --json
            """
    )

    @Argument(help: "Scenario file (kind: gate-route).")
    var file: String

    @OptionGroup var output: OutputOptions

    @OptionGroup var reporting: ReportOptions

    @OptionGroup var evaluation: EvaluationOptions

    @OptionGroup var seeding: SeedOptions

    @OptionGroup var export: ModelExportOptions

    @OptionGroup var workLimits: WorkLimitOptions

    func run() throws {
        let limits = workLimits.limits
        let scenario = try ScenarioKinds.loadGateRoute(path: file, limits: limits)
        let problem = GateRouteProblem(scenario)
        let progress = output.progressReporter
        let simulation = evaluation.evaluate
            ? GateRouteSimulation.planEvaluation(
                settings: scenario.simulation, gpus: problem.instance.gpus,
                seeds: seeding.seeds(default: GateRouteSimulation.defaultSeeds(scenario.simulation)))
            : nil
        try simulation?.check(problem.instance, limits: limits, at: "simulation")
        let planned = try export.withSolver { solver in
            try GateRoutePlanner().plan(problem, context: PlanningContext(solver: solver, progress: progress, limits: limits))
        }
        let rows = try simulation?.evaluate(plan: planned.plan.plan, instance: problem.instance, progress: progress) ?? []
        let report = GateRoutePlanReport(problem: problem, planned: planned, simulation: simulation, evaluations: rows)
        try reporting.write(JSONOutput.encoded(report), source: file)
        if output.json {
            try JSONOutput.print(report)
            return
        }
        print(planned.plan.text())
        if let simulation {
            print("")
            print(GateRouteEvaluationText.table(rows, plan: planned.plan.plan, simulation: simulation, targets: false))
            for note in report.notes { print("note: \(note)") }
        }
    }
}
