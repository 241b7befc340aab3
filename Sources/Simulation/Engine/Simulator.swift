import Foundation
import ServingModel

/// The discrete-event simulator of an LLM serving cluster.
///
/// Events are arrivals (pulled one at a time from the workload, so memory does not grow with the
/// horizon), iteration ends of replicas, patience expiries and queue-length samples. Each replica
/// runs a `ReplicaScheduler` (`ContinuousBatchingScheduler`); the cluster policy routes arrivals
/// and releases held requests; `SimulationEngine` is the event loop between them.
/// One run is deterministic for its seed: same inputs, same report (wall-clock fields aside).
///
/// ```swift
/// let report = Simulator(configuration: configuration, policy: LeastOutstandingRouting(), seed: 1).run(&source)
/// ```
public struct Simulator<Policy: ClusterPolicy> {
    private let configuration: SimulationConfiguration
    private let policy: Policy
    private let seed: UInt64

    /// Prepares a run.
    public init(configuration: SimulationConfiguration, policy: Policy, seed: UInt64) {
        precondition(!configuration.replicas.isEmpty, "a simulation needs at least one replica")
        self.configuration = configuration
        self.policy = policy
        self.seed = seed
    }

    /// Runs the workload to its horizon and until every admitted request has left, then reports.
    public func run(_ source: inout some RequestSource) -> SimulationReport {
        var engine = SimulationEngine(configuration: configuration, policy: policy, seed: seed)
        return engine.run(&source)
    }
}
