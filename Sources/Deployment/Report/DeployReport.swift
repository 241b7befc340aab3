import Foundation
import Planning
import Solver

/// What `plan deploy` and `simulate deploy` print: the plan, the baselines planned on the same
/// problem, every one scored by the same simulator (`DeployEvaluator`), in the shared plan report.
/// ```
/// let report = try DeployReport.report(kind: "plan-deploy", problem: problem, current: nil, evaluate: true,
///                                      context: PlanningContext())
/// print(report.evaluations.map(\.costPerHour))
/// ```
public enum DeployReport {
    /// The simulator as the plan's verifier.
    public static func verifier(_ problem: DeployProblem) -> (any PlanVerifier)? {
        DeploySimulator(problem: problem)
    }

    /// The baselines a fleet operator would otherwise use, in the order they are reported.
    public static func baselines(solver: any LinearSolver) -> [any DeployBaseline] {
        [AIConfiguratorBaseline(), MelangeBaseline(solver: solver), RuleOfThumbBaseline()]
    }

    /// Plans (with verification unless `evaluate` is false), plans and scores the baselines, and
    /// reports them side by side.
    public static func report(
        kind: String, problem: DeployProblem, current: DeployPlan?, evaluate: Bool, context: PlanningContext
    ) throws -> PlanReport<DeployPlan, DeployEvaluation> {
        let verifier = evaluate ? verifier(problem) : nil
        let planned = try DeployPlanner(verifier: verifier, current: current).plan(problem, context: context)
        var baselines: [DeployPlan] = []
        var notes: [String] = []
        for baseline in baselinePlans(problem: problem, context: context, notes: &notes) {
            baselines.append(verifier.map { DeployEvaluator(verifier: $0).verified(baseline, progress: context.progress) } ?? baseline)
        }
        let evaluations = verifier == nil ? [] : ([planned.plan] + baselines).map(DeployEvaluation.init(plan:))
        return PlanReport(
            kind: kind, solve: planned.solve, plan: planned.plan, baselines: baselines,
            seeds: verifier == nil ? [] : problem.settings.seeds, evaluations: evaluations, notes: notes)
    }

    /// The baselines' plans; a baseline that cannot plan the scenario adds a note instead.
    static func baselinePlans(problem: DeployProblem, context: PlanningContext, notes: inout [String]) -> [DeployPlan] {
        var plans: [DeployPlan] = []
        for baseline in baselines(solver: context.solver) {
            context.progress.say("planning the \(baseline.name) baseline")
            do {
                plans.append(try baseline.plan(problem))
            } catch {
                notes.append("\(baseline.name): \(error.description)")
            }
        }
        return plans
    }

    /// The plan and the baselines stored in a plan-deploy JSON, checked against the scenario.
    public static func storedPlans(path: String, problem: DeployProblem) throws(PlanningError) -> [DeployPlan] {
        let first = try DeployPlanFile.read(path: path, flag: "--plan")
        var plans = [first]
        if let data = try? Data(contentsOf: URL(fileURLWithPath: path)),
           let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
           let names = (object["baselines"] as? [[String: Any]])?.compactMap({ $0["name"] as? String }) {
            for name in names { plans.append(try DeployPlanFile.read(path: path, named: name, flag: "--plan")) }
        }
        let models = Set(problem.models.map(\.name)), gpus = Set(problem.fleet.map(\.gpu.name))
        for plan in plans {
            for group in plan.groups {
                guard models.contains(group.model) else {
                    throw .badInput("--plan: the plan is for another scenario: model '\(group.model)' is not in this one")
                }
                guard gpus.contains(group.gpu) else {
                    throw .badInput("--plan: the plan is for another scenario: GPU type '\(group.gpu)' is not in this fleet")
                }
            }
        }
        return plans
    }

    /// Replays stored plans on the scenario's workloads (demands re-read from the scenario).
    public static func replay(_ plans: [DeployPlan], problem: DeployProblem, progress: ProgressReporter) -> PlanReport<DeployPlan, DeployEvaluation> {
        let assembly = PlanAssembly(problem: problem)
        let refreshed = plans.map { stored -> DeployPlan in
            var plan = assembly.plan(name: stored.name, groups: stored.groups, scale: stored.scale, notes: stored.notes)
            plan.planningSeconds = stored.planningSeconds
            plan.rounds = stored.rounds
            plan.bindingConstraints = stored.bindingConstraints
            guard let verifier = verifier(problem) else { return plan }
            return DeployEvaluator(verifier: verifier).verified(plan, progress: progress)
        }
        let solve = SolveSummary.heuristic(objective: refreshed.first?.costPerHour, wallSeconds: 0)
        let empty = DeployPlan(name: "plan", objective: problem.objective.rawValue, groups: [], models: [], costPerHour: nil, gpusUsed: [])
        return PlanReport(
            kind: "simulate-deploy", solve: solve, plan: refreshed.first ?? empty, baselines: Array(refreshed.dropFirst()),
            seeds: problem.settings.seeds, evaluations: refreshed.map(DeployEvaluation.init(plan:)),
            notes: ["replayed from a stored plan; solve is not re-run"])
    }
}
