/// The report of `plan cascade` and `simulate cascade`: the threshold search's J(θ) trajectory, SLO
/// attainment against the arrival rate for the plan and each baseline, and GPUs per stage.
struct CascadePage: KindPage {
    static let kinds = ["plan-cascade", "simulate-cascade"]

    static func document(_ root: JSONCursor, kind: String) throws(ReportError) -> ReportDocument {
        let plan = root["plan"]
        var facts = [ReportDocument.Fact("Kind", kind), .init("Plan", try plan["name"].optionalString() ?? "plan")]
        if let quality = try plan["quality"].optionalNumber() { facts.append(.init("Quality", NumberText.value(quality))) }
        facts.append(.init("Seeds", try ReportReading.seeds(root["seeds"])))
        facts += try ReportReading.solveFacts(root["solve"])
        let evaluations = try root["evaluations"].optionalArray() ?? []
        var deployments = [plan]
        deployments += try root["baselines"].optionalArray() ?? []
        return ReportDocument(title: kind == "plan-cascade" ? "Cascade plan report" : "Cascade simulation report", facts: facts, sections: [
            ReportSection(title: "Threshold search", items: [.chart(try trajectory(plan["search"]))]),
            ReportSection(title: "SLO attainment against arrival rate", items: [.chart(try attainment(evaluations))] + (try ReportReading.notes(root["notes"]))),
            ReportSection(title: "GPUs per stage", items: [.chart(try gpusPerStage(deployments))]),
        ])
    }

    /// J(θ) at each iteration of the search.
    static func trajectory(_ search: JSONCursor) throws(ReportError) -> LineChart {
        var points: [XYPoint] = []
        for (index, value) in (try search["trajectory"].optionalArray() ?? []).enumerated() {
            if let score = try value.optionalNumber() { points.append(XYPoint(x: Double(index + 1), y: score)) }
        }
        let objective = try search["objectiveName"].optionalString() ?? "J(θ)"
        return LineChart(
            title: "J(θ) over the threshold search's iterations", x: AxisTitle("Iteration"), y: AxisTitle("J(θ): \(objective)"),
            series: points.isEmpty ? [] : [XYSeries(name: "best J(θ) so far", points: points)],
            emptyReason: search.isPresent ? "the search recorded no iterations" : "this output has no threshold search (simulate cascade evaluates a given plan)")
    }

    /// One line per deployment: the share of requests within the SLO at each scaled arrival rate.
    static func attainment(_ evaluations: [JSONCursor]) throws(ReportError) -> LineChart {
        var series: [XYSeries] = []
        var slo: Double?
        for evaluation in evaluations {
            let rate = try evaluation["arrivalRate"].number()
            if slo == nil { slo = try evaluation["sloSeconds"].optionalNumber() }
            var points: [XYPoint] = []
            for point in try evaluation["sloAttainment"].optionalArray() ?? [] {
                guard let value = try point["attainment"].optionalNumber() else { continue }
                points.append(XYPoint(x: try point["scale"].number() * rate, y: value * 100))
            }
            series.append(XYSeries(name: try evaluation["name"].string(), points: points.sorted { $0.x < $1.x }))
        }
        return LineChart(
            title: "SLO attainment against arrival rate" + (slo.map { " (SLO \(NumberText.value($0)) s)" } ?? ""),
            x: AxisTitle("Arrival rate", unit: "requests/s"), y: AxisTitle("Requests within the SLO", unit: "%"), series: series,
            emptyReason: "no evaluations (run without --no-evaluate)")
    }

    /// GPUs of each stage's model, per deployment (plan and baselines).
    static func gpusPerStage(_ deployments: [JSONCursor]) throws(ReportError) -> BarChart {
        var models: [String] = []
        var rows: [(String, [String: Double])] = []
        for deployment in deployments {
            var gpus: [String: Double] = [:]
            for stage in try deployment["stages"].optionalArray() ?? [] {
                let model = try stage["model"].string()
                if !models.contains(model) { models.append(model) }
                gpus[model, default: 0] += try stage["gpus"].number()
            }
            rows.append((try deployment["name"].optionalString() ?? "plan", gpus))
        }
        return BarChart(
            title: "GPUs per stage", category: AxisTitle("Stage model"), value: AxisTitle("GPUs"), categories: models,
            series: rows.map { row in BarSeries(name: row.0, values: models.map { row.1[$0] }) }, emptyReason: "no stages")
    }
}
