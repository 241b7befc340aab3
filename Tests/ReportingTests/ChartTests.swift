import Foundation
import Testing
@testable import Reporting

@Suite struct ChartTests {
    static let awkward = #"<b>&"quoted" 'name'"#

    static var charts: [any Chart] {
        let series = [
            XYSeries(name: "plan", points: [XYPoint(x: 0.05, y: 0.1), XYPoint(x: 0.2, y: 0.5), XYPoint(x: 1.3, y: 1)]),
            XYSeries(name: awkward, points: [XYPoint(x: 0.01, y: 0.2), XYPoint(x: 2.4, y: 1)],
                     band: [XYBand(x: 0.01, low: 0.1, high: 0.3), XYBand(x: 2.4, low: 0.9, high: 1.05)]),
        ]
        return [
            LineChart(title: "Line \(awkward)", x: AxisTitle("x", unit: "s"), y: AxisTitle("y"), series: series,
                      references: [ReferenceLine(.vertical, at: 3, label: "SLO"), ReferenceLine(.horizontal, at: -0.5, label: "floor")]),
            LineChart(title: "Steps", x: AxisTitle("x", unit: "s"), y: AxisTitle("y"), series: series, style: .step, yFromZero: true),
            BarChart(title: "Bars", category: AxisTitle("c"), value: AxisTitle("v", unit: "GPUs"), categories: ["a", awkward, "c"],
                     series: [BarSeries(name: "one", values: [3, nil, 12], errors: [1, nil, 2]), BarSeries(name: "two", values: [-4, 5, 6])]),
            ScatterChart(title: "Scatter", x: AxisTitle("hops"), y: AxisTitle("load"),
                         series: [XYSeries(name: "sweep", points: [XYPoint(x: 3826, y: 1.9), XYPoint(x: 3913, y: 1.56), XYPoint(x: 3963, y: 1.16)]),
                                  XYSeries(name: "rr", points: [XYPoint(x: 4119, y: 3.7, label: awkward)])],
                         front: [XYPoint(x: 3826, y: 1.9), XYPoint(x: 3913, y: 1.56), XYPoint(x: 3963, y: 1.16)]),
            HeatMap(title: "Heat", rows: AxisTitle("layer"), columns: AxisTitle("GPU"), value: AxisTitle("load"),
                    rowLabels: ["0", awkward], columnLabels: ["g0", "g1", "g2"], values: [[0.5, 1, 1.5], [1, nil, 2.5]]),
            RangeBarChart(title: "Ranges", axis: AxisTitle("Block"), rows: ["s0", awkward],
                          series: [RangeSeries(name: "cg-bp", spans: [RangeSpan(row: 0, start: 0, end: 40), RangeSpan(row: 1, start: 40, end: 80)]),
                                   RangeSeries(name: "petals", spans: [RangeSpan(row: 1, start: 10, end: 70)])], domain: 0...80),
        ]
    }

    @Test func everyChartIsWellFormedXML() {
        for chart in Self.charts {
            let probe = XMLDocumentProbe(chart.svgText)
            #expect(probe.parses, "\(chart.title): \(probe.error ?? "")")
            #expect(probe.elements.last?.name == "svg")
            #expect(!chart.table().rows.isEmpty)
        }
    }

    /// Names with markup characters come back exactly as given, in text and in attributes.
    @Test func namesAreEscaped() {
        for chart in Self.charts {
            let text = chart.svgText
            #expect(!text.contains(Self.awkward), "\(chart.title) wrote the raw name")
            let probe = XMLDocumentProbe(text)
            let found = probe.texts.contains { $0.contains(Self.awkward) } || probe.elements.contains { $0.attributes.values.contains { $0.contains(Self.awkward) } }
            #expect(found, "\(chart.title) lost the name")
        }
        #expect(MarkupWriter.escapeText(#"a<b & c>"#) == "a&lt;b &amp; c&gt;")
        #expect(MarkupWriter.escapeAttribute(#"say "hi" & 'bye'"#) == "say &quot;hi&quot; &amp; 'bye'")
    }

