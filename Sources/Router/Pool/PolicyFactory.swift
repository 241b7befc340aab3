/// The routing policy a pool's config names.
///
/// ```swift
/// let server = try RouterServer(config: config, makePolicy: PolicyFactory.make)
/// ```
public enum PolicyFactory {
    /// A fresh policy for `pool` (each pool, and each reload, gets its own state).
    @Sendable
    public static func make(_ pool: PoolConfig) -> any RoutingPolicy {
        switch pool.policy {
        case .roundRobin: RoundRobinPolicy()
        case .leastOutstanding: LeastOutstandingPolicy()
        case .powerOfTwo: PowerOfTwoPolicy()
        case .prefixAffinity(let settings): PrefixAffinityPolicy(settings: settings)
        case .weighted: WeightedPolicy()
        case .gateAndRoute(let settings): GateAndRoutePolicy(settings: settings)
        }
    }
}
