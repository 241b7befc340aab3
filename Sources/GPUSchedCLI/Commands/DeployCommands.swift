import ArgumentParser
import Deployment
import Foundation
import Planning

/// `gpusched plan deploy FILE`: the fleet deployment MILP, verified in the simulator, beside the
/// baselines a fleet operator would otherwise use.
struct DeployPlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deploy",
        abstract: "Plan a fleet: GPU type, TP/PP, aggregated or prefill/decode, engine limits and replica counts per model.",
        discussion: """
            An exact MILP over replica patterns (GPU type × TP × PP × role × batch cap × token budget, \
            each fitting vLLM's memory rule) with each pattern's SLO capacity on the model's workload; \
            the plan is simulated (verification.seeds seeds) and re-solved with derated capacities until \
            every model meets its SLO (the rounds). Baselines (aiconfigurator's method, Mélange's, the \
            rule of thumb) are planned and simulated the same way. --no-evaluate solves without the \
            simulator. --current PLAN.json re-plans from a previous plan, changing as few replicas as \
            it can, and prints the diff. --sweep slo.ttft.p90=0.3:2.0:8 traces cost (or the max-rate \
            scale) against a target.

            Example:
              gpusched plan deploy examples/deploy-fleet.yaml --json > plan.json
              gpusched export deploy plan.json --format k8s
            """
    )

    @Argument(help: "Scenario file (kind: deploy).")
    var file: String

    @Option(name: .long, help: ArgumentHelp("Re-plan from this plan (a plan-deploy JSON), changing as few replicas as possible.", valueName: "PLAN.json"))
    var current: String?

    @Option(name: .long, help: ArgumentHelp("What-if sweep of one SLO target: slo.ttft.pNN=FROM:TO:POINTS (or slo.tpot…).", valueName: "SPEC"))
    var sweep: String?

    @OptionGroup var output: OutputOptions

    @OptionGroup var reporting: ReportOptions
    @OptionGroup var export: ModelExportOptions
    @OptionGroup var evaluation: EvaluationOptions
    @OptionGroup var seeding: SeedOptions
    @OptionGroup var workLimits: WorkLimitOptions

    func run() throws {
        var scenario = try ScenarioKinds.loadDeploy(path: file, limits: workLimits.limits)
        scenario.problem.settings.seeds = seeding.seeds(default: scenario.problem.settings.seeds)
        let problem = scenario.problem
        let evaluate = evaluation.evaluate
        if evaluate { try DeployWorkEstimate(problem: problem).checkSimulation(workLimits.limits) }
        if let sweep {
            let spec = try DeploySweep(parsing: sweep)
            let points = try export.withSolver { solver in
                try spec.run(
                    problem: problem, planner: DeployPlanner(pricesConstraints: false),
                    verifier: { evaluate ? DeployReport.verifier($0) : nil },
                    context: PlanningContext(solver: solver, progress: output.progressReporter, limits: workLimits.limits))
            }
            try DeployText.printSweep(spec, points: points, objective: problem.objective, json: output.json, reporting: reporting, source: file)
            return
        }
        let currentPlan = try current.map { try DeployPlanFile.read(path: $0, flag: "--current") }
        let report = try export.withSolver { solver in
            try DeployReport.report(
                kind: "plan-deploy", problem: problem, current: currentPlan, evaluate: evaluate,
                context: PlanningContext(solver: solver, progress: output.progressReporter, limits: workLimits.limits))
        }
        try DeployText.print(report, json: output.json, reporting: reporting, source: file)
    }
}

/// `gpusched simulate deploy FILE`: the plan and the baselines replayed in the simulator, every seed.
struct DeploySimulateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deploy",
        abstract: "Replay a deployment plan and its baselines in the simulator: SLO attainment, percentiles, certified rates.",
        discussion: """
            Without --plan, plans the scenario first (as 'plan deploy'); with --plan PLAN.json, replays \
            that plan (and the baselines stored beside it) on the scenario's workloads. Each model runs \
            on its own workload at its demand, on the seeds (verification.seeds, or --seed/--seeds).

            Example:
              gpusched simulate deploy examples/deploy-fleet.yaml --plan plan.json --seeds 5
            """
    )

    @Argument(help: "Scenario file (kind: deploy).")
    var file: String

    @Option(name: .long, help: ArgumentHelp("A plan-deploy JSON to replay instead of planning.", valueName: "PLAN.json"))
    var plan: String?

    @OptionGroup var output: OutputOptions

    @OptionGroup var reporting: ReportOptions
    @OptionGroup var export: ModelExportOptions
    @OptionGroup var seeding: SeedOptions
    @OptionGroup var workLimits: WorkLimitOptions

    func run() throws {
        var scenario = try ScenarioKinds.loadDeploy(path: file, limits: workLimits.limits)
        scenario.problem.settings.seeds = seeding.seeds(default: scenario.problem.settings.seeds)
        let problem = scenario.problem
        try DeployWorkEstimate(problem: problem).checkSimulation(workLimits.limits)
        guard let path = plan else {
            let report = try export.withSolver { solver in
                try DeployReport.report(
                    kind: "simulate-deploy", problem: problem, current: nil, evaluate: true,
                    context: PlanningContext(solver: solver, progress: output.progressReporter, limits: workLimits.limits))
            }
            try DeployText.print(report, json: output.json, reporting: reporting, source: file)
            return
        }
        let stored = try DeployReport.storedPlans(path: path, problem: problem)
        let report = DeployReport.replay(stored, problem: problem, progress: output.progressReporter)
        try DeployText.print(report, json: output.json, reporting: reporting, source: file)
    }
}
