import Foundation
import Planning
import Solver

/// Why the LP gave no plan (bad input); `GateRoutePlanner` turns it into a `PlanningError`.
struct GateRoutePlanningError: Error, Sendable {
    /// One line per problem.
    var lines: [String]
}

/// Solves the fluid LP and makes its optimum deterministic.
///
/// The optimum is generally not unique (the split of decode between mixed and solo pools, and the
/// decode buffer when γτ ≥ (B−1)/B). After the main solve, the planner fixes the objective at its
/// optimum (relative tolerance 1e-9) and picks lexicographically: first the smallest total decode
/// buffer Σ q_d (the Prop. 3.2 optimum), then, class by class in scenario order, the largest solo
/// decode occupancy y_{s,i}. Shadow prices come from the main solve. Every solve goes through
/// `solver` (the planning context's, so `--export-model` sees each).
struct FluidLPSolve {
    var instance: GateRouteInstance
    var targets: ServiceLevelTargets
    var solver: any LinearSolver

    /// The deterministic optimum and the summary of its solves (the main solve's status, objective
    /// and bound; seconds and solves over the main and tie-break solves). Throws
    /// `GateRoutePlanningError` for an infeasible or unbounded LP, and for one HiGHS cannot solve or
    /// take (the instance's numbers were range-checked when read, so that is numerical trouble);
    /// other solver errors (no library) pass through.
    func solve() throws -> (solution: GateRouteSolution, summary: SolveSummary) {
        let watch = Stopwatch()
        let (model, handles) = FluidLP(instance: instance, targets: targets).build()
        do {
            return try solve(model, handles: handles, watch: watch)
        } catch SolverError.backendFailure(let detail) {
            throw hopeless(model, detail)
        } catch SolverError.invalidModel(let detail) {
            throw hopeless(model, detail)
        }
    }

    private func solve(
        _ model: LinearModel, handles: FluidLP.Handles, watch: Stopwatch
    ) throws -> (solution: GateRouteSolution, summary: SolveSummary) {
        let main = try solver.solve(model)
        switch main.status {
        case .optimal: break
        case .infeasible: throw try infeasibility(model: model)
        case .unbounded: throw GateRoutePlanningError(lines: ["the gate-and-route LP is unbounded"])
        default: throw hopeless(model, "HiGHS stopped with status \(main.status)")
        }
        guard let objective = main.objectiveValue else { throw hopeless(model, "HiGHS returned no objective value") }
        let stages = try tieBroken(model: model, handles: handles, objective: objective, fallback: main.values)
        let solution = solution(handles: handles, values: stages.values, objective: objective, main: main, model: model)
        var summary = SolveSummary(main, wallSeconds: watch.seconds)
        summary.solveSeconds += stages.solveSeconds
        summary.solves += stages.solves
        return (solution, summary)
    }

    /// The error for a well-formed LP (its inputs were range-checked when read) that HiGHS could not
    /// solve: numerical trouble from coefficients many orders of magnitude apart.
    private func hopeless(_ model: LinearModel, _ detail: String) -> GateRoutePlanningError {
        let bounds = (model.rowLower + model.rowUpper).filter(\.isFinite)
        let magnitudes = (model.columnwiseMatrix().value + model.objectiveCoefficients + bounds).map(abs).filter { $0 > 0 }
        var span = ""
        if let smallest = magnitudes.min(), let largest = magnitudes.max() {
            span = String(format: "; its coefficients and bounds range from %.3g to %.3g", smallest, largest)
        }
        return GateRoutePlanningError(lines: [
            "numerically hopeless model: the gate-and-route LP could not be solved (\(detail))\(span); "
                + "bring promptTokens, decodeTokens, arrival and abandonment rates and the engine's law to "
                + "realistic magnitudes",
        ])
    }

    // MARK: Deterministic optimum

    /// The values after the lexicographic tie-break, with the seconds and count of its solves.
    private func tieBroken(
        model: LinearModel, handles: FluidLP.Handles, objective: Double, fallback: [Double]
    ) throws -> (values: [Double], solveSeconds: Double, solves: Int) {
        var stage = model
        let tolerance = 1e-9 * max(1, abs(objective))
        stage.addConstraint(handles.revenue - handles.penalty >= objective - tolerance, name: "optimality", family: "optimality")
        var values = fallback
        var seconds = 0.0
        var solves = 0
        var steps: [(LinearExpression, ObjectiveSense)] = [(LinearExpression.sum(handles.decodeQueue), .minimize)]
        steps += handles.solo.map { ($0.expression, .maximize) }
        for (expression, sense) in steps {
            stage.setObjective(expression, sense: sense)
            let result = try solver.solve(stage)
            seconds += result.solveSeconds
            solves += 1
            guard result.status == .optimal, let best = result.objectiveValue else { break }
            values = result.values
            let slack = 1e-9 * max(1, abs(best))
            stage.addConstraint(sense == .minimize ? expression <= best + slack : expression >= best - slack, family: "tieBreak")
        }
        return (values, seconds, solves)
    }

    // MARK: Report

