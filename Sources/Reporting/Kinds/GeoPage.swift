/// The report of `plan geo` and `simulate geo`: the block ranges each server holds under CG-BP and
/// PETALS (a bar per server over blocks 0..L−1) and per-token time by method with and without
/// allocation delays.
struct GeoPage: KindPage {
    static let kinds = ["plan-geo", "simulate-geo"]

    static func document(_ root: JSONCursor, kind: String) throws(ReportError) -> ReportDocument {
        let isPlan = kind == "plan-geo"
        var facts = [ReportDocument.Fact("Kind", kind), .init("Seeds", try ReportReading.seeds(root["seeds"]))]
        if isPlan {
            facts.append(.init("Placement", try root["plan"]["method"].string()))
            facts += try ReportReading.solveFacts(root["solve"])
        } else {
            facts.append(.init("Requests", NumberText.value(try root["requests"].number())))
            facts.append(.init("Arrival rate", NumberText.value(try root["arrivalRate"].number()) + " requests/s"))
        }
        var placements: [JSONCursor] = []
        if isPlan {
            placements = [root["plan"]] + (try root["baselines"].optionalArray() ?? [])
        } else {
            placements = try root["placements"].optionalArray() ?? []
        }
        let methods = try (isPlan ? root["evaluations"] : root["methods"]).optionalArray() ?? []
        return ReportDocument(title: isPlan ? "Geo-distributed placement report" : "Geo-distributed simulation report", facts: facts, sections: [
            ReportSection(title: "Blocks per server", items: [.chart(try blocks(placements))]),
            ReportSection(title: "Per-token time", items: [.chart(try perToken(methods))] + (try ReportReading.notes(root["notes"]))),
        ])
    }

    /// One lane per method on each server: the range of blocks it holds.
    static func blocks(_ placements: [JSONCursor]) throws(ReportError) -> RangeBarChart {
        var servers: [String] = []
        var series: [RangeSeries] = []
        for placement in placements {
            var spans: [RangeSpan] = []
            for item in try placement["placement"].optionalArray() ?? [] {
                let server = try item["server"].string()
                if !servers.contains(server) { servers.append(server) }
                let first = try item["firstBlock"].number()
                spans.append(RangeSpan(row: servers.firstIndex(of: server) ?? 0, start: first, end: first + (try item["blockCount"].number())))
            }
            series.append(RangeSeries(name: try placement["method"].string(), spans: spans))
        }
        return RangeBarChart(
            title: "Blocks held by each server", axis: AxisTitle("Block index"), rows: servers, series: series,
            emptyReason: "no server holds a block")
    }

    /// Mean per-token time per method, one bar per allocation delay (none, and the one simulated).
    static func perToken(_ methods: [JSONCursor]) throws(ReportError) -> BarChart {
        var names: [String] = []
        var without = BarSeries(name: "no allocation delay", values: [], errors: [])
        var with = BarSeries(name: "with allocation delay", values: [], errors: [])
        for method in methods {
            names.append(try method["method"].string())
            var plain: (Double?, Double?) = (nil, nil)
            var delayed: (Double?, Double?) = (nil, nil)
            for run in try method["runs"].array() {
                let estimate = try ReportReading.estimate(run["meanPerTokenSeconds"])
                if try run["allocationDelaySeconds"].number() == 0 { plain = estimate } else { delayed = estimate }
            }
            without.values.append(plain.0)
            without.errors.append(plain.1)
            with.values.append(delayed.0)
            with.errors.append(delayed.1)
        }
        return BarChart(
            title: "Mean per-token time by method", category: AxisTitle("Method"), value: AxisTitle("Per-token time", unit: "s"),
            categories: names, series: [without, with], emptyReason: "no evaluations (run without --no-evaluate)")
    }
}
