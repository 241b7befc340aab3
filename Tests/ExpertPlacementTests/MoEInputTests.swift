import ServingModel
import Testing
@testable import ExpertPlacement

/// The MoE planner's input checks: a plan read back for export, the work estimate, the node limit.
@Suite struct MoEInputTests {
    /// 2 layers × 4 experts on 2 GPUs × 3 slots, expert 0 replicated.
    static let placement = [[[0, 1, 2], [3, 0]], [[3, 2], [1, 0]]]

    func problem(_ placement: [[[Int]]]) -> String? {
        do {
            try ExpertPlanCheck.check(placement: placement, moeLayers: 2, experts: 4, gpus: 2, slotsPerGPU: 3)
            return nil
        } catch {
            return error.message
        }
    }

    @Test func aWellFormedPlanPasses() { #expect(problem(Self.placement) == nil) }

    @Test func expertIdsOutOfRange() {
        var high = Self.placement
        high[1][0][1] = 99
        #expect(problem(high) == "layer 1, GPU 0 holds expert 99; expert ids run from 0 to 3")
        var negative = Self.placement
        negative[0][1][0] = -1
        #expect(problem(negative) == "layer 0, GPU 1 holds expert -1; expert ids run from 0 to 3")
    }

    @Test func everyExpertOncePerLayer() {
        var missing = Self.placement
        missing[0][0][2] = 1  // expert 2 was only there
        #expect(problem(missing) == "layer 0 places no replica of expert 2; every expert must be on some GPU")
    }

    @Test func theShapeMustMatch() {
        #expect(problem(Array(Self.placement.prefix(1))) == "the placement has 1 MoE layers; the model has 2")
        #expect(problem([Self.placement[0], [[3, 2, 1, 0]]]) == "layer 1 places experts on 1 GPUs; the cluster has 2")
        #expect(problem([Self.placement[0], [[3, 2, 1, 0], []]]) == "layer 1, GPU 0 holds 4 experts in 3 slots")
    }

    /// DeepSeek-V3 on the 64-GPU Dragonfly of `bench moe` (58 layers, 256 experts + 64 replicas, 5
    /// slots, top-8, 20,000 tokens), by hand: Dijkstra 64 · 2 · 128 · log₂128 = 114,688; cost tables
    /// 2 · 58 · 256 · 64² = 121,634,816; drawing 2 · 58 · 20,000 · 8 = 18,560,000. Memory: 58 · 64 · 256
    /// = 950,272 counts at 32 + 16 bytes, plus 150 · 320 · 64 bytes of one layer's MILP.
    @Test func workEstimateByHand() throws {
        let estimate = MoEWorkEstimate(layers: 58, experts: 256, physical: 320, gpus: 64, slots: 5, topK: 8, syntheticTokens: 20_000)
        #expect(estimate.steps == 114_688 + 121_634_816 + 18_560_000)
        #expect(estimate.memoryBytes == 48 * 950_272 + 3_072_000)
        try estimate.check(.default, at: "activations")
    }

    @Test func workEstimateRefusesBeyondTheLimit() throws {
        let large = MoEWorkEstimate(layers: 58, experts: 256, physical: 256, gpus: 4096, slots: 1, topK: 8, syntheticTokens: 0)
        #expect(large.steps > MoEWorkEstimate.maxSteps)
        #expect(throws: ScenarioError.self) { try large.check(.default, at: "activations") }
        try large.check(WorkLimits(maxMemoryBytes: 1e15, allowLarge: true), at: "activations")
    }

    /// The balance MILP of `PlacementOptimalityTests.balanceMILPMatchesBruteForce` (whose optimum
    /// that test checks against enumeration) under a node limit: one node still gives a placement
    /// within the cap and no better than the optimum, a generous limit the optimum itself.
    @Test func nodeLimitKeepsTheIncumbent() throws {
        var counts = ActivationCounts(layers: 1, sources: 3, experts: 6, tokens: 10)
        let loads: [Double] = [9, 7, 5, 4, 3, 2]
        for e in 0..<6 { counts[0, 0, e] = loads[e] * 0.7; counts[0, 2, e] = loads[e] * 0.3 }
        let distances = DistanceMatrix(rows: [[0, 1, 3], [1, 0, 2], [3, 2, 0]])
        let problem = try PlacementProblem(experts: 6, slotsPerGPU: 3, distances: distances, profile: counts)
        let exact = try BalancedPlacer(maxImbalance: 1.1, timeLimit: 30, relativeGap: 0).place(problem)
        for limit in [1, 10_000] {
            let outcome = try BalancedPlacer(maxImbalance: 1.1, timeLimit: 30, relativeGap: 0, nodeLimit: limit).place(problem)
            let metrics = PlacementMetrics(plan: outcome.plan, counts: counts, distances: distances, bytesPerActivation: 1)
            #expect(metrics.worstLayerMaxMeanLoad <= 1.1 + 1e-9)
            let objective = try #require(outcome.solve.objective)
            let optimum = try #require(exact.solve.objective)
            #expect(objective >= optimum - 1e-6)
            if limit > 1 { #expect(abs(objective - optimum) < 1e-6) }
        }
    }
}
