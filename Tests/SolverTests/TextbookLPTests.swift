import Testing
@testable import Solver

/// Classic LPs whose optima (and duals) are known from the literature or by hand.
@Suite struct TextbookLPTests {
    let solver = HighsSolver()

    /// Hillier & Lieberman's Wyndor Glass: max 3x1 + 5x2, optimum 36 at (2, 6).
    /// Dual by hand: min 4y1 + 12y2 + 18y3 s.t. y1 + 3y3 ≥ 3, 2y2 + 2y3 ≥ 5 → y = (0, 1.5, 1).
    @Test func wyndorGlassOptimumAndDuals() throws {
        var model = LinearModel()
        let x1 = model.addVariable(name: "x1")
        let x2 = model.addVariable(name: "x2")
        let plant1 = model.addConstraint(x1 <= 4, name: "plant1")
        let plant2 = model.addConstraint(2 * x2 <= 12, name: "plant2")
        let plant3 = model.addConstraint(3 * x1 + 2 * x2 <= 18, name: "plant3")
        model.maximize(3 * x1 + 5 * x2)
        let result = try solver.solve(model)
        #expect(result.status == .optimal)
        #expect(abs(try #require(result.objectiveValue) - 36) < 1e-9)
        #expect(abs(result[x1] - 2) < 1e-9)
        #expect(abs(result[x2] - 6) < 1e-9)
        #expect(abs(try #require(result.dual(of: plant1)) - 0) < 1e-9)
        #expect(abs(try #require(result.dual(of: plant2)) - 1.5) < 1e-9)
        #expect(abs(try #require(result.dual(of: plant3)) - 1) < 1e-9)
        #expect(result.relativeGap == 0)
        #expect(result.bestBound == result.objectiveValue)
    }

    /// The HiGHS documentation's LP with a ranged row, free-above bounds and an objective offset:
    /// min x0 + x1 + 3, optimum 5.75 at (0.5, 2.25). Duals by complementary slackness: rows 2 and 3
    /// are tight at their lower bounds, so y2 + 3y3 = 1 and 2y2 + 2y3 = 1 → y2 = y3 = 0.25.
    @Test func rangedRowsAndOffset() throws {
        var model = LinearModel()
        let x0 = model.addVariable(lower: 0, upper: 4)
        let x1 = model.addVariable(lower: 1)
        let r1 = model.addConstraint(x1 <= 7)
        let r2 = model.addConstraint(LinearConstraint(x0 + 2 * x1, lower: 5, upper: 15))
        let r3 = model.addConstraint(3 * x0 + 2 * x1 >= 6)
        model.minimize(x0 + x1 + 3)
        let result = try solver.solve(model)
        #expect(result.status == .optimal)
        #expect(abs(try #require(result.objectiveValue) - 5.75) < 1e-9)
        #expect(abs(result[x0] - 0.5) < 1e-9)
        #expect(abs(result[x1] - 2.25) < 1e-9)
        #expect(abs(try #require(result.dual(of: r1)) - 0) < 1e-9)
        #expect(abs(try #require(result.dual(of: r2)) - 0.25) < 1e-9)
        #expect(abs(try #require(result.dual(of: r3)) - 0.25) < 1e-9)
        #expect(abs(try #require(result.reducedCost(of: x0)) - 0) < 1e-9)
    }

    /// Dantzig's transportation problem (GAMS model library "trnsport"): optimum 153.675 k$,
    /// with the market-clearing prices (duals of demand rows) 225, 153, 126 $ per case (in k$: ×1e-3).
    @Test func dantzigTransportation() throws {
        let supply = [350.0, 600.0]
        let demand = [325.0, 300.0, 275.0]
        let distance = [[2.5, 1.7, 1.8], [2.5, 1.8, 1.4]]
        var model = LinearModel()
        let ship = (0..<2).map { i in (0..<3).map { j in model.addVariable(name: "x_\(i)_\(j)") } }
        for i in 0..<2 { model.addConstraint(LinearExpression.sum(ship[i]) <= supply[i], family: "supply") }
        let demandRows = (0..<3).map { j in
            model.addConstraint(LinearExpression.sum((0..<2).map { ship[$0][j] }) >= demand[j], family: "demand")
        }
        var cost = LinearExpression()
        for i in 0..<2 { for j in 0..<3 { cost.add(ship[i][j], coefficient: 90 * distance[i][j] / 1000) } }
        model.minimize(cost)
        let result = try solver.solve(model)
        #expect(result.status == .optimal)
        #expect(abs(try #require(result.objectiveValue) - 153.675) < 1e-9)
        let prices = try demandRows.map { try #require(result.dual(of: $0)) }
        #expect(abs(prices[0] - 0.225) < 1e-9)
        #expect(abs(prices[1] - 0.153) < 1e-9)
        #expect(abs(prices[2] - 0.126) < 1e-9)
    }

    /// Terms of the same variable in one row add up: max x s.t. x + x ≤ 4 gives x = 2.
    @Test func duplicateTermsAreMerged() throws {
        var model = LinearModel()
        let x = model.addVariable()
        var expression = LinearExpression(x)
        expression += x
        model.addConstraint(expression <= 4)
        model.maximize(x.expression)
        let result = try solver.solve(model)
        #expect(abs(result[x] - 2) < 1e-9)
    }
}
