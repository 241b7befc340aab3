import GateAndRoute
import Planning

extension GateRouteSolution {
    /// The plan as text: R*, M, the per-class optimum, the binding constraints, the warnings.
    func text() -> String {
        var lines: [String] = []
        let penalty = penaltyPerGPU > 1e-12 ? " (objective \(Format.fixed(objectivePerGPU, 4)) after SLI penalties)" : ""
        lines.append("\(scheme.rawValue) pricing, n = \(gpus) GPUs: R* = \(Format.fixed(revenuePerGPU, 4)) per GPU per second\(penalty)")
        lines.append("mixed GPUs M = ⌈n·Σx*⌉ = ⌈\(gpus) × \(Format.fixed(plan.mixedFraction, 5))⌉ = \(mixedGPUs); "
            + "τ = \(Format.fixed(mixedIterationSeconds, 6)) s, γτ = \(Format.fixed(soloToMixedSpeedRatio, 4))")
        lines.append("")
        var table = TextTable(["class", "x* prefill", "y_m* mixed", "y_s* solo", "q_p* queue", "q_d* buffer", "completions/GPU/s"])
        for (plan, completions) in zip(plan.classes, completionsPerGPU) {
            table.add([
                plan.name, Format.fixed(plan.prefillOccupancy, 5), Format.fixed(plan.mixedDecodeOccupancy, 4),
                Format.fixed(plan.soloDecodeOccupancy, 4), Format.fixed(plan.prefillQueue, 4), Format.fixed(plan.decodeQueue, 4),
                Format.fixed(completions, 4),
            ])
        }
        lines.append(table.render())
        lines.append("")
        var binding = TextTable(["binding constraint", "shadow price"])
        for row in bindingConstraints { binding.add([row.name, Format.fixed(row.shadowPrice, 4)]) }
        lines.append(binding.render())
        for warning in warnings { lines.append("warning: \(warning)") }
        return lines.joined(separator: "\n")
    }
}

/// The text of gate-and-route evaluations (`simulate gate-route`, and `plan gate-route` after the plan).
enum GateRouteEvaluationText {
    /// The first lines of `simulate gate-route`: R*, the window, the seeds, the options if not the paper's.
    static func header(_ report: GateRouteSimulationReport) -> String {
        var lines = [
            "\(report.fidelity == .ctmc ? "CTMC" : "token level"): R* = \(Format.fixed(report.revenueOptimum, 2)) per GPU per second; "
                + "T = \(Format.fixed(report.horizonSeconds, 0)) s, warm-up \(Format.fixed(report.warmupSeconds, 0)) s, "
                + "\(report.seeds.count) seeds (mean ± std over seeds)",
        ]
        if report.rationedClasses != .always || report.staffing != 0 {
            lines.append(
                "options: rationed classes admitted \(report.rationedClasses.rawValue), mixed GPUs M = ⌈m + κ√m⌉ with κ = "
                    + Format.fixed(report.staffing, 2))
        }
        lines.append("")
        return lines.joined(separator: "\n")
    }

    /// One row per size and policy; at the CTMC also the decode buffer and each class's X/n and Q/n
    /// (and, with `targets`, the plan's x* and q* below).
    static func table(_ rows: [GateRouteEvaluation], plan: GateRoutePlan, simulation: GateRouteSimulation, targets: Bool) -> String {
        let ctmc = simulation.fidelity == .ctmc
        let classNames = plan.classes.map(\.name)
        var headers = ["policy", "n", "revenue/GPU", "ratio to R*", "avg TPOT ms"]
        if ctmc {
            headers += ["decode buffer/n"] + classNames.map { "X/n \($0)" } + classNames.map { "Q/n \($0)" }
        }
        var table = TextTable(headers, rightAligned: Set(1..<headers.count))
        for row in rows {
            var cells = [
                row.policy.rawValue, "\(row.gpus)",
                Format.fixed(row.revenuePerGPU.mean, 2) + " ±" + Format.fixed(row.revenuePerGPU.std, 2),
                Format.fixed(row.ratioToOptimum, 4), Format.fixed(row.averageTPOTSeconds * 1000, 2),
            ]
            if ctmc {
                cells.append(Format.fixed(row.decodeBuffer ?? .nan, 4))
                cells += row.classes.map { Format.fixed($0.prefillOccupancy ?? .nan, 4) }
                cells += row.classes.map { Format.fixed($0.prefillQueue ?? .nan, 4) }
            }
            table.add(cells)
        }
        var lines = [table.render()]
        if ctmc && targets {
            lines.append("targets: " + plan.classes.map {
                "x*(\($0.name)) = \(Format.fixed($0.prefillOccupancy, 4)), q*(\($0.name)) = \(Format.fixed($0.prefillQueue, 4))"
            }.joined(separator: "; "))
        }
        return lines.joined(separator: "\n")
    }
}
