import Foundation
import Planning
import Testing
@testable import GateAndRoute
@testable import Solver

/// The fluid LPs against independently computed values.
@Suite struct FluidLPTests {
    let bundled = GateRouteProblem(instance: ConvergenceInstance.instance(.bundled))

    /// Reference values (research notes §4.2, computed with SciPy's HiGHS): R* = 297.70,
    /// x* = (0.01826, 0.19495), M = 107 at n = 500, q_p* = (0.3173, 0), both decode capacities bind,
    /// completions (0.4683, 0.5), average TPOT 0.02429 s.
    @Test func bundledConvergenceInstance() throws {
        let solution = try bundled.solved()
        let plan = solution.plan
        #expect(abs(solution.revenuePerGPU - 297.70) < 0.01)
        #expect(abs(plan.classes[0].prefillOccupancy - 0.01826) < 1e-5)
        #expect(abs(plan.classes[1].prefillOccupancy - 0.19495) < 1e-5)
        #expect(solution.mixedGPUs == 107)
        #expect(abs(plan.classes[0].prefillQueue - 0.3173) < 1e-4)
        #expect(abs(plan.classes[1].prefillQueue) < 1e-6)
        #expect(plan.classes.allSatisfy { abs($0.decodeQueue) < 1e-6 })
        let mixed = plan.classes.reduce(0) { $0 + $1.mixedDecodeOccupancy }
        let solo = plan.classes.reduce(0) { $0 + $1.soloDecodeOccupancy }
        #expect(abs(mixed - 15 * plan.mixedFraction) < 1e-7)
        #expect(abs(solo - 16 * (1 - plan.mixedFraction)) < 1e-7)
        #expect(abs(solution.completionsPerGPU[0] - 0.4683) < 1e-4)
        #expect(abs(solution.completionsPerGPU[1] - 0.5) < 1e-6)
        #expect(abs(ConvergenceInstance.engine.averageTPOT(mixedFraction: plan.mixedFraction) - 0.02429) < 1e-5)
        let names = solution.bindingConstraints.map(\.name)
        #expect(names.contains("mixedDecodeCapacity") && names.contains("soloDecodeCapacity"))
        #expect(!names.contains("prefillCapacity"))
        #expect(solution.warnings.isEmpty)
    }

    /// The degenerate split is resolved lexicographically: class 0 ("code") as solo as possible,
    /// which puts all mixed decode on class 1, as in the reference: y_m = (0, 3.198), y_s = (10.303, 2.286).
    @Test func deterministicDecodeSplit() throws {
        let plan = try bundled.solved().plan
        #expect(abs(plan.classes[0].mixedDecodeOccupancy) < 1e-7)
        #expect(abs(plan.classes[1].mixedDecodeOccupancy - 3.198) < 1e-3)
        #expect(abs(plan.classes[0].soloDecodeOccupancy - 10.303) < 1e-3)
        #expect(abs(plan.classes[1].soloDecodeOccupancy - 2.286) < 1e-3)
        let again = try bundled.solved().plan
        #expect(again == plan)
    }

    /// Shadow prices equal finite differences of the optimum: raising λ_i by h changes R* by dual·h.
    /// The rationed class ("code", q_p* > 0) is worth nothing at the margin (an extra arrival
    /// abandons at the gate); the fully served one ("summarize") is worth its revenue net of the
    /// capacity it displaces.
    @Test func shadowPricesMatchFiniteDifferences() throws {
        let solution = try bundled.solved()
        var duals: [Double] = []
        for (index, name) in ["code", "summarize"].enumerated() {
            let dual = try #require(solution.bindingConstraints.first { $0.name == "prefillBalance[\(name)]" }).shadowPrice
            var perturbed = ConvergenceInstance.instance(.bundled)
            let step = 1e-5
            perturbed.classes[index].arrivalRate += step
            let moved = try GateRouteProblem(instance: perturbed).solved().revenuePerGPU
            #expect(abs((moved - solution.revenuePerGPU) / step - dual) < 1e-3 * max(1, abs(dual)), "\(name)")
            duals.append(dual)
        }
        #expect(abs(duals[0]) < 1e-9)
        #expect(duals[1] > 0 && duals[1] < 380)
    }

