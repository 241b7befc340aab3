/// The report of `plan deploy`, `simulate deploy` and a sweep (`sweep-deploy`): GPUs by type and
/// role, cost against SLO attainment for the plan and each baseline, each model's verification CDFs
/// with its SLO, and for a sweep the cost-against-SLO Pareto front.
struct DeployPage: KindPage {
    static let kinds = ["plan-deploy", "simulate-deploy", "sweep-deploy"]

    static func document(_ root: JSONCursor, kind: String) throws(ReportError) -> ReportDocument {
        if kind == "sweep-deploy" { return try sweep(root) }
        let plan = root["plan"]
        var facts = [ReportDocument.Fact("Kind", kind)]
        if let cost = try plan["costPerHour"].optionalNumber() { facts.append(.init("Cost", "$\(NumberText.value(cost))/h")) }
        facts.append(.init("Certified by the simulator", try plan["certified"].bool() ? "yes" : "no"))
        facts.append(.init("Seeds", try ReportReading.seeds(root["seeds"])))
        facts += try ReportReading.solveFacts(root["solve"])
        let models = try plan["models"].array()
        var verification: [ReportItem] = []
        for model in models {
            verification.append(.chart(try cdf(model, key: "ttft", name: "TTFT", sloKey: "ttftSeconds")))
            verification.append(.chart(try cdf(model, key: "tpot", name: "TPOT", sloKey: "tpotSeconds")))
        }
        return ReportDocument(title: kind == "plan-deploy" ? "Fleet deployment plan report" : "Fleet deployment simulation report", facts: facts, sections: [
            ReportSection(title: "GPUs by type and role", items: [.chart(try gpusByType(plan))] + (try ReportReading.notes(root["notes"]))),
            ReportSection(title: "Cost against SLO attainment", items: [.chart(try costAttainment(try root["evaluations"].optionalArray() ?? []))]),
            ReportSection(title: "Verification in the simulator", items: verification),
        ])
    }

    /// GPUs (count × TP × PP) per GPU type, one bar per role.
    static func gpusByType(_ plan: JSONCursor) throws(ReportError) -> BarChart {
        var types: [String] = []
        var roles: [String] = []
        var gpus: [String: Double] = [:]
        for group in try plan["groups"].array() {
            let gpu = try group["gpu"].string()
            let role = try group["role"].string()
            if !types.contains(gpu) { types.append(gpu) }
            if !roles.contains(role) { roles.append(role) }
            gpus["\(gpu)|\(role)", default: 0] += try group["count"].number() * group["tp"].number() * group["pp"].number()
        }
        return BarChart(
            title: "GPUs by type and role", category: AxisTitle("GPU type"), value: AxisTitle("GPUs"), categories: types,
            series: roles.map { role in BarSeries(name: role, values: types.map { gpus["\($0)|\(role)"] }) },
            emptyReason: "the plan deploys nothing")
    }

    /// The plan and each baseline: cost per hour against the lowest model's SLO attainment.
    static func costAttainment(_ evaluations: [JSONCursor]) throws(ReportError) -> ScatterChart {
        var series: [XYSeries] = []
        for evaluation in evaluations {
            guard let cost = try evaluation["costPerHour"].optionalNumber(),
                  let attainment = try evaluation["minimumAttainment"].optionalNumber() else { continue }
            let name = try evaluation["name"].string()
            series.append(XYSeries(name: name, points: [XYPoint(x: cost, y: attainment * 100, label: name)]))
        }
        return ScatterChart(
            title: "Cost against the lowest model's SLO attainment", x: AxisTitle("Cost", unit: "$/h"),
            y: AxisTitle("SLO attainment", unit: "%"), series: series, emptyReason: "no evaluations (run without --no-evaluate)")
    }

    /// A model's verification CDF of one latency with its SLO target.
    static func cdf(_ model: JSONCursor, key: String, name: String, sloKey: String) throws(ReportError) -> LineChart {
        let modelName = try model["name"].string()
        var series: [XYSeries] = []
        if let line = try ReportReading.cdf(model["verification"][key], name: "\(modelName) (simulated)") { series.append(line) }
        var references: [ReferenceLine] = []
        if let target = try model["slo"][sloKey].optionalNumber() {
            let quantile = try model["slo"][key + "Quantile"].optionalNumber()
            references.append(ReferenceLine(.vertical, at: target, label: "SLO: p\(NumberText.value((quantile ?? 1) * 100)) ≤ \(NumberText.value(target)) s"))
            if let quantile { references.append(ReferenceLine(.horizontal, at: quantile, label: "quantile \(NumberText.value(quantile))")) }
        }
        return LineChart(
            title: "\(modelName): \(name) CDF in verification", x: AxisTitle(name, unit: "s"), y: AxisTitle("Fraction of requests"),
            series: series, style: .step, references: series.isEmpty ? [] : references, yFromZero: true,
            emptyReason: model["verification"].isPresent ? ReportReading.missingCDF : "the model was not verified")
    }

    /// The sweep: cost at each SLO target, the Pareto front joined.
    static func sweep(_ root: JSONCursor) throws(ReportError) -> ReportDocument {
        let target = try root["target"].string()
        var all: [XYPoint] = []
        var front: [XYPoint] = []
        var rows: [[TableCell]] = []
        for point in try root["points"].array() {
            let value = try point["value"].number()
            let cost = try point["costPerHour"].optionalNumber()
            let status = try point["status"].string()
            rows.append([.number(value), .number(cost), .text(status), .text(try point["pareto"].bool() ? "yes" : "no")])
            guard let cost else { continue }
            let xy = XYPoint(x: value, y: cost, label: status)
            all.append(xy)
            if try point["pareto"].bool() { front.append(xy) }
        }
        let chart = ScatterChart(
            title: "Cost against the \(target) SLO target", x: AxisTitle("\(target) target", unit: "s"), y: AxisTitle("Cost", unit: "$/h"),
            series: [XYSeries(name: "plans", points: all)], front: front, emptyReason: "no target of the sweep was feasible")
        return ReportDocument(
            title: "Fleet deployment sweep report",
            facts: [.init("Kind", "sweep-deploy"), .init("Target", target), .init("Quantile", NumberText.value(try root["quantile"].optionalNumber()))],
            sections: [ReportSection(title: "Cost against SLO", items: [
                .chart(chart),
                .table(DataTable(caption: "Every target", columns: ["Target (s)", "Cost ($/h)", "Status", "Pareto"], rows: rows)),
            ])])
    }
}
