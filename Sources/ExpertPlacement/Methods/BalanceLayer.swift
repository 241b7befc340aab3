import Solver

/// One layer's data for the balance MILP: per-replica costs and loads, replica counts, the
/// per-GPU load cap and slots.
struct BalanceLayer {
    /// cost[e][g]: one replica of e on GPU g.
    var cost: [[Double]]
    /// Replicas of each expert.
    var supply: [Int]
    /// Load of one replica of each expert.
    var share: [Double]
    /// Largest load a GPU may carry.
    var cap: Double
    /// Slots per GPU.
    var slots: Int

    /// Spreads each class's replicas over its GPUs (distinct GPUs per expert, slots and cap per
    /// GPU): heaviest replica first onto the least-loaded GPU that can take it, and when that gets
    /// stuck, a feasibility MILP over the class. Returns each expert's GPUs, or nil when some class
    /// cannot be packed.
    func pack(_ perClass: [[Int]], classes: [[Int]], solver: any LinearSolver) -> [[Int]]? {
        var gpusOf = [[Int]](repeating: [], count: cost.count)
        for (k, members) in classes.enumerated() {
            let items = perClass.indices.flatMap { e in [Int](repeating: e, count: perClass[e].filter { $0 == k }.count) }
            guard let placed = packGreedily(items, on: members) ?? packExactly(items, on: members, solver: solver) else { return nil }
            for (e, g) in placed { gpusOf[e].append(g) }
        }
        return gpusOf.map { $0.sorted() }
    }

    private func packGreedily(_ items: [Int], on gpus: [Int]) -> [(Int, Int)]? {
        var load = [Double](repeating: 0, count: gpus.count), used = [Int](repeating: 0, count: gpus.count)
        var holds = [Set<Int>](repeating: [], count: gpus.count)
        var placed: [(Int, Int)] = []
        for e in items.sorted(by: { share[$0] > share[$1] || (share[$0] == share[$1] && $0 < $1) }) {
            var best = -1
            for i in gpus.indices where used[i] < slots && !holds[i].contains(e) && load[i] + share[e] <= cap
                && (best < 0 || load[i] < load[best]) { best = i }
            guard best >= 0 else { return nil }
            load[best] += share[e]
            used[best] += 1
            holds[best].insert(e)
            placed.append((e, gpus[best]))
        }
        return placed
    }

    private func packExactly(_ items: [Int], on gpus: [Int], solver: any LinearSolver) -> [(Int, Int)]? {
        let experts = Array(Set(items)).sorted()
        var model = LinearModel(name: "moe-balance-pack")
        let z = experts.map { _ in model.addVariables(count: gpus.count, kind: .binary) }
        for (i, e) in experts.enumerated() {
            let n = Double(items.filter { $0 == e }.count)
            model.addConstraint(LinearConstraint(.sum(z[i]), lower: n, upper: n))
        }
        for g in gpus.indices {
            model.addConstraint(LinearConstraint(.sum(experts.indices.map { z[$0][g] }), upper: Double(slots)))
            model.addConstraint(LinearConstraint(.sum(experts.indices.map { (z[$0][g], share[experts[$0]]) }), upper: cap))
        }
        guard let result = try? solver.solve(model, options: SolveOptions(timeLimit: 5, threads: 1)),
              result.status.hasSolution else { return nil }
        return experts.indices.flatMap { i in gpus.indices.filter { result[z[i][$0]] > 0.5 }.map { (experts[i], gpus[$0]) } }
    }
}
