import ServingModel

/// Power of two choices: two distinct available backends drawn at random, the less loaded one
/// taken (Mitzenmacher). Load is the requests this router has in flight there; when the engine's
/// metrics are scraped, the larger of that and the engine's running + waiting requests (the engine
/// also counts other router replicas' requests; this router's own count covers what the last
/// scrape has not seen yet).
///
/// ```swift
/// var policy = PowerOfTwoPolicy(seed: 42)      // seeded: the same draws every run
/// policy.route(request, backends: views)        // .send(backend: i, reason: "power-of-two")
/// ```
public struct PowerOfTwoPolicy: RoutingPolicy {
    public let name = "power-of-two"
    private var generator: SeededRandom

    /// A policy drawing from a generator seeded with `seed` (tests inject one; the server seeds from
    /// the system's generator).
    public init(seed: UInt64) {
        generator = SeededRandom(seed: seed)
    }

    /// A policy seeded from the system's random generator.
    public init() {
        var system = SystemRandomNumberGenerator()
        self.init(seed: system.next())
    }

    /// The load the policy compares.
    public static func load(_ backend: BackendView) -> Double {
        let own = Double(backend.inFlight)
        guard let engine = backend.engine else { return own }
        return max(own, engine.running + engine.waiting)
    }

    public mutating func route(_ request: RoutedRequest, backends: [BackendView]) -> RoutingDecision {
        let available = backends.filter(\.available)
        switch available.count {
        case 0: return .hold(reason: "no-backend-available")
        case 1: return .send(backend: available[0].index, reason: "power-of-two")
        default:
            let first = Int(generator.next() % UInt64(available.count))
            var second = Int(generator.next() % UInt64(available.count - 1))
            if second >= first { second += 1 }
            let a = available[first], b = available[second]
            return .send(backend: Self.load(b) < Self.load(a) ? b.index : a.index, reason: "power-of-two")
        }
    }
}
