import Router
import Testing

/// Views of `count` backends with the given in-flight counts (0 when not given) and availability.
func views(_ count: Int, inFlight: [Int] = [], down: Set<Int> = [], weights: [Double] = []) -> [BackendView] {
    (0..<count).map { index in
        BackendView(
            index: index, url: "http://10.0.0.\(index + 1):8000", available: !down.contains(index),
            inFlight: index < inFlight.count ? inFlight[index] : 0, weight: index < weights.count ? weights[index] : 1)
    }
}

let aRequest = RoutedRequest(id: "r", model: "m", promptTokens: 100)

extension RoutingDecision {
    /// The backend a send names (nil for a hold).
    var backend: Int? { if case let .send(backend, _) = self { backend } else { nil } }
    var reason: String {
        switch self {
        case let .send(_, reason), let .hold(reason): reason
        }
    }
}

/// Round robin, least outstanding and power of two: the order, the choice, and that no policy
/// picks an unavailable backend or sends when none is available.
@Suite struct PolicySimpleTests {
    @Test func roundRobinCyclesInIndexOrderSkippingDownBackends() {
        var policy = RoundRobinPolicy()
        let all = views(3)
        #expect((0..<7).map { _ in policy.route(aRequest, backends: all).backend } == [0, 1, 2, 0, 1, 2, 0])
        // Backend 2 goes down after 0 was picked: 1, then 0 (2 skipped), 1, 0.
        let oneDown = views(3, down: [2])
        #expect((0..<4).map { _ in policy.route(aRequest, backends: oneDown).backend } == [1, 0, 1, 0])
    }

    @Test func leastOutstandingTakesTheFewestInFlightAndRotatesTies() {
        var policy = LeastOutstandingPolicy()
        #expect(policy.route(aRequest, backends: views(4, inFlight: [3, 1, 2, 5])).backend == 1)
        #expect(policy.route(aRequest, backends: views(4, inFlight: [3, 1, 0, 5], down: [2])).backend == 1)
        // All equal: the ties take turns (the scan starts after the last pick, which was 1).
        let equal = views(3, inFlight: [2, 2, 2])
        #expect((0..<4).map { _ in policy.route(aRequest, backends: equal).backend } == [2, 0, 1, 2])
        #expect(policy.route(aRequest, backends: equal).reason == "least-loaded")
    }

    @Test func powerOfTwoNeverPicksTheMoreLoadedOfItsTwoDraws() {
        // With two backends both are always drawn: the less loaded must win every time.
        var policy = PowerOfTwoPolicy(seed: 7)
        for _ in 0..<200 {
            #expect(policy.route(aRequest, backends: views(2, inFlight: [9, 4])).backend == 1)
        }
        // Among four, the most loaded backend can never win (whatever the other draw is, it is less loaded).
        var counts = [0, 0, 0, 0]
        let loads = views(4, inFlight: [1, 2, 3, 10])
        for _ in 0..<4000 { counts[policy.route(aRequest, backends: loads).backend ?? 3] += 1 }
        #expect(counts[3] == 0)
        // The least loaded wins whenever it is drawn: 3 of the 6 pairs, half the time.
        #expect(abs(Double(counts[0]) / 4000 - 0.5) < 0.05)
        // And the second least loaded when it is drawn without backend 0: 2 of 6 pairs.
        #expect(abs(Double(counts[1]) / 4000 - 2.0 / 6) < 0.05)
    }

    @Test func powerOfTwoUsesTheEngineLoadWhenItIsLarger() {
        var backends = views(2, inFlight: [1, 2])
        backends[0].engine = EngineLoad(running: 8, waiting: 4, kvCacheUsage: 0.5, ageSeconds: 0.1)
        #expect(PowerOfTwoPolicy.load(backends[0]) == 12)
        #expect(PowerOfTwoPolicy.load(backends[1]) == 2)
        var policy = PowerOfTwoPolicy(seed: 1)
        #expect(policy.route(aRequest, backends: backends).backend == 1)
    }

    @Test func powerOfTwoIsReproducibleFromItsSeed() {
        var a = PowerOfTwoPolicy(seed: 42), b = PowerOfTwoPolicy(seed: 42)
        let equal = views(8)
        let first = (0..<50).map { _ in a.route(aRequest, backends: equal).backend }
        #expect(first == (0..<50).map { _ in b.route(aRequest, backends: equal).backend })
        #expect(Set(first.compactMap { $0 }).count > 4)
    }

    @Test func noPolicyPicksAnUnavailableBackendAndAllHoldWhenNoneIsAvailable() {
        var policies: [any RoutingPolicy] = [
            RoundRobinPolicy(), LeastOutstandingPolicy(), PowerOfTwoPolicy(seed: 3), WeightedPolicy(), PrefixAffinityPolicy(),
        ]
        for index in policies.indices {
            let partly = views(5, inFlight: [0, 9, 0, 9, 9], down: [0, 2])
            for step in 0..<50 {
                let request = RoutedRequest(id: "r\(step)", model: "m", promptTokens: 10, prefixHash: UInt64(step) &* 0x9E37_79B9_7F4A_7C15)
                let chosen = policies[index].route(request, backends: partly).backend
                #expect(chosen.map { [1, 3, 4].contains($0) } == true, "\(policies[index].name) picked \(String(describing: chosen))")
            }
            let decision = policies[index].route(aRequest, backends: views(3, down: [0, 1, 2]))
            #expect(decision == .hold(reason: "no-backend-available"), "\(policies[index].name)")
            #expect(policies[index].route(aRequest, backends: []).backend == nil)
        }
    }
}

/// The factory makes the policy each pool's config names, with its settings.
@Suite struct PolicyFactoryTests {
    @Test func eachPolicyConfigMakesItsPolicy() {
        let backends = [BackendConfig(url: "http://127.0.0.1:9001")]
        let settings = PrefixAffinitySettings(prefixBytes: 32, loadFactor: 2, virtualNodes: 8)
        let gate = GateRouteSettings(classes: [GateRouteClassSettings(name: "a", occupancyTarget: 0.5)])
        let configs: [PolicyConfig] = [.roundRobin, .leastOutstanding, .powerOfTwo, .prefixAffinity(settings), .weighted, .gateAndRoute(gate)]
        for config in configs {
            let policy = PolicyFactory.make(PoolConfig(model: "m", policy: config, backends: backends))
            #expect(policy.name == config.name)
        }
        let made = PolicyFactory.make(PoolConfig(model: "m", policy: .prefixAffinity(settings), backends: backends))
        #expect((made as? PrefixAffinityPolicy)?.settings == settings)
    }
}
