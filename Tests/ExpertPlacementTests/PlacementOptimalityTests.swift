import Testing
@testable import ExpertPlacement
import ServingModel

@Suite struct PlacementOptimalityTests {
    /// moe.md §2: f = [0.4, 0.3, 0.2, 0.1], 2 GPUs × 2 slots, location costs c = [0, 1]
    /// (all tokens on GPU 0, GPU 1 half a hop away each way). Optimum {0, 1} on GPU 0 costs 0.3;
    /// round-robin (e mod 2) costs 0.4.
    @Test func handCheckableCase() throws {
        var counts = ActivationCounts(layers: 1, sources: 2, experts: 4, tokens: 1)
        for (e, f) in [0.4, 0.3, 0.2, 0.1].enumerated() { counts[0, 0, e] = f }
        let distances = DistanceMatrix(rows: [[0, 0.5], [0.5, 0]])
        let problem = try PlacementProblem(experts: 4, slotsPerGPU: 2, distances: distances, profile: counts)
        let optimum = try LoadAwarePlacer().place(problem)
        #expect(optimum.plan.layers[0] == [[0, 1], [2, 3]])
        #expect(abs(try #require(optimum.solve.objective) - 0.3) < 1e-12)
        let metric = { (plan: ExpertPlan) in
            PlacementMetrics(plan: plan, counts: counts, distances: distances, bytesPerActivation: 1).expectedHops
        }
        #expect(abs(metric(optimum.plan) - 0.3) < 1e-12)
        #expect(abs(metric(try RoundRobinPlacer().place(problem).plan) - 0.4) < 1e-12)
        #expect(optimum.solve.relativeGap == 0)
    }

    /// The transportation solver against enumeration of every feasible placement.
    @Test func assignmentMatchesBruteForce() throws {
        var random = SeededRandom(seed: 7)
        for trial in 0..<40 {
            let experts = 3 + trial % 3, gpus = 3
            let capacity = (0..<gpus).map { _ in 1 + random.integer(in: 0...2) }
            var supply = [Int](repeating: 1, count: experts)
            if trial % 2 == 1 { supply[random.integer(in: 0...(experts - 1))] = 2 }
            // Integer costs (many ties) in even trials, fractional ones (rounding in the potentials) in odd ones.
            let cost = (0..<experts).map { _ in (0..<gpus).map { _ in trial % 4 < 2 ? Double(random.integer(in: 0...9)) : random.uniform() / 3 } }
            let brute = bruteForce(cost: cost, supply: supply, capacity: capacity, share: nil, cap: 0)
            let solved = TransportationSolver.solve(cost: cost, supply: supply, capacity: capacity)
            if let brute {
                let assignment = try #require(solved)
                #expect(assignment.map(\.count) == supply)
                #expect(zip(assignment, supply).allSatisfy { Set($0.0).count == $0.1 })
                let used = (0..<gpus).map { g in assignment.filter { $0.contains(g) }.count }
                #expect(zip(used, capacity).allSatisfy { $0 <= $1 })
                let total = assignment.enumerated().reduce(0.0) { sum, pair in sum + pair.1.reduce(0) { $0 + cost[pair.0][$1] } }
                #expect(abs(total - brute) < 1e-12, "trial \(trial)")
            } else {
                #expect(solved == nil)
            }
        }
    }