    /// Every mark a chart draws (path vertices, dots, bars) lies inside its plot area.
    @Test func marksLieInsideThePlotArea() {
        for chart in Self.charts {
            let probe = XMLDocumentProbe(chart.svgText)
            let viewBox = (probe.all("svg").first?.attributes["viewBox"] ?? "").split(separator: " ").compactMap { Double($0) }
            let frame = ChartFrame(legend: [])
            #expect(viewBox.count == 4)
            let xRange = (frame.plotLeft - 0.05)...(frame.plotRight + 0.05)
            let yRange = (frame.plotTop - 0.05)...(frame.plotBottom + 0.05)
            for circle in probe.all("circle") where circle.attributes["class"]?.hasPrefix("dot") == true {
                guard let x = Double(circle.attributes["cx"] ?? ""), let y = Double(circle.attributes["cy"] ?? "") else { continue }
                if y >= frame.legendTop - 10 { continue }    // a legend mark
                #expect(xRange.contains(x) && yRange.contains(y), "\(chart.title): dot at \(x), \(y)")
            }
            for path in probe.all("path") {
                let numbers = (path.attributes["d"] ?? "").split(whereSeparator: { "ML ".contains($0) }).compactMap { Double($0) }
                #expect(numbers.count >= 4 && numbers.count % 2 == 0)
                for pair in stride(from: 0, to: numbers.count - 1, by: 2) {
                    #expect(xRange.contains(numbers[pair]) && yRange.contains(numbers[pair + 1]), "\(chart.title): vertex \(numbers[pair]), \(numbers[pair + 1])")
                }
            }
        }
    }

