/// What checks a plan beyond the capacity model: the simulator (`DeploySimulator`), or any
/// stand-in with the same answers (tests use one built on the capacity model).
public protocol PlanVerifier: Sendable {
    /// The simulation of model `model`'s `groups` at `rate` requests per second; nil without groups.
    func verify(model: Int, groups: [DeploymentGroup], rate: Double) -> Verification?
    /// The highest rate, at most `upTo`, at which the groups meet the model's SLO; 0 if none.
    func certifiedRate(model: Int, groups: [DeploymentGroup], upTo: Double) -> Double
}
