import Deployment
import Foundation
import Planning

/// The text of `plan deploy` and `simulate deploy`: the groups, each model's rates and latencies,
/// the binding constraints, the rounds, and the plan beside the baselines.
enum DeployText {
    static func print(_ report: PlanReport<DeployPlan, DeployEvaluation>, json: Bool, reporting: ReportOptions, source: String) throws {
        try reporting.write(JSONOutput.encoded(report), source: source)
        if json { return try JSONOutput.print(report) }
        let plan = report.plan
        let solve = report.solve
        var head = "\(report.kind): objective \(plan.objective), status \(solve.status.rawValue)"
        if let gap = solve.relativeGap { head += ", gap \(Format.fixed(100 * gap, 2))%" }
        head += ", \(Format.fixed(solve.wallSeconds, 2)) s"
        if let cost = plan.costPerHour { head += ", $\(Format.fixed(cost, 2))/h" }
        head += ", \(plan.totalGPUs) GPUs"
        if plan.objective == DeployObjective.maxRate.rawValue { head += ", scale \(Format.fixed(plan.scale, 3))" }
        if !plan.rounds.isEmpty {
            head += ", \(plan.rounds.count) verification round\(plan.rounds.count == 1 ? "" : "s") (\(plan.certified ? "certified" : "NOT certified"))"
        }
        Swift.print(head)
        Swift.print("")
        var groups = TextTable(["model", "gpu", "TP", "PP", "role", "count", "maxBatch", "chunk", "req/s each", "nodes", "$/h"])
        for group in plan.groups {
            groups.add([
                group.model, group.gpu, "\(group.tp)", "\(group.pp)", group.role.rawValue, "\(group.count)", "\(group.maxBatch)",
                "\(group.chunkTokens)", Format.fixed(group.capacityPerReplica, 2), nodeList(group.nodes),
                group.costPerHour.map { Format.fixed($0, 2) } ?? "-",
            ])
        }
        Swift.print(groups.render())
        Swift.print("")
        var models = TextTable(["model", "demand /s", "planned /s", "certified /s", "attainment", "TTFT p (pred / sim) s", "TPOT p (pred / sim) s", "SLO"])
        for outcome in plan.models {
            let slo = outcome.slo
            let v = outcome.verification
            models.add([
                outcome.name, Format.fixed(outcome.demandRate, 2), Format.fixed(outcome.plannedRate, 2),
                outcome.certifiedRate.map { Format.fixed($0, 2) } ?? "-",
                v.map { Format.fixed(100 * $0.sloAttainment, 1) + "%" } ?? "-",
                pair(outcome.predictedTTFT, v?.ttft, quantile: slo.ttftQuantile),
                pair(outcome.predictedTPOT, v?.tpot, quantile: slo.tpotQuantile),
                "TTFT p\(percent(slo.ttftQuantile)) ≤ \(Format.fixed(slo.ttftSeconds, 3)), TPOT p\(percent(slo.tpotQuantile)) ≤ \(Format.fixed(slo.tpotSeconds, 3)), ≥ \(Format.fixed(100 * slo.attainment, 1))%",
            ])
        }
        Swift.print(models.render())
        if !plan.bindingConstraints.isEmpty {
            Swift.print("")
            var binding = TextTable(["binding constraint", "shadow price", "unit"], rightAligned: [1])
            for constraint in plan.bindingConstraints {
                binding.add([constraint.name, constraint.shadowPrice.map { Format.fixed($0, 4) } ?? "-", constraint.unit])
            }
            Swift.print(binding.render())
        }
        if plan.rounds.count > 1 {
            Swift.print("")
            for round in plan.rounds {
                var line = "round \(round.round): \(round.gpus) GPUs"
                if let cost = round.costPerHour { line += ", $" + Format.fixed(cost, 2) + "/h" }
                if plan.objective == DeployObjective.maxRate.rawValue { line += ", scale " + Format.fixed(round.scale, 3) }
                line += round.missed.isEmpty ? ", every SLO met" : ", missed: " + round.missed.joined(separator: ", ")
                line += "; next factors " + round.factors.map { Format.fixed($0, 3) }.joined(separator: " / ")
                if round.accepted { line += "  (reported)" }
                Swift.print(line)
            }
        }
        if !plan.changes.isEmpty || plan.changedReplicas > 0 {
            Swift.print("")
            Swift.print("re-plan: \(plan.changedReplicas) replica\(plan.changedReplicas == 1 ? "" : "s") change")
            for change in plan.changes {
                Swift.print("  \(change.model) \(change.gpu) TP\(change.tp) PP\(change.pp) \(change.role.rawValue) b\(change.maxBatch) c\(change.chunkTokens): \(change.before) → \(change.after)")
            }
        }
        if !report.evaluations.isEmpty {
            Swift.print("")
            var side = TextTable(["plan", "$/h", "GPUs", "min attainment", "meets SLO", "certified /s (per model)", "planning s", "cost ratio"])
            let reference = report.evaluations.first?.costPerHour
            for row in report.evaluations {
                let ratio: String = {
                    guard let reference, let cost = row.costPerHour, reference > 0 else { return "-" }
                    return Format.fixed(cost / reference, 2) + "×"
                }()
                side.add([
                    row.name, row.costPerHour.map { Format.fixed($0, 2) } ?? "-", "\(row.gpus)",
                    row.minimumAttainment.map { Format.fixed(100 * $0, 1) + "%" } ?? "-", row.meetsSLO ? "yes" : "no",
                    row.models.map { $0.certifiedRate.map { Format.fixed($0, 1) } ?? "-" }.joined(separator: " / "),
                    Format.fixed(row.planningSeconds, 2), ratio,
                ])
            }
            Swift.print(side.render())
        } else if !report.baselines.isEmpty {
            Swift.print("")
            var side = TextTable(["baseline", "$/h", "GPUs", "planned /s (per model)"])
            for baseline in report.baselines {
                side.add([baseline.name, baseline.costPerHour.map { Format.fixed($0, 2) } ?? "-", "\(baseline.totalGPUs)",
                          baseline.models.map { Format.fixed($0.plannedRate, 1) }.joined(separator: " / ")])
            }
            Swift.print(side.render())
        }
        for note in plan.notes + report.notes + report.baselines.flatMap({ b in b.notes.map { "\(b.name): \($0)" } }) {
            Swift.print("note: \(note)")
        }
    }