    /// Separate pricing: optimality certified from the data alone. The duals are dual-feasible
    /// (every reduced cost c_j − a_jᵀy ≤ 0 for variables at their lower bound 0 in a maximisation)
    /// and the dual objective Σ b·y equals the primal objective.
    @Test func separatePricingOptimumIsCertified() throws {
        let instance = ConvergenceInstance.instance(.separate)
        let (model, _) = FluidLP(instance: instance, targets: ServiceLevelTargets()).build()
        let result = try HighsSolver().solve(model)
        #expect(result.status == .optimal)
        var reduced = model.objectiveCoefficients
        var dualObjective = 0.0
        for row in 0..<model.constraintCount {
            let constraint = Constraint(index: row)
            let y = try #require(result.dual(of: constraint))
            let (columns, values) = model.terms(of: constraint)
            for (column, value) in zip(columns, values) { reduced[Int(column)] -= value * y }
            let bound = y >= 0 ? model.rowUpper[row] : model.rowLower[row]
            if y != 0 { dualObjective += bound * y }
        }
        for (j, cost) in reduced.enumerated() {
            let atZero = abs(result.values[j]) < 1e-9
            #expect(atZero ? cost <= 1e-7 : abs(cost) <= 1e-7, "reduced cost of \(model.name(of: Variable(index: j))) is \(cost)")
        }
        let primalObjective = try #require(result.objectiveValue)
        #expect(abs(dualObjective - primalObjective) < 1e-6 * primalObjective)
        // Solo decode is worth more than mixed under separate pricing (γ > 1/τ): equal per-token price.
        let solution = try GateRouteProblem(instance: instance).solved()
        #expect(solution.scheme == .separate)
        #expect(solution.revenuePerGPU > 0)
    }

    /// TPOT cap by hand: f(X) = (0.147035·X + 16/45.45) / (16 − X) ≤ η gives X ≤ (16η − 16/45.45)/(0.147035 + η).
    @Test func averageTPOTLimit() throws {
        let tau = 0.033272, b = 16.0, gamma = 45.45
        let slope = tau * (b - 1) - b / gamma
        let loose = GateRouteProblem(instance: ConvergenceInstance.instance(), targets: ServiceLevelTargets(averageTPOT: .limit(0.025)))
        #expect(abs(try loose.solved().revenuePerGPU - 297.70) < 0.01, "X* = 0.2132 is below the cap's 0.2788")
        let eta = 0.024
        let xMax = (b * eta - b / gamma) / (slope + eta)
        let tight = try GateRouteProblem(instance: ConvergenceInstance.instance(), targets: ServiceLevelTargets(averageTPOT: .limit(eta))).solved()
        #expect(abs(tight.plan.mixedFraction - xMax) < 1e-7)
        #expect(tight.revenuePerGPU < 297.70)
        let row = try #require(tight.bindingConstraints.first { $0.family == "sli.maxAverageTPOT" })
        #expect(row.shadowPrice > 0)
    }

    /// A TPOT cap below 1/γ (the solo-mode time per token) cannot be met by any plan.
    @Test func infeasibleTPOTNamesTheTightestValue() throws {
        let problem = GateRouteProblem(instance: ConvergenceInstance.instance(), targets: ServiceLevelTargets(averageTPOT: .limit(0.02)))
        #expect {
            try problem.solved()
        } throws: { error in
            let message = "\(error)"
            return message.hasPrefix("sli.maxAverageTPOT: no plan meets 0.02; the tightest feasible value is 0.0220022")
        }
    }

    /// A large prefill-fairness penalty equalises x; the penalty form equals revenue − weight·max gap.
    @Test func fairnessPenalty() throws {
        let strict = try GateRouteProblem(
            instance: ConvergenceInstance.instance(), targets: ServiceLevelTargets(prefillFairness: .penalty(1e6))).solved()
        #expect(abs(strict.plan.classes[0].prefillOccupancy - strict.plan.classes[1].prefillOccupancy) < 1e-9)
        let free = try GateRouteProblem(
            instance: ConvergenceInstance.instance(), targets: ServiceLevelTargets(prefillFairness: .penalty(0))).solved()
        #expect(abs(free.revenuePerGPU - 297.70) < 0.01)
        let limited = try GateRouteProblem(
            instance: ConvergenceInstance.instance(), targets: ServiceLevelTargets(prefillFairness: .limit(0.1))).solved()
        #expect(limited.plan.classes[1].prefillOccupancy - limited.plan.classes[0].prefillOccupancy <= 0.1 + 1e-9)
    }

    /// The TPOT penalty's tangent epigraph stays within 0.1% of the exact ratio.
    @Test func tpotPenaltyIsAccurate() throws {
        let weight = 2000.0
        let solution = try GateRouteProblem(
            instance: ConvergenceInstance.instance(), targets: ServiceLevelTargets(averageTPOT: .penalty(weight))).solved()
        let exact = ConvergenceInstance.engine.averageTPOT(mixedFraction: solution.plan.mixedFraction)
        let charged = solution.penaltyPerGPU / weight
        #expect(abs(charged - exact) / exact < 1e-3)
    }

    @Test func warnsWhenEliminationDoesNotHold() throws {
        var instance = ConvergenceInstance.instance()
        instance.engine.gamma = 20
        let solution = try GateRouteProblem(instance: instance).solved()
        #expect(solution.warnings.contains { $0.hasPrefix("γτ = 0.6654 < (B−1)/B = 0.9375") })
    }
}