    /// The scales hold every finite point, band end and reference line.
    @Test func axisRangesContainEveryDataPoint() {
        for case let chart as LineChart in Self.charts {
            let (x, y) = chart.scales
            for point in chart.series.flatMap(\.points) {
                #expect(x.contains(point.x) && y.contains(point.y))
            }
            for band in chart.series.flatMap(\.band) { #expect(y.contains(band.low) && y.contains(band.high)) }
            for reference in chart.references {
                #expect((reference.orientation == .vertical ? x : y).contains(reference.value))
            }
            if chart.yFromZero { #expect(y.contains(0)) }
        }
        let bars = BarChart(title: "b", category: AxisTitle("c"), value: AxisTitle("v"), categories: ["a", "b"],
                            series: [BarSeries(name: "s", values: [7, 9.5], errors: [0.2, 1.5])])
        #expect(bars.scale.contains(0) && bars.scale.contains(11))
    }

    /// Tick labels in the SVG are the scale's: distinct and increasing along each axis.
    @Test func tickLabelsAreDistinctAndIncreasing() {
        let chart = LineChart(title: "t", x: AxisTitle("x"), y: AxisTitle("y"),
                              series: [XYSeries(name: "s", points: [XYPoint(x: 0.0013, y: 1200), XYPoint(x: 0.0171, y: 98000)])])
        let ticks = XMLDocumentProbe(chart.svgText).all("text").filter { $0.attributes["class"] == "tick" }
        let yLabels = ticks.filter { $0.attributes["text-anchor"] == "end" }.map(\.text)
        let xLabels = ticks.filter { $0.attributes["text-anchor"] == "middle" }.map(\.text)
        for labels in [xLabels, yLabels] {
            #expect(labels.count >= 3 && Set(labels).count == labels.count, "\(labels)")
            let values = labels.map(NiceScaleTests.parse)
            #expect(zip(values, values.dropFirst()).allSatisfy { $0 < $1 }, "\(labels)")
        }
        #expect(xLabels.first == "0" && yLabels.last == "100k")
    }

    /// Nothing to draw gives a "No data" panel that still parses, and an empty table with the reason.
    @Test func emptySeriesGiveANoDataPanel() {
        let empty: [any Chart] = [
            LineChart(title: "empty", x: AxisTitle("x"), y: AxisTitle("y"), series: [], emptyReason: "nothing ran"),
            LineChart(title: "nan", x: AxisTitle("x"), y: AxisTitle("y"), series: [XYSeries(name: "s", points: [XYPoint(x: .nan, y: 1)])], emptyReason: "nothing ran"),
            BarChart(title: "bars", category: AxisTitle("c"), value: AxisTitle("v"), categories: [], series: [], emptyReason: "nothing ran"),
            BarChart(title: "nil bars", category: AxisTitle("c"), value: AxisTitle("v"), categories: ["a"], series: [BarSeries(name: "s", values: [nil])], emptyReason: "nothing ran"),
            ScatterChart(title: "scatter", x: AxisTitle("x"), y: AxisTitle("y"), series: [XYSeries(name: "s", points: [])], emptyReason: "nothing ran"),
            HeatMap(title: "heat", rows: AxisTitle("r"), columns: AxisTitle("c"), value: AxisTitle("v"), rowLabels: [], columnLabels: [], values: [[]], emptyReason: "nothing ran"),
            RangeBarChart(title: "ranges", axis: AxisTitle("a"), rows: ["s"], series: [], emptyReason: "nothing ran"),
        ]
        for chart in empty {
            let probe = XMLDocumentProbe(chart.svgText)
            #expect(probe.parses)
            #expect(probe.texts.contains("No data: nothing ran"), "\(chart.title)")
            #expect(probe.all("path").isEmpty && probe.all("circle").isEmpty)
            let table = chart.table()
            #expect(table.rows.isEmpty && table.emptyReason == "nothing ran")
        }
    }

    /// The heat map's extremes take the scale's ends; a shared range keeps two maps comparable.
    @Test func heatMapColoursFollowTheScale() {
        let map = HeatMap(title: "h", rows: AxisTitle("r"), columns: AxisTitle("c"), value: AxisTitle("v"),
                          rowLabels: ["0"], columnLabels: ["0", "1", "2"], values: [[1, 2, 3]])
        let fills = XMLDocumentProbe(map.svgText).all("rect").filter { $0.attributes["class"] == "cell" }.compactMap { $0.attributes["fill"] }
        #expect(fills.prefix(3) == ["#440154", "#21918c", "#fde725"])
        let shared = HeatMap(title: "h", rows: AxisTitle("r"), columns: AxisTitle("c"), value: AxisTitle("v"),
                             rowLabels: ["0"], columnLabels: ["0"], values: [[3]], range: 0...6)
        let fill = XMLDocumentProbe(shared.svgText).all("rect").first { $0.attributes["class"] == "cell" }?.attributes["fill"]
        #expect(fill == "#21918c")
    }

    /// Up to three series shade their intervals; more draw one whisker per interval instead.
    @Test func bandsShadeFewSeriesAndWhiskerMany() {
        func chart(_ count: Int) -> LineChart {
            let series = (0..<count).map { index in
                XYSeries(name: "s\(index)", points: [XYPoint(x: 2, y: 0.9), XYPoint(x: 10, y: 0.95)],
                         band: [XYBand(x: 2, low: 0.8, high: 1), XYBand(x: 10, low: 0.9, high: 1)])
            }
            return LineChart(title: "bands", x: AxisTitle("n"), y: AxisTitle("ratio"), series: series)
        }
        let few = XMLDocumentProbe(chart(3).svgText)
        #expect(few.all("polygon").count == 3)
        let many = XMLDocumentProbe(chart(4).svgText)
        #expect(many.all("polygon").isEmpty)
        #expect(many.all("line").filter { $0.attributes["class"]?.hasPrefix("whisker") == true }.count == 8)
    }

    @Test func numbersAreWrittenTheSameEverywhere() {
        #expect(NumberText.value(0.123456789) == "0.123457")
        #expect(NumberText.value(297.7031698642446) == "297.703")
        #expect(NumberText.value(2.5e-7) == "2.50000e-07")
        #expect(NumberText.value(nil) == "—" && NumberText.value(.nan) == "—")
        #expect(NumberText.value(-0.0) == "0" && NumberText.value(12_000) == "12000")
        #expect(NumberText.tick(2.5, step: 0.5) == "2.5" && NumberText.tick(-1e-17, step: 0.1) == "0")
    }
}