    /// The sweep's points: value, status, cost (or scale), GPUs, and whether each is on the front.
    static func printSweep(_ sweep: DeploySweep, points: [DeploySweep.Point], objective: DeployObjective, json: Bool, reporting: ReportOptions, source: String) throws {
        let report = DeploySweepReport(
            target: sweep.target.rawValue, quantile: sweep.quantile, objective: objective.rawValue, points: points)
        try reporting.write(JSONOutput.encoded(report, kind: "sweep-deploy"), source: source)
        if json { return try JSONOutput.print(report, kind: "sweep-deploy") }
        Swift.print("sweep of \(sweep.target.rawValue) p\(percent(sweep.quantile)) (objective \(objective.rawValue))")
        var table = TextTable(["target s", "status", "$/h", "GPUs", "scale", "certified", "Pareto"])
        for point in points {
            table.add([
                Format.fixed(point.value, 4), point.status, point.costPerHour.map { Format.fixed($0, 2) } ?? "-",
                point.gpus.map(String.init) ?? "-", point.scale.map { Format.fixed($0, 3) } ?? "-",
                point.certified ? "yes" : "no", point.pareto ? "*" : "",
            ])
        }
        Swift.print(table.render())
        for point in points { if let message = point.message { Swift.print("note: \(Format.fixed(point.value, 4)) s: \(message)") } }
    }

    private static func pair(_ predicted: LatencyPercentiles, _ simulated: LatencyPercentiles?, quantile: Double) -> String {
        func pick(_ p: LatencyPercentiles?) -> Double? {
            guard let p else { return nil }
            return quantile >= 0.985 ? p.p99 : quantile >= 0.7 ? p.p90 : p.p50
        }
        let a = pick(predicted).map { Format.fixed($0, 4) } ?? "-"
        let b = pick(simulated).map { Format.fixed($0, 4) } ?? "-"
        return "\(a) / \(b)"
    }

    private static func percent(_ quantile: Double) -> String { String(format: "%g", quantile * 100) }

    private static func nodeList(_ nodes: [Int]) -> String {
        guard let first = nodes.first, let last = nodes.last else { return "-" }
        if nodes.count == last - first + 1 { return first == last ? "\(first)" : "\(first)–\(last)" }
        return nodes.map(String.init).joined(separator: ",")
    }
}

/// `plan deploy --sweep --json`'s body (kind `sweep-deploy`).
struct DeploySweepReport: Encodable {
    var target: String
    var quantile: Double
    var objective: String
    var points: [DeploySweep.Point]
}
