/// Makes a pool's routing policy from its config: what `gpusched serve` passes the server as its
/// `PolicyMaker`, so a reload builds fresh policies for the new pools.
///
/// ```swift
/// let server = try RouterServer(config: config, makePolicy: PolicyFactory.make)
/// var policy = PolicyFactory.make(PoolConfig(model: "m", policy: .roundRobin, backends: backends))
/// ```
public enum PolicyFactory {
    /// A new policy for `pool` (power of two seeded from the system's generator).
    public static func make(_ pool: PoolConfig) -> any RoutingPolicy {
        switch pool.policy {
        case .roundRobin: RoundRobinPolicy()
        case .leastOutstanding: LeastOutstandingPolicy()
        case .powerOfTwo: PowerOfTwoPolicy()
        case let .prefixAffinity(settings): PrefixAffinityPolicy(settings: settings)
        case .weighted: WeightedPolicy()
        case let .gateAndRoute(settings): GateAndRoutePolicy(settings: settings)
        }
    }
}
