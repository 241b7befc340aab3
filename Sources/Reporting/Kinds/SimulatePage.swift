/// The report of `gpusched simulate` (kind `simulate`): TTFT, TPOT and E2E CDFs per class with the
/// SLO lines, the 95 % confidence intervals across seeds, the queue over time and each replica's
/// utilisation.
struct SimulatePage: KindPage {
    static let kinds = ["simulate"]

    static func document(_ root: JSONCursor, kind: String) throws(ReportError) -> ReportDocument {
        let classes = try root["classes"].array()
        var facts = [
            ReportDocument.Fact("Kind", kind), .init("Policy", try root["policy"].string()),
            .init("Replicas", NumberText.value(try root["replicas"].number())), .init("Seeds", try ReportReading.seeds(root["seeds"])),
        ]
        let overall = root["overall"]
        facts.append(.init("Requests completed per seed", NumberText.value(try overall["completed"].number())))
        facts.append(.init("SLO attainment", NumberText.value(try overall["sloAttainment"].optionalNumber().map { $0 * 100 }) + " %"))
        let latency = ReportSection(title: "Latency distributions", items: [
            .chart(try cdfChart(classes, key: "ttftSeconds", sloKey: "ttftSeconds", name: "TTFT", title: "Time to first token")),
            .chart(try cdfChart(classes, key: "tpotSeconds", sloKey: "tpotSeconds", name: "TPOT", title: "Time per output token")),
            .chart(try cdfChart(classes, key: "e2eSeconds", sloKey: "e2eSeconds", name: "E2E", title: "End-to-end latency")),
        ])
        return ReportDocument(
            title: "Simulation report", facts: facts,
            sections: [latency, try confidence(root, classes: classes), try queue(root), try utilisation(root)])
    }

    /// One step line per class, the class's SLO as a vertical line.
    static func cdfChart(_ classes: [JSONCursor], key: String, sloKey: String, name: String, title: String) throws(ReportError) -> LineChart {
        var series: [XYSeries] = []
        var references: [ReferenceLine] = []
        for item in classes {
            let className = try item["name"].string()
            guard let cdf = try ReportReading.cdf(item[key], name: className) else { continue }
            series.append(cdf)
            if let target = try item["slo"][sloKey].optionalNumber() {
                references.append(ReferenceLine(
                    .vertical, at: target, label: "\(className) SLO \(NumberText.value(target)) s", seriesIndex: series.count - 1))
            }
        }
        return LineChart(
            title: "\(title) (\(name)) CDF by class", x: AxisTitle(name, unit: "s"), y: AxisTitle("Fraction of requests"),
            series: series, style: .step, references: series.isEmpty ? [] : references, yFromZero: true,
            emptyReason: classes.isEmpty ? "no request classes" : ReportReading.missingCDF)
    }

    /// p99 latencies and SLO attainment across seeds, each with its 95 % confidence half-width.
    static func confidence(_ root: JSONCursor, classes: [JSONCursor]) throws(ReportError) -> ReportSection {
        let intervals = try root["classConfidence"].optionalArray() ?? []
        var names: [String] = []
        for item in classes { names.append(try item["name"].string()) }
        var rows: [[TableCell]] = []
        let metrics = [("ttftP99Seconds", "TTFT p99"), ("tpotP99Seconds", "TPOT p99"), ("e2eP99Seconds", "E2E p99")]
        var p99 = metrics.map { BarSeries(name: $0.1, values: [], errors: []) }
        var attainment = BarSeries(name: "SLO attainment", values: [], errors: [])
        for (name, interval) in zip(names, intervals) {
            for (index, metric) in metrics.enumerated() {
                let estimate = try ReportReading.estimate(interval[metric.0])
                p99[index].values.append(estimate.mean)
                p99[index].errors.append(estimate.halfWidth)
            }
            let met = try ReportReading.estimate(interval["sloAttainment"])
            attainment.values.append(met.mean.map { $0 * 100 })
            attainment.errors.append(met.halfWidth.map { $0 * 100 })
            for key in interval.keys {
                let estimate = try ReportReading.estimate(interval[key])
                rows.append([.text(name), .text(key), .number(estimate.mean), .number(estimate.halfWidth),
                             .number(try interval[key]["samples"].optionalNumber())])
            }
        }
        let emptyReason = "one seed gives no interval across seeds"
        let categories = Array(names.prefix(intervals.count))
        let latencyCharts = p99.map { series -> ReportItem in
            .chart(BarChart(
                title: "\(series.name) by class, ± 95 % CI", category: AxisTitle("Class"), value: AxisTitle(series.name, unit: "s"),
                categories: categories, series: [series], emptyReason: emptyReason))
        }
        return ReportSection(title: "Across seeds (95 % confidence intervals)", items: latencyCharts + [
            .chart(BarChart(
                title: "SLO attainment by class, ± 95 % CI", category: AxisTitle("Class"), value: AxisTitle("Attainment", unit: "%"),
                categories: categories, series: [attainment], emptyReason: emptyReason)),
            .table(DataTable(
                caption: "Every figure across seeds", columns: ["Class", "Figure", "Mean", "± 95 %", "Seeds"], rows: rows,
                emptyReason: emptyReason)),
        ])
    }

    /// Waiting and running requests over time, per seed (the first three).
    static func queue(_ root: JSONCursor) throws(ReportError) -> ReportSection {
        var series: [XYSeries] = []
        for run in (try root["runs"].optionalArray() ?? []).prefix(3) {
            let seed = NumberText.value(try run["seed"].number())
            var waiting: [XYPoint] = []
            var running: [XYPoint] = []
            for sample in try run["queueSamples"].optionalArray() ?? [] {
                let time = try sample["timeSeconds"].number()
                waiting.append(XYPoint(x: time, y: try sample["waiting"].number()))
                running.append(XYPoint(x: time, y: try sample["running"].number()))
            }
            series.append(XYSeries(name: "waiting (seed \(seed))", points: waiting))
            series.append(XYSeries(name: "running (seed \(seed))", points: running))
        }
        return ReportSection(title: "Queue over time", items: [
            .chart(LineChart(
                title: "Requests waiting and running", x: AxisTitle("Simulated time", unit: "s"), y: AxisTitle("Requests"),
                series: series, yFromZero: true, emptyReason: "the runs hold no queue samples")),
        ])
    }

    /// The fraction of time each replica ran an iteration, ± 95 % across seeds.
    static func utilisation(_ root: JSONCursor) throws(ReportError) -> ReportSection {
        let replicas = try root["replicaUtilization"].optionalArray() ?? []
        var categories: [String] = []
        var busy = BarSeries(name: "busy", values: [], errors: [])
        for replica in replicas {
            let index = NumberText.value(try replica["replica"].number())
            let role = try replica["role"].string()
            let gpu = try replica["gpu"].optionalString()
            categories.append([index, gpu, role == "general" ? nil : role].compactMap { $0 }.joined(separator: " "))
            let estimate = try ReportReading.estimate(replica["busyFraction"])
            busy.values.append(estimate.mean.map { $0 * 100 })
            busy.errors.append(estimate.halfWidth.map { $0 * 100 })
        }
        return ReportSection(title: "Replica utilisation", items: [
            .chart(BarChart(
                title: "Time each replica ran an iteration, ± 95 % CI", category: AxisTitle("Replica"), value: AxisTitle("Busy", unit: "%"),
                categories: categories, series: [busy],
                emptyReason: root["replicaUtilization"].isPresent ? "no replicas" : "this output has no replicaUtilization (an older gpusched)")),
        ])
    }
}
