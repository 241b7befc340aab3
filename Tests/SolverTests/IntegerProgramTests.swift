import Testing
@testable import Solver

/// MILPs whose optimum the test establishes independently (brute force or by hand).
@Suite struct IntegerProgramTests {
    let solver = HighsSolver()

    /// 0/1 knapsack with 16 seeded items: HiGHS's optimum equals the best of all 2^16 subsets.
    @Test func knapsackMatchesBruteForce() throws {
        var random = SplitMix64(seed: 42)
        let count = 16
        let values = (0..<count).map { _ in Double(random.integer(in: 10...99)) }
        let weights = (0..<count).map { _ in Double(random.integer(in: 5...60)) }
        let capacity = weights.reduce(0, +) * 0.4

        var best = 0.0
        for mask in 0..<(1 << count) {
            var weight = 0.0
            var value = 0.0
            for item in 0..<count where mask & (1 << item) != 0 {
                weight += weights[item]
                value += values[item]
            }
            if weight <= capacity { best = max(best, value) }
        }

        var model = LinearModel()
        let take = model.addVariables(count: count, kind: .binary)
        model.addConstraint(LinearExpression.sum(zip(take, weights).map { ($0, $1) }) <= capacity, name: "capacity")
        model.maximize(LinearExpression.sum(zip(take, values).map { ($0, $1) }))
        let result = try solver.solve(model, options: SolveOptions(relativeGap: 0))
        #expect(result.status == .optimal)
        #expect(result.objectiveValue == best)
        #expect(take.allSatisfy { result[$0] == 0 || result[$0] == 1 })
        #expect(result.rowDuals.isEmpty, "a MILP has no duals")
    }

    /// max y s.t. −x + y ≤ 1, 3x + 2y ≤ 12, 2x + 3y ≤ 12, x, y ≥ 0.
    /// LP relaxation: vertex of −x + y = 1 and 2x + 3y = 12, i.e. (1.8, 2.8), value 2.8.
    /// Integer optimum 2: y = 3 needs x ≥ 2, and then 2x + 3y ≥ 13 > 12.
    @Test func integralityChangesTheOptimum() throws {
        func build(_ kind: VariableKind) -> (LinearModel, Variable, Variable) {
            var model = LinearModel()
            let x = model.addVariable(kind: kind)
            let y = model.addVariable(kind: kind)
            model.addConstraint(-x + y <= 1)
            model.addConstraint(3 * x + 2 * y <= 12)
            model.addConstraint(2 * x + 3 * y <= 12)
            model.maximize(y.expression)
            return (model, x, y)
        }
        let (relaxed, rx, ry) = build(.continuous)
        let lp = try solver.solve(relaxed)
        #expect(abs(try #require(lp.objectiveValue) - 2.8) < 1e-9)
        #expect(abs(lp[rx] - 1.8) < 1e-9 && abs(lp[ry] - 2.8) < 1e-9)

        let (integer, _, iy) = build(.integer)
        let ip = try solver.solve(integer)
        #expect(ip.status == .optimal)
        #expect(abs(try #require(ip.objectiveValue) - 2) < 1e-9)
        #expect(abs(ip[iy] - 2) < 1e-9)
        #expect(try #require(ip.relativeGap) <= 1e-4)
    }

    /// A 9-item, 3-bin generalised assignment checked against exhaustive search over 3^9 assignments.
    @Test func smallAssignmentMatchesExhaustiveSearch() throws {
        var random = SplitMix64(seed: 7)
        let items = 9, bins = 3
        let cost = (0..<bins).map { _ in (0..<items).map { _ in Double(random.integer(in: 10...50)) } }
        let weight = (0..<bins).map { _ in (0..<items).map { _ in Double(random.integer(in: 5...25)) } }
        let capacity = (0..<bins).map { b in 0.5 * weight[b].reduce(0, +) }

        var best = Double.infinity
        var code = [Int](repeating: 0, count: items)
        for _ in 0..<Int(pow3(items)) {
            var load = [Double](repeating: 0, count: bins)
            var total = 0.0
            for i in 0..<items {
                load[code[i]] += weight[code[i]][i]
                total += cost[code[i]][i]
            }
            if (0..<bins).allSatisfy({ load[$0] <= capacity[$0] }) { best = min(best, total) }
            var position = 0
            while position < items {
                code[position] += 1
                if code[position] < bins { break }
                code[position] = 0
                position += 1
            }
        }

        var model = LinearModel()
        let assign = (0..<bins).map { _ in model.addVariables(count: items, kind: .binary) }
        for i in 0..<items { model.addConstraint(LinearExpression.sum((0..<bins).map { assign[$0][i] }) == 1) }
        for b in 0..<bins {
            model.addConstraint(LinearExpression.sum((0..<items).map { (assign[b][$0], weight[b][$0]) }) <= capacity[b])
        }
        var objective = LinearExpression()
        for b in 0..<bins { for i in 0..<items { objective.add(assign[b][i], coefficient: cost[b][i]) } }
        model.minimize(objective)
        let result = try solver.solve(model, options: SolveOptions(relativeGap: 0))
        #expect(best.isFinite)
        #expect(result.objectiveValue == best)
    }

    /// A hard (type D) generalised assignment stopped by a 0.5 s limit returns its incumbent with a
    /// bound below it and a positive gap; that is a status, not an error.
    @Test func timeLimitReturnsIncumbentAndGap() throws {
        let model = BenchmarkModels.generalizedAssignment(items: 60, bins: 16, type: .d, seed: 1)
        let result = try solver.solve(model, options: SolveOptions(timeLimit: 0.5, relativeGap: 0))
        #expect(result.status == .timeLimit(hasSolution: true))
        let objective = try #require(result.objectiveValue)
        let bound = try #require(result.bestBound)
        let gap = try #require(result.relativeGap)
        #expect(bound < objective)
        #expect(gap > 0)
        #expect(abs(gap - (objective - bound) / abs(objective)) < 1e-6)
        #expect(result.solveSeconds < 5)
        #expect(result.values.count == model.variableCount)
    }

    /// A greedy starting solution is accepted and the solve still reaches the optimum.
    @Test func initialSolutionIsAccepted() throws {
        var model = LinearModel()
        let take = model.addVariables(count: 3, kind: .binary)
        model.addConstraint(3 * take[0] + 4 * take[1] + 5 * take[2] <= 7)
        model.maximize(4 * take[0] + 5 * take[1] + 6 * take[2])
        let result = try solver.solve(model, options: SolveOptions(initialSolution: [0, 0, 1]))
        #expect(result.objectiveValue == 9)  // items 0 and 1: weight 7, value 9
        #expect(throws: SolverError.self) {
            try solver.solve(model, options: SolveOptions(initialSolution: [1]))
        }
    }

    private func pow3(_ n: Int) -> Int { (0..<n).reduce(1) { acc, _ in acc * 3 } }
}
