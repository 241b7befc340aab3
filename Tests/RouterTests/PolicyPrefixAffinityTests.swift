import Router
import Testing

/// Consistent hashing with bounded loads: affinity, spread, the load bound under a hot prefix, and
/// the prefix key.
@Suite struct PolicyPrefixAffinityTests {
    func request(_ hash: UInt64) -> RoutedRequest { RoutedRequest(id: "r", model: "m", promptTokens: 100, prefixHash: hash) }

    @Test func theBoundIsTheCeilingOfCTimesTheMeanAfterTheRequest() {
        // ⌈1.25 · (7 + 1) / 4⌉ = ⌈2.5⌉ = 3; ⌈1 · 12 / 4⌉ = 3; ⌈2 · 1 / 3⌉ = 1.
        #expect(PrefixAffinityPolicy.bound(loadFactor: 1.25, total: 7, available: 4) == 3)
        #expect(PrefixAffinityPolicy.bound(loadFactor: 1, total: 11, available: 4) == 3)
        #expect(PrefixAffinityPolicy.bound(loadFactor: 2, total: 0, available: 3) == 1)
    }

    @Test func aHotPrefixNeverPushesABackendAboveTheBound() {
        for (count, factor) in [(4, 1.25), (5, 1.0), (8, 1.5), (3, 2.0)] {
            var policy = PrefixAffinityPolicy(settings: PrefixAffinitySettings(prefixBytes: 64, loadFactor: factor, virtualNodes: 40))
            var backends = views(count)
            let hot = PrefixHash.of("You are a helpful assistant. Answer briefly.", prefixBytes: 64)
            var reasons: [String: Int] = [:]
            for sent in 1...(count * 25) {
                let decision = policy.route(request(hot), backends: backends)
                guard let chosen = decision.backend else { Issue.record("held with \(sent - 1) in flight"); break }
                backends[chosen].inFlight += 1
                reasons[decision.reason, default: 0] += 1
                let ceiling = Int((factor * Double(sent) / Double(count)).rounded(.up))
                #expect(backends.map(\.inFlight).max()! <= ceiling, "c=\(factor), n=\(count), \(sent) outstanding")
            }
            // The herd spilled: with N outstanding and none above ⌈c·N/n⌉, at least N / ⌈c·N/n⌉ backends hold some.
            let total = count * 25
            let ceiling = Int((factor * Double(total) / Double(count)).rounded(.up))
            let used = backends.filter { $0.inFlight > 0 }.count
            #expect(used >= (total + ceiling - 1) / ceiling && used >= 2, "\(backends.map(\.inFlight))")
            #expect(reasons["prefix-hit", default: 0] > 0 && reasons["prefix-overflow", default: 0] > 0)
        }
    }

    @Test func theSameKeyGoesToTheSameBackendAndKeysSpreadEvenly() {
        var policy = PrefixAffinityPolicy(settings: PrefixAffinitySettings(prefixBytes: 256, loadFactor: 1.25, virtualNodes: 160))
        let backends = views(4)
        var counts = [0, 0, 0, 0]
        for key in 0..<20_000 {
            let hash = PrefixHash.of("session \(key): system prompt", prefixBytes: 256)
            let first = policy.route(request(hash), backends: backends)
            #expect(first.reason == "prefix-hit")
            #expect(policy.route(request(hash), backends: backends) == first)
            counts[first.backend!] += 1
        }
        // 160 points per backend: each share's standard deviation is about 1/(n·√160) ≈ 2% of all
        // keys; every share lies within ±30% of a quarter.
        for count in counts { #expect(abs(Double(count) / 20_000 - 0.25) < 0.075, "\(counts)") }
    }

    @Test func aKeysBackendDependsOnlyOnTheURLsSoReplicasAgree() {
        // Two policies (two router replicas), backends listed in different orders: the same URL wins.
        var a = PrefixAffinityPolicy(), b = PrefixAffinityPolicy()
        let forward = views(5)
        let backward = Array(forward.reversed().enumerated().map { position, view in
            var moved = view
            moved.index = position
            return moved
        })
        for key in 0..<500 {
            let hash = PrefixHash.of("prompt \(key)", prefixBytes: 256)
            let left = forward[a.route(request(hash), backends: forward).backend!].url
            let right = backward[b.route(request(hash), backends: backward).backend!].url
            #expect(left == right)
        }
    }

    @Test func aDownBackendsKeysMoveAndOnlyThose() {
        var policy = PrefixAffinityPolicy()
        let up = views(4)
        let oneDown = views(4, down: [2])
        for key in 0..<2_000 {
            let hash = PrefixHash.of("k\(key)", prefixBytes: 256)
            let before = policy.route(request(hash), backends: up).backend!
            let after = policy.route(request(hash), backends: oneDown)
            if before == 2 {
                #expect(after.backend != 2 && after.reason == "prefix-overflow")
            } else {
                #expect(after.backend == before && after.reason == "prefix-hit")
            }
        }
    }

    @Test func thePrefixHashIsFNV1aOfTheFirstBytesMixed() {
        // FNV-1a 64 of "" is the offset basis 0xcbf29ce484222325 and of "a" is 0xaf63dc4c8601ec8c
        // (the published test vectors); the key is that value through MurmurHash3's fmix64.
        func fmix(_ value: UInt64) -> UInt64 {
            var z = value
            z ^= z >> 33; z = z &* 0xFF51_AFD7_ED55_8CCD; z ^= z >> 33; z = z &* 0xC4CE_B9FE_1A85_EC53; z ^= z >> 33
            return z
        }
        #expect(PrefixHash.of("", prefixBytes: 256) == fmix(0xCBF2_9CE4_8422_2325))
        #expect(PrefixHash.of("a", prefixBytes: 256) == fmix(0xAF63_DC4C_8601_EC8C))
        #expect(PrefixHash.of("abc", prefixBytes: 1) == PrefixHash.of("a", prefixBytes: 256))
        #expect(PrefixHash.of("same start, other end", prefixBytes: 10) == PrefixHash.of("same start, different end", prefixBytes: 10))
        #expect(PrefixHash.of("same start, other end", prefixBytes: 30) != PrefixHash.of("same start, different end", prefixBytes: 30))
    }
}
