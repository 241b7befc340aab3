import ServingModel

extension RoutingPolicyName {
    /// Runs one seeded simulation with this policy (each policy type gets a specialised simulator);
    /// a disaggregated fleet runs it on its prefill replicas (`DisaggregatedRouting`).
    public func simulate(
        _ configuration: SimulationConfiguration, source: inout some RequestSource, seed: UInt64
    ) -> SimulationReport {
        var policyRandom = SeededRandom(seed: seed).substream(0x726F_7574)
        let policySeed = policyRandom.next()
        if let disaggregation = configuration.disaggregation {
            return simulateDisaggregated(
                configuration, decode: disaggregation.decodePolicy, source: &source, seed: seed, policySeed: policySeed)
        }
        switch self {
        case .roundRobin:
            return Simulator(configuration: configuration, policy: RoundRobinRouting(), seed: seed).run(&source)
        case .random:
            return Simulator(configuration: configuration, policy: RandomRouting(seed: policySeed), seed: seed).run(&source)
        case .leastOutstanding:
            return Simulator(configuration: configuration, policy: LeastOutstandingRouting(), seed: seed).run(&source)
        case .leastKV:
            return Simulator(configuration: configuration, policy: LeastKVUsageRouting(), seed: seed).run(&source)
        case .powerOfTwo:
            return Simulator(configuration: configuration, policy: PowerOfTwoRouting(seed: policySeed), seed: seed).run(&source)
        case .centralQueue:
            return Simulator(configuration: configuration, policy: CentralQueueRouting(), seed: seed).run(&source)
        }
    }
}
