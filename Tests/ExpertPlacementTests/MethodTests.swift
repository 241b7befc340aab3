import Testing
@testable import ExpertPlacement

@Suite struct MethodTests {
    static func instance(_ topology: ClusterTopology, skew: Double, uniform: Bool, redundant: Int = 0, slots: Int = 4)
        throws -> (PlacementProblem, ActivationData)
    {
        let distances = try topology.gpuDistances()
        var data = SyntheticActivations(zipf: 1, sourceSkew: skew, tokens: 3000, seed: 5)
            .generate(layers: 3, experts: 32, topK: 4, sources: distances.count)
        if uniform { data = ActivationData(profile: data.profile.spreadEvenly(), evaluation: data.evaluation.spreadEvenly()) }
        let problem = try PlacementProblem(
            experts: 32, slotsPerGPU: slots, redundantExperts: redundant, expertGroups: 4, distances: distances, profile: data.profile)
        return (problem, data)
    }

    /// On a fat-tree with tokens spread evenly, every GPU is at the same mean distance from the
    /// sources, so all full placements cost the same: load-aware equals round-robin exactly.
    @Test func symmetricTopologyWithUniformSourcesCannotBeImproved() throws {
        let (problem, data) = try Self.instance(.fatTree(gpusPerNode: 2, nodesPerLeaf: 2, leaves: 2, spines: 1), skew: 0.5, uniform: true)
        let score = { (plan: ExpertPlan) in
            PlacementMetrics(plan: plan, counts: data.profile, distances: problem.distances, bytesPerActivation: 1).expectedHops
        }
        let optimal = score(try LoadAwarePlacer().place(problem).plan)
        let roundRobin = score(try RoundRobinPlacer().place(problem).plan)
        #expect(abs(optimal - roundRobin) < 1e-9 * roundRobin)
    }

    /// A sparse Dragonfly with skewed sources: the optimum beats every other method on the
    /// profile it was fitted to, and round-robin on the held-out split.
    @Test func loadAwareIsOptimalOnTheProfile() throws {
        let topology = ClusterTopology.dragonfly(groups: 4, nodesPerGroup: 2, gpusPerNode: 1, drop: 0.5, seed: 2)
        let (problem, data) = try Self.instance(topology, skew: 0.8, uniform: false)
        let placers: [any ExpertPlacer] = [
            LoadAwarePlacer(weighted: false), RoundRobinPlacer(), ContiguousPlacer(), EPLBPlacer(), EPLBPlacer(forceGlobal: true),
            GreedyTopologyPlacer(),
        ]
        let best = try LoadAwarePlacer().place(problem)
        let score = { (plan: ExpertPlan, counts: ActivationCounts) in
            PlacementMetrics(plan: plan, counts: counts, distances: problem.distances, bytesPerActivation: 1).expectedHops
        }
        let optimum = score(best.plan, data.profile)
        let bestObjective = try #require(best.solve.objective)
        #expect(abs(optimum * data.profile.tokens - bestObjective) < 1e-6 * bestObjective)
        for placer in placers {
            let plan = try placer.place(problem).plan
            #expect(plan.layers.allSatisfy { $0.allSatisfy { $0.count <= 4 } })
            #expect(optimum <= score(plan, data.profile) + 1e-9, "\(placer.method)")
        }
        let roundRobin = try RoundRobinPlacer().place(problem).plan
        #expect(score(best.plan, data.evaluation) < 0.95 * score(roundRobin, data.evaluation))
    }

    /// Replicas routed to the nearest copy: never more hops than the even-split plan the ILP costs,
    /// and each layer holds exactly experts + redundant replicas on distinct GPUs.
    @Test func replicasAreDistinctAndNearestRoutingHelps() throws {
        let topology = ClusterTopology.dragonfly(groups: 4, nodesPerGroup: 2, gpusPerNode: 1, drop: 0.5, seed: 2)
        let (problem, data) = try Self.instance(topology, skew: 0.8, uniform: false, redundant: 8, slots: 5)
        let outcome = try LoadAwarePlacer().place(problem)
        for l in 0..<problem.layers {
            let replicas = outcome.plan.replicas(layer: l, experts: 32)
            #expect(replicas.reduce(0) { $0 + $1.count } == 40)
            #expect(replicas.allSatisfy { Set($0).count == $0.count })
        }
        var even = outcome.plan
        even.routing = .even
        let nearest = PlacementMetrics(plan: outcome.plan, counts: data.profile, distances: problem.distances, bytesPerActivation: 1)
        let split = PlacementMetrics(plan: even, counts: data.profile, distances: problem.distances, bytesPerActivation: 1)
        #expect(nearest.expectedHops <= split.expectedHops + 1e-9)
        let objective = try #require(outcome.solve.objective)
        #expect(abs(split.expectedHops * data.profile.tokens - objective) < 1e-6 * objective)
    }

    @Test func metricsCountCrossNodeBytesAndLoad() throws {
        // GPUs 0, 1 in server 0; GPU 2 in server 1. All tokens on GPU 0.
        let d = DistanceMatrix(rows: [[0, 0, 2], [0, 0, 2], [2, 2, 0]], nodeOfGPU: [0, 0, 1])
        var counts = ActivationCounts(layers: 1, sources: 3, experts: 3, tokens: 10)
        counts[0, 0, 0] = 10
        counts[0, 0, 1] = 6
        counts[0, 0, 2] = 4
        let plan = ExpertPlan(method: .roundRobin, layers: [[[0], [1], [2]]], routing: .nearest)
        let m = PlacementMetrics(plan: plan, counts: counts, distances: d, bytesPerActivation: 100)
        #expect(m.dispatchHops == 0.8)  // 4 tokens × 2 hops / 10 tokens
        #expect(m.combineHops == m.dispatchHops)
        #expect(m.crossNodeBytes == 80)  // 4 tokens × 2 directions × 100 bytes / 10 tokens
        let mean = 20.0 / 3
        #expect(abs(m.maxMeanLoad - 10 / mean) < 1e-12)
    }
}
