/// The report of `plan gate-route` and `simulate gate-route`: revenue over the LP's optimum R*
/// against the number of GPUs per policy with the spread across seeds (the paper's convergence
/// figure), and each class's measured occupancy against the LP's targets.
struct GateRoutePage: KindPage {
    static let kinds = ["plan-gate-route", "simulate-gate-route"]

    static func document(_ root: JSONCursor, kind: String) throws(ReportError) -> ReportDocument {
        let isPlan = kind == "plan-gate-route"
        let rows = try (isPlan ? root["evaluations"] : root["rows"]).array()
        let optimum = isPlan ? try root["plan"]["revenuePerGPU"].optionalNumber() : try root["revenueOptimum"].optionalNumber()
        var facts = [ReportDocument.Fact("Kind", kind)]
        if let optimum { facts.append(.init("R* (fluid LP revenue per GPU per second)", NumberText.value(optimum))) }
        facts.append(.init("Seeds", try ReportReading.seeds(root["seeds"])))
        facts += try ReportReading.solveFacts(root["solve"])
        var convergence: [ReportItem] = [.chart(try convergenceChart(rows, optimum: optimum)), .table(try rowTable(rows))]
        convergence += try ReportReading.notes(root["notes"])
        let targets = root["plan"]["classes"]
        let occupancy = ReportSection(
            title: "Occupancy against the LP's targets", items: [.chart(try occupancyChart(targets.isPresent ? targets : nil, rows: rows))])
        return ReportDocument(
            title: isPlan ? "Gate-and-route plan report" : "Gate-and-route simulation report", facts: facts,
            sections: [ReportSection(title: "Revenue against the LP optimum", items: convergence), occupancy])
    }

    /// Revenue / R* against n, one line per policy, the band the 95 % interval across seeds.
    static func convergenceChart(_ rows: [JSONCursor], optimum: Double?) throws(ReportError) -> LineChart {
        var order: [String] = []
        var series: [String: XYSeries] = [:]
        for row in rows {
            let policy = try row["policy"].string()
            let gpus = try row["gpus"].number()
            let revenue = try ReportReading.estimate(row["revenuePerGPU"])
            guard let ratio = try row["ratioToOptimum"].optionalNumber() else { continue }
            if series[policy] == nil {
                order.append(policy)
                series[policy] = XYSeries(name: policy, points: [])
            }
            series[policy]?.points.append(XYPoint(x: gpus, y: ratio))
            if let optimum, optimum > 0, let halfWidth = revenue.halfWidth {
                series[policy]?.band.append(XYBand(x: gpus, low: ratio - halfWidth / optimum, high: ratio + halfWidth / optimum))
            }
        }
        let lines = order.compactMap { name in series[name].map { XYSeries(name: $0.name, points: $0.points.sorted { $0.x < $1.x }, band: $0.band) } }
        return LineChart(
            title: "Revenue / R* against the number of GPUs n, ± 95 % across seeds", x: AxisTitle("GPUs n"),
            y: AxisTitle("Revenue / R*"), series: lines, references: [ReferenceLine(.horizontal, at: 1, label: "R* (fluid LP)")],
            emptyReason: "no evaluation has a ratio to the optimum")
    }

    static func rowTable(_ rows: [JSONCursor]) throws(ReportError) -> DataTable {
        var body: [[TableCell]] = []
        for row in rows {
            let revenue = try ReportReading.estimate(row["revenuePerGPU"])
            body.append([
                .text(try row["policy"].string()), .number(try row["gpus"].number()), .number(revenue.mean), .number(revenue.halfWidth),
                .number(try row["ratioToOptimum"].optionalNumber()), .number(try row["averageTPOTSeconds"].optionalNumber()),
            ])
        }
        return DataTable(
            caption: "Every policy and n", columns: ["Policy", "GPUs n", "Revenue per GPU per s", "± 95 %", "Revenue / R*", "Mean TPOT (s)"],
            rows: body, emptyReason: "no evaluations (run without --no-evaluate)")
    }

    static let occupancyKeys = [("prefillOccupancy", "prefill"), ("mixedDecodeOccupancy", "mixed decode"), ("soloDecodeOccupancy", "solo decode")]

    /// Per class and phase: the LP's target (when given) and each policy's measured occupancy per GPU at the largest n.
    static func occupancyChart(_ targets: JSONCursor?, rows: [JSONCursor]) throws(ReportError) -> BarChart {
        var largest = -Double.infinity
        for row in rows { largest = max(largest, try row["gpus"].number()) }
        var categories: [String] = []
        var series: [BarSeries] = []
        func add(_ name: String, _ classes: [JSONCursor]) throws(ReportError) {
            var values: [Double?] = []
            for item in classes {
                let className = try item["name"].string()
                for (key, phase) in occupancyKeys {
                    let label = "\(className) \(phase)"
                    if !categories.contains(label) { categories.append(label) }
                    values.append(try item[key].optionalNumber())
                }
            }
            series.append(BarSeries(name: name, values: values))
        }
        if let targets { try add("LP target", try targets.array()) }
        for row in rows where try row["gpus"].number() == largest {
            try add(try row["policy"].string(), try row["classes"].array())
        }
        return BarChart(
            title: "Occupancy per GPU by class and phase" + (largest.isFinite ? " at n = \(NumberText.value(largest))" : ""),
            category: AxisTitle("Class and phase"), value: AxisTitle("Requests per GPU"), categories: categories, series: series,
            emptyReason: "no classes")
    }
}