    /// The balance MILP against enumeration: 6 experts, 3 GPUs × 3 slots, max load ≤ 1.1 × mean.
    @Test func balanceMILPMatchesBruteForce() throws {
        var counts = ActivationCounts(layers: 1, sources: 3, experts: 6, tokens: 10)
        let loads: [Double] = [9, 7, 5, 4, 3, 2]
        for e in 0..<6 { counts[0, 0, e] = loads[e] * 0.7; counts[0, 2, e] = loads[e] * 0.3 }
        let distances = DistanceMatrix(rows: [[0, 1, 3], [1, 0, 2], [3, 2, 0]])
        let problem = try PlacementProblem(experts: 6, slotsPerGPU: 3, distances: distances, profile: counts)
        let placer = BalancedPlacer(maxImbalance: 1.1, timeLimit: 30, relativeGap: 0)
        let outcome = try placer.place(problem)
        let cost = problem.costs(layer: 0)
        let cap = 1.1 * loads.reduce(0, +) / 3
        let brute = try #require(bruteForce(cost: cost, supply: [Int](repeating: 1, count: 6), capacity: [3, 3, 3], share: loads, cap: cap))
        #expect(abs(try #require(outcome.solve.objective) - brute) < 1e-6)
        let unconstrained = try LoadAwarePlacer().place(problem)
        #expect(try #require(unconstrained.solve.objective) < brute)
        let metrics = PlacementMetrics(plan: outcome.plan, counts: counts, distances: distances, bytesPerActivation: 1)
        #expect(metrics.worstLayerMaxMeanLoad <= 1.1 + 1e-9)
        #expect(throws: PlacementError.self) { try BalancedPlacer(maxImbalance: 1.05).place(problem) }
    }

    /// The local search keeps a start feasible (slots, cap, distinct GPUs per expert) and never
    /// raises its cost; it never goes below the enumerated optimum.
    @Test func swapSearchKeepsFeasibilityAndLowersCost() throws {
        var random = SeededRandom(seed: 11)
        let placer = BalancedPlacer(maxImbalance: 1.3)
        for _ in 0..<20 {
            let experts = 6, gpus = 3, slots = 3
            let share = (0..<experts).map { _ in 1 + random.uniform() * 4 }
            var supply = [Int](repeating: 1, count: experts)
            supply[random.integer(in: 0...(experts - 1))] = 2
            let perReplica = share.indices.map { share[$0] / Double(supply[$0]) }
            let cap = 1.3 * share.reduce(0, +) / Double(gpus)
            let cost = (0..<experts).map { _ in (0..<gpus).map { _ in random.uniform() * 10 } }
            guard let start = placer.greedyStart(cost: cost, supply: supply, share: perReplica, cap: cap, slots: slots) else { continue }
            let improved = placer.improveBySwaps(start, cost: cost, share: perReplica, cap: cap, slots: slots)
            let total = { (p: [[Int]]) in p.enumerated().reduce(0.0) { s, pair in s + pair.1.reduce(0) { $0 + cost[pair.0][$1] } } }
            #expect(total(improved) <= total(start) + 1e-12)
            #expect(zip(improved, supply).allSatisfy { Set($0.0).count == $0.1 && $0.0.count == $0.1 })
            for g in 0..<gpus {
                let here = improved.indices.filter { improved[$0].contains(g) }
                #expect(here.count <= slots)
                #expect(here.reduce(0) { $0 + perReplica[$1] } <= cap + 1e-9)
            }
            let optimum = try #require(bruteForce(
                cost: cost, supply: supply, capacity: [slots, slots, slots], share: share, cap: cap))
            #expect(total(improved) >= optimum - 1e-9)
        }
    }

    /// Minimum cost over every placement with `supply[e]` distinct GPUs per expert, within the
    /// slots and (when `share` is given) with every GPU's load ≤ cap; nil if none is feasible.
    func bruteForce(cost: [[Double]], supply: [Int], capacity: [Int], share: [Double]?, cap: Double) -> Double? {
        let gpus = capacity.count
        var best: Double?
        var used = [Int](repeating: 0, count: gpus), load = [Double](repeating: 0, count: gpus)
        func place(_ e: Int, _ total: Double) {
            if e == cost.count {
                if share == nil || load.allSatisfy({ $0 <= cap + 1e-9 }) { best = min(best ?? .infinity, total) }
                return
            }
            for mask in 1..<(1 << gpus) where mask.nonzeroBitCount == supply[e] {
                let chosen = (0..<gpus).filter { mask & (1 << $0) != 0 }
                guard chosen.allSatisfy({ used[$0] < capacity[$0] }) else { continue }
                for g in chosen { used[g] += 1; load[g] += (share?[e] ?? 0) / Double(supply[e]) }
                place(e + 1, total + chosen.reduce(0) { $0 + cost[e][$1] })
                for g in chosen { used[g] -= 1; load[g] -= (share?[e] ?? 0) / Double(supply[e]) }
            }
        }
        place(0, 0)
        return best
    }
}
