/// What the deployment level optimises.
public enum DeploymentObjective: String, Sendable, Hashable, CaseIterable {
    /// The paper's objective: minimise the worst stage's estimated p95 latency.
    case maxStageLatency = "max-stage-latency"
    /// The reviewers' objective: minimise the expected end-to-end latency, Σ_i reach_i · l_i(f_i)
    /// plus the judge's latency on every non-final stage a request visits.
    case endToEndLatency = "end-to-end-latency"
    /// Maximise the arrival rate every stage sustains with its p95 within the SLO budget.
    case throughput
}
