/// Makes a pool's routing policy from its config: what `gpusched serve` passes the server as its
/// `PolicyMaker`, so a reload builds fresh policies for the new pools.
///
/// ```swift
/// let server = try RouterServer(config: config, makePolicy: PolicyFactory.make)
/// var policy = try PolicyFactory.make(PoolConfig(model: "m", policy: .roundRobin, backends: backends))
/// ```
public enum PolicyFactory {
    /// A new policy for `pool` (power of two seeded from the system's generator).
    public static func make(_ pool: PoolConfig) throws -> any RoutingPolicy {
        switch pool.policy {
        case .roundRobin: RoundRobinPolicy()
        case .leastOutstanding: LeastOutstandingPolicy()
        case .powerOfTwo: PowerOfTwoPolicy()
        case let .prefixAffinity(settings): PrefixAffinityPolicy(settings: settings)
        case .weighted: WeightedPolicy()
        case .gateAndRoute: throw PolicyFactoryError(message: "pool \(pool.model): gate-and-route is not part of this build")
        }
    }
}

/// A policy the factory cannot make (one line, for the start error).
public struct PolicyFactoryError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
