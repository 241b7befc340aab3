import Deployment
import Foundation
import Planning

/// What `plan deploy` and `simulate deploy` share: planning with the verifier, the baselines,
/// and the report in the shared plan shape.
enum DeployRun {
    /// The simulator as the plan's verifier.
    static func verifier(_ problem: DeployProblem) -> (any PlanVerifier)? {
        DeploySimulator(problem: problem)
    }

    /// Plans (with verification unless `evaluate` is false), plans and scores the baselines, and
    /// reports them side by side.
    static func report(
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
        []
    }

    /// The plan and the baselines stored in a plan-deploy JSON, checked against the scenario.
    static func storedPlans(path: String, problem: DeployProblem) throws -> [DeployPlan] {
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
                    throw PlanningError.badInput("--plan: the plan is for another scenario: model '\(group.model)' is not in this one")
                }
                guard gpus.contains(group.gpu) else {
                    throw PlanningError.badInput("--plan: the plan is for another scenario: GPU type '\(group.gpu)' is not in this fleet")
                }
            }
        }
        return plans
    }

    /// Replays stored plans on the scenario's workloads (demands re-read from the scenario).
    static func replay(_ plans: [DeployPlan], problem: DeployProblem, progress: ProgressReporter) -> PlanReport<DeployPlan, DeployEvaluation> {
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
