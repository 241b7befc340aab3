import Foundation
import Testing
@testable import Reporting

/// Reports of hand-written outputs: each chart's table holds exactly the numbers of the JSON (a
/// report never recomputes), and the same JSON gives the same bytes.
@Suite struct KindReportTests {
    static let simulateJSON = #"""
    {"schemaVersion": 2, "kind": "simulate", "policy": "round-robin", "replicas": 2, "seeds": [1, 2],
     "overall": {"completed": 100, "sloAttainment": 0.97},
     "classes": [{"name": "chat", "slo": {"ttftSeconds": 0.5, "tpotSeconds": null, "e2eSeconds": null},
                  "ttftSeconds": {"cdf": [{"fraction": 0.5, "seconds": 0.12}, {"fraction": 0.9, "seconds": 0.31}, {"fraction": 1, "seconds": 0.62}]},
                  "tpotSeconds": {"cdf": []}, "e2eSeconds": {}}],
     "classConfidence": [{"ttftP99Seconds": {"mean": 0.6, "halfWidth95": 0.05, "samples": 2, "std": 0.01},
                          "tpotP99Seconds": {"mean": 0.02, "halfWidth95": null, "samples": 2, "std": 0},
                          "e2eP99Seconds": {"mean": 9.5, "halfWidth95": 0.4, "samples": 2, "std": 0.1},
                          "sloAttainment": {"mean": 0.97, "halfWidth95": 0.01, "samples": 2, "std": 0.002}}],
     "runs": [{"seed": 1, "queueSamples": [{"timeSeconds": 6, "waiting": 0, "running": 34}, {"timeSeconds": 12, "waiting": 3, "running": 30}]}],
     "replicaUtilization": [{"replica": 0, "role": "general", "gpu": "H100", "busyFraction": {"mean": 0.8, "halfWidth95": 0.02, "samples": 2, "std": 0.01}},
                            {"replica": 1, "role": "general", "gpu": "H100", "busyFraction": {"mean": 0.7, "halfWidth95": 0.03, "samples": 2, "std": 0.01}}]}
    """#

    func charts(_ json: String) throws -> [any Chart] {
        let document = try ReportRenderer.document(fromJSON: Data(json.utf8))
        return document.sections.flatMap(\.items).compactMap { item in
            if case .chart(let chart) = item { return chart }
            return nil
        }
    }

    @Test func simulateChartsHoldTheOutputsNumbers() throws {
        let charts = try charts(Self.simulateJSON)
        let ttft = try #require(charts.first { $0.title.hasPrefix("Time to first token") } as? LineChart)
        #expect(ttft.series.map(\.name) == ["chat"])
        #expect(ttft.series[0].points.map(\.x) == [0.12, 0.31, 0.62])
        #expect(ttft.series[0].points.map(\.y) == [0.5, 0.9, 1])
        #expect(ttft.references == [ReferenceLine(.vertical, at: 0.5, label: "chat SLO 0.5 s", seriesIndex: 0)])
        // An empty cdf and a missing one both give the no-data panel.
        for title in ["Time per output token", "End-to-end"] {
            let chart = try #require(charts.first { $0.title.hasPrefix(title) })
            #expect(chart.table().rows.isEmpty)
            #expect(MarkupWriter.string(chart.svg()).contains("No data"))
        }
        let utilisation = try #require(charts.first { $0.title.hasPrefix("Time each replica") } as? BarChart)
        #expect(utilisation.categories == ["0 H100", "1 H100"])
        #expect(utilisation.series[0].values == [80, 70])
        #expect(utilisation.series[0].errors == [2, 3])
        let queue = try #require(charts.first { $0.title.hasPrefix("Requests waiting") } as? LineChart)
        #expect(queue.series.map(\.name) == ["waiting (seed 1)", "running (seed 1)"])
        #expect(queue.series[1].points.map(\.y) == [34, 30])
        let attainment = try #require(charts.first { $0.title.hasPrefix("SLO attainment") } as? BarChart)
        #expect(attainment.series[0].values == [97])
    }

    @Test func sameJSONSameBytes() throws {
        let first = try ReportRenderer.html(fromJSON: Data(Self.simulateJSON.utf8), source: "run.json")
        let second = try ReportRenderer.html(fromJSON: Data(Self.simulateJSON.utf8), source: "run.json")
        #expect(first == second)
        #expect(first.hasPrefix("<!DOCTYPE html>"))
        // Self-contained: no script, no external reference (the SVG namespace is a name, not a fetch).
        #expect(!first.contains("<script") && !first.contains("src=") && !first.contains("href="))
        let withoutNames = first.replacingOccurrences(of: "http://www.w3.org/2000/svg", with: "").replacingOccurrences(of: "http-equiv", with: "")
        #expect(withoutNames.range(of: "http") == nil && withoutNames.range(of: "url(") == nil)
        #expect(first.contains("default-src 'none'"))
        // Every chart in the page is well-formed XML.
        var rest = Substring(first)
        var charts = 0
        while let start = rest.range(of: "<svg "), let end = rest.range(of: "</svg>", range: start.upperBound..<rest.endIndex) {
            #expect(XMLDocumentProbe(String(rest[start.lowerBound..<end.upperBound])).parses)
            charts += 1
            rest = rest[end.upperBound...]
        }
        #expect(charts == 9)
    }

    static let gateRouteJSON = #"""
    {"schemaVersion": 2, "kind": "simulate-gate-route", "revenueOptimum": 200, "seeds": [1, 2],
     "rows": [{"policy": "gate-and-route", "gpus": 10, "revenuePerGPU": {"mean": 180, "halfWidth95": 4}, "ratioToOptimum": 0.9, "classes": []},
              {"policy": "gate-and-route", "gpus": 2, "revenuePerGPU": {"mean": 160, "halfWidth95": 10}, "ratioToOptimum": 0.8, "classes": []},
              {"policy": "fi-wsp", "gpus": 10, "revenuePerGPU": {"mean": 190, "halfWidth95": null}, "ratioToOptimum": 0.95, "classes": []}]}
    """#

    /// The convergence figure: ratio by n per policy, n sorted, the band the half-width over R*.
    @Test func gateRouteConvergence() throws {
        let chart = try #require(try charts(Self.gateRouteJSON).first as? LineChart)
        #expect(chart.series.map(\.name) == ["gate-and-route", "fi-wsp"])
        #expect(chart.series[0].points.map(\.x) == [2, 10])
        #expect(chart.series[0].points.map(\.y) == [0.8, 0.9])
        let expected = [XYBand(x: 10, low: 0.88, high: 0.92), XYBand(x: 2, low: 0.75, high: 0.85)]
        #expect(zip(chart.series[0].band, expected).allSatisfy { abs($0.low - $1.low) < 1e-12 && abs($0.high - $1.high) < 1e-12 && $0.x == $1.x })
        #expect(chart.series[1].band.isEmpty)
        #expect(chart.references.first?.value == 1)
    }

    static let geoJSON = #"""
    {"schemaVersion": 2, "kind": "plan-geo", "seeds": [1], "solve": {"status": "heuristic", "wallSeconds": 0.01},
     "plan": {"method": "cg-bp", "placement": [{"server": "a", "firstBlock": 0, "blockCount": 40}, {"server": "b", "firstBlock": 40, "blockCount": 40}]},
     "baselines": [{"method": "petals", "placement": [{"server": "b", "firstBlock": 10, "blockCount": 60}]}],
     "evaluations": [{"method": "cg-bp", "runs": [{"allocationDelaySeconds": 0, "meanPerTokenSeconds": {"mean": 0.5}}, {"allocationDelaySeconds": 60, "meanPerTokenSeconds": {"mean": 1.25}}]}]}
    """#

    @Test func geoBlocksAndPerTokenTimes() throws {
        let charts = try charts(Self.geoJSON)
        let blocks = try #require(charts.first as? RangeBarChart)
        #expect(blocks.rows == ["a", "b"])
        #expect(blocks.series.map(\.name) == ["cg-bp", "petals"])
        #expect(blocks.series[0].spans == [RangeSpan(row: 0, start: 0, end: 40), RangeSpan(row: 1, start: 40, end: 80)])
        #expect(blocks.series[1].spans == [RangeSpan(row: 1, start: 10, end: 70)])
        let times = try #require(charts.last as? BarChart)
        #expect(times.series.map { $0.values } == [[0.5], [1.25]])
    }

    static let moeJSON = #"""
    {"schemaVersion": 2, "kind": "plan-moe", "solve": {"status": "optimal", "wallSeconds": 2},
     "plan": {"method": "load-aware", "setting": {}, "front": [{"expectedHops": 10, "maxMeanLoad": 2, "maxImbalance": null}, {"expectedHops": 12, "maxMeanLoad": 1.5, "maxImbalance": 2}]},
     "evaluations": [{"method": "load-aware", "expectedHops": 10.5, "maxMeanLoad": 2.1, "layerLoad": [[0.5, 1.5], [1, 1]]},
                     {"method": "round-robin", "expectedHops": 20, "maxMeanLoad": 3, "layerLoad": [[3, 0], [1, 1]]}]}
    """#

    /// The front and the heat maps, on one colour scale from 0 to the largest load of both.
    @Test func moeFrontAndHeatMaps() throws {
        let charts = try charts(Self.moeJSON)
        let front = try #require(charts.first as? ScatterChart)
        #expect(front.front.map(\.x) == [10, 12] && front.front.map(\.y) == [2, 1.5])
        #expect(front.series.map(\.name) == ["sweep (planning split)", "load-aware (evaluation split)", "round-robin (evaluation split)"])
        let maps = charts.compactMap { $0 as? HeatMap }
        #expect(maps.map(\.title) == ["GPU load by MoE layer: load-aware", "GPU load by MoE layer: round-robin"])
        #expect(maps.allSatisfy { $0.bounds == 0...3 })
        #expect(maps[1].values == [[3, 0], [1, 1]])
    }
}