    private func solution(
        handles h: FluidLP.Handles, values: [Double], objective: Double, main: SolveResult, model: LinearModel
    ) -> GateRouteSolution {
        let rates = instance.rates
        func value(_ v: Variable) -> Double { max(0, values[v.index]) }
        let classes = instance.classes.enumerated().map { i, c in
            ClassPlan(
                name: c.name, prefillOccupancy: value(h.x[i]), mixedDecodeOccupancy: value(h.mixed[i]),
                soloDecodeOccupancy: value(h.solo[i]), prefillQueue: value(h.prefillQueue[i]),
                decodeQueue: value(h.decodeQueue[i]))
        }
        let mixedFraction = classes.reduce(0) { $0 + $1.prefillOccupancy }
        let plan = GateRoutePlan(revenuePerGPU: objective, classes: classes, mixedFraction: mixedFraction)
        let revenue = h.revenue.value(at: values)
        var binding: [BindingConstraint] = []
        for row in h.rows {
            let activity = row.expression.value(at: main.values)
            let tight = [row.lower, row.upper].contains { $0.isFinite && abs(activity - $0) <= 1e-7 * (1 + abs($0)) }
            guard tight, let dual = main.dual(of: row.constraint) else { continue }
            binding.append(BindingConstraint(
                name: model.name(of: row.constraint), family: model.family(of: row.constraint) ?? "", shadowPrice: dual))
        }
        var warnings: [String] = []
        let engine = instance.engine
        if !engine.decodeBufferEliminationHolds {
            warnings.append(String(
                format: "γτ = %.4f < (B−1)/B = %.4f: the decode-buffer elimination result (Prop. 3.2) does not apply; "
                    + "the optimum may keep decode backlogs", engine.soloToMixedSpeedRatio,
                Double(engine.batchSize - 1) / Double(engine.batchSize)))
        }
        if classes.contains(where: { $0.prefillOccupancy <= 1e-12 }) {
            let idle = classes.filter { $0.prefillOccupancy <= 1e-12 }.map(\.name).joined(separator: ", ")
            warnings.append("x* = 0 for \(idle): the gate never admits such a class (its jobs abandon)")
        }
        return GateRouteSolution(
            plan: plan, scheme: instance.pricing.scheme, gpus: instance.gpus, objectivePerGPU: objective, revenuePerGPU: revenue,
            penaltyPerGPU: revenue - objective, mixedGPUs: plan.mixedGPUs(forGPUs: instance.gpus),
            completionsPerGPU: instance.classes.indices.map {
                rates.mixedDecode[$0] * classes[$0].mixedDecodeOccupancy + rates.soloDecode[$0] * classes[$0].soloDecodeOccupancy
            },
            bindingConstraints: binding, warnings: warnings, mixedIterationSeconds: engine.mixedIterationSeconds,
            soloToMixedSpeedRatio: engine.soloToMixedSpeedRatio)
    }

    // MARK: Infeasibility

    /// Names the conflicting constraint families; for each conflicting SLI, the tightest value that
    /// would be feasible with everything else unchanged.
    private func infeasibility(model: LinearModel) throws -> GateRoutePlanningError {
        let diagnosis = try solver.diagnoseInfeasibility(of: model)
        var lines: [String] = []
        for kind in SLIKind.allCases where diagnosis.conflictingFamilies.contains(kind.family) {
            let given = requirementValue(kind)
            if let tightest = try tightestFeasible(kind) {
                lines.append(String(format: "sli.%@: no plan meets %g; the tightest feasible value is %.6g", kind.rawValue, given, tightest))
            } else {
                lines.append("sli.\(kind.rawValue): infeasible together with the other indicators (\(diagnosis))")
            }
        }
        if lines.isEmpty { lines.append("the gate-and-route LP is infeasible: \(diagnosis)") }
        return GateRoutePlanningError(lines: lines)
    }

    private func requirementValue(_ kind: SLIKind) -> Double {
        let requirement: SLIRequirement?
        switch kind {
        case .prefillFairness: requirement = targets.prefillFairness
        case .decodeFairness: requirement = targets.decodeFairness
        case .averageTPOT: requirement = targets.averageTPOT
        }
        if case let .limit(value) = requirement { return value }
        return .nan
    }

    /// The smallest value of the indicator over the LP without its own limit (nil when that LP is infeasible too).
    private func tightestFeasible(_ kind: SLIKind) throws -> Double? {
        var relaxed = targets
        switch kind {
        case .prefillFairness: relaxed.prefillFairness = .penalty(0)
        case .decodeFairness: relaxed.decodeFairness = .penalty(0)
        case .averageTPOT: relaxed.averageTPOT = nil
        }
        let (built, handles) = FluidLP(instance: instance, targets: relaxed).build()
        var model = built
        switch kind {
        case .prefillFairness, .decodeFairness:
            guard let epigraph = handles.indicator[kind] else { return nil }
            model.minimize(epigraph.expression)
        case .averageTPOT:
            model.minimize(LinearExpression.sum(handles.x))
        }
        let result = try solver.solve(model)
        guard result.status == .optimal, let best = result.objectiveValue else { return nil }
        return kind == .averageTPOT ? instance.engine.averageTPOT(mixedFraction: best) : best
    }
}
