import Planning

/// Scores a plan or a baseline the same way: each model's groups simulated at its demand, and
/// the highest rate they carry at the SLO (`PlanVerifier`), on the verifier's seeds.
/// ```
/// let evaluator = DeployEvaluator(verifier: DeploySimulator(problem: problem))
/// let verified = evaluator.verified(baseline)
/// ```
public struct DeployEvaluator: Evaluator {
    public var verifier: any PlanVerifier

    public init(verifier: any PlanVerifier) {
        self.verifier = verifier
    }

    /// `plan` with every model's verification and certified rate filled in.
    public func verified(_ plan: DeployPlan, progress: ProgressReporter = .silent) -> DeployPlan {
        var plan = plan
        for (m, outcome) in plan.models.enumerated() {
            let own = plan.groups.filter { $0.model == outcome.name }
            guard !own.isEmpty else { continue }
            progress.say("simulating \(plan.name): \(outcome.name)")
            if plan.models[m].verification == nil {
                plan.models[m].verification = verifier.verify(model: m, groups: own, rate: outcome.demandRate)
            }
            if plan.models[m].certifiedRate == nil {
                let searched = verifier.certifiedRate(model: m, groups: own, upTo: 1.5 * max(outcome.demandRate, outcome.plannedRate))
                let met = plan.models[m].verification?.meetsSLO ?? false
                plan.models[m].certifiedRate = met ? max(searched, outcome.demandRate) : searched
            }
        }
        plan.certified = plan.models.allSatisfy { $0.verification?.meetsSLO ?? false }
        return plan
    }

    public func evaluate(_ candidate: DeployPlan, named name: String, seeds: [UInt64], progress: ProgressReporter) throws(PlanningError)
        -> DeployEvaluation
    {
        var row = DeployEvaluation(plan: verified(candidate, progress: progress))
        row.name = name
        return row
    }
}
