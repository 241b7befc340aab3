import Testing
import ServingModel
@testable import Simulation
@testable import GateAndRoute

/// The token-level decode routers (`placeDecode`, `dispatchDecode`) on constructed cluster states:
/// one mixed GPU (≤ B − 1 = 3 decodes beside its prefill) and two solo GPUs (≤ B = 4 decodes).
@Suite struct DecodeRouterTests {
    static func load(decoding: [Int], buffered: [Int] = [0, 0]) -> ClusterLoad {
        ClusterLoad(
            outstanding: decoding, running: decoding, prefilling: [1, 0, 0], decoding: decoding, kvUsed: [0, 0, 0],
            kvCapacity: [1000, 1000, 1000], batchSize: [4, 4, 4], roles: [.mixed, .solo, .solo], held: 0,
            heldPerClass: [0, 0], bufferedPerClass: buffered)
    }

    static func policy(_ router: TokenLevelGateRoutePolicy.Router, seed: UInt64 = 1) -> TokenLevelGateRoutePolicy {
        TokenLevelGateRoutePolicy(
            name: "test", gate: .occupancyDeviation, router: router, plan: CTMCFixtures.convergencePlan,
            classes: ConvergenceInstance.classes, gpus: 3, seed: seed)
    }

    static func request(id: Int, arrival: Double) -> RequestInfo {
        RequestInfo(id: id, classIndex: 0, arrivalTime: arrival, promptTokens: 300, outputTokens: 1000)
    }

    /// Solo-first: the solo GPU with room (GPU 1 is full at 4), else the mixed GPU while it has
    /// fewer than 3 decodes, else the buffer. Immediate execution always stays.
    @Test func soloFirstPlacesOnSoloThenMixedThenBuffers() {
        var router = Self.policy(.soloFirst)
        let request = Self.request(id: 7, arrival: 1)
        #expect(router.placeDecode(request, prefilledOn: 0, load: Self.load(decoding: [0, 4, 1])) == .replica(2))
        #expect(router.placeDecode(request, prefilledOn: 0, load: Self.load(decoding: [2, 4, 4])) == .replica(0))
        #expect(router.placeDecode(request, prefilledOn: 0, load: Self.load(decoding: [3, 4, 4])) == .buffer)
        var immediate = Self.policy(.immediate)
        #expect(immediate.placeDecode(request, prefilledOn: 0, load: Self.load(decoding: [3, 4, 4])) == .stay)
    }

    /// The buffer releases its oldest head-of-line decode (arrival 2 before 5) to a free slot, solo
    /// first, and nothing while every slot is taken.
    @Test func dispatchReleasesTheOldestToAFreeSlot() {
        var router = Self.policy(.soloFirst)
        let candidates = [Self.request(id: 1, arrival: 5), Self.request(id: 2, arrival: 2)]
        let full = Self.load(decoding: [3, 4, 4], buffered: [1, 1])
        #expect(router.dispatchDecode(candidates, load: full) == nil)
        let soloFree = Self.load(decoding: [0, 4, 3], buffered: [1, 1])
        #expect(router.dispatchDecode(candidates, load: soloFree).map { [$0.candidate, $0.replica] } == [1, 2])
        let mixedFree = Self.load(decoding: [1, 4, 4], buffered: [1, 1])
        #expect(router.dispatchDecode(candidates, load: mixedFree).map { [$0.candidate, $0.replica] } == [1, 0])
    }

    /// With both solo GPUs free the choice is uniform: over 2,000 seeds GPU 1 is picked
    /// Binomial(2,000, 1/2) times, within 5 standard deviations (22.4 each) of 1,000.
    @Test func soloChoiceIsUniform() {
        var first = 0
        for seed in 1...2000 as ClosedRange<UInt64> {
            var router = Self.policy(.soloFirst, seed: seed)
            let placement = router.placeDecode(Self.request(id: 0, arrival: 0), prefilledOn: 0, load: Self.load(decoding: [0, 0, 0]))
            #expect(placement == .replica(1) || placement == .replica(2))
            if placement == .replica(1) { first += 1 }
        }
        #expect(abs(first - 1000) <= 112, "\(first) of 2000 on GPU 1")
    }
}
