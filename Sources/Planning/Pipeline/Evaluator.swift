/// An evaluator: a plan in, named estimates out, the same way for the plan and each baseline.
///
/// Evaluators run the plan (usually in a simulator) on a list of seeds, so that the plan and its
/// baselines see the same arrivals.
/// ```
/// let evaluation = try evaluator.evaluate(plan, named: "plan", seeds: [1, 2, 3], progress: .silent)
/// ```
public protocol Evaluator {
    /// What is evaluated (a plan or a baseline built in the same shape).
    associatedtype Candidate
    /// The estimates, `Encodable` so they can go into a `PlanReport`.
    associatedtype Evaluation: Encodable

    /// Evaluates `candidate` on `seeds`, reporting long steps to `progress`.
    func evaluate(_ candidate: Candidate, named name: String, seeds: [UInt64], progress: ProgressReporter) throws(PlanningError)
        -> Evaluation
}
