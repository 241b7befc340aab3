/// The layout every chart shares: a title on top, a plot area with axes, a legend under the x axis.
/// ```
/// let frame = ChartFrame(legend: [LegendEntry(name: "plan", seriesIndex: 0, mark: .line)])
/// frame.axes(x: NiceScale(values: [0, 10]), y: NiceScale(values: [0, 1]), xTitle: .init("n"), yTitle: .init("ratio"))
/// ```
struct ChartFrame {
    static let width = 760.0
    static let legendRowHeight = 18.0
    let plotLeft: Double
    let plotTop = 40.0
    let plotWidth: Double
    let plotHeight: Double
    let legendRows: [[(entry: LegendEntry, x: Double)]]

    init(legend: [LegendEntry], plotHeight: Double = 250, plotLeft: Double = 78) {
        self.plotLeft = plotLeft
        self.plotHeight = plotHeight
        plotWidth = Self.width - plotLeft - 24
        var rows: [[(entry: LegendEntry, x: Double)]] = []
        var row: [(entry: LegendEntry, x: Double)] = []
        var x = plotLeft
        for entry in legend {
            let entryWidth = 30 + 6.6 * Double(entry.name.count) + 18
            if !row.isEmpty && x + entryWidth > Self.width - 12 {
                rows.append(row)
                row = []
                x = plotLeft
            }
            row.append((entry, x))
            x += entryWidth
        }
        if !row.isEmpty { rows.append(row) }
        legendRows = rows
    }

    var plotBottom: Double { plotTop + plotHeight }
    var plotRight: Double { plotLeft + plotWidth }
    var legendTop: Double { plotBottom + 60 }
    var height: Double { legendTop + Double(legendRows.count) * Self.legendRowHeight + 8 }

    func title(_ text: String) -> MarkupNode {
        SVG.text(text, x: plotLeft, y: 22, class: "chart-title")
    }

    /// Grid lines, tick labels and axis titles of an x–y plot.
    func axes(x: NiceScale, y: NiceScale, xTitle: AxisTitle, yTitle: AxisTitle) -> MarkupNode {
        var nodes: [MarkupNode] = []
        for (value, label) in zip(y.ticks, y.labels) {
            let py = y.position(value, from: plotBottom, to: plotTop)
            nodes.append(SVG.line(x1: plotLeft, y1: py, x2: plotRight, y2: py, class: "grid"))
            nodes.append(SVG.text(label, x: plotLeft - 6, y: py + 4, anchor: .end, class: "tick"))
        }
        for (value, label) in zip(x.ticks, x.labels) {
            let px = x.position(value, from: plotLeft, to: plotRight)
            nodes.append(SVG.line(x1: px, y1: plotBottom, x2: px, y2: plotBottom + 5, class: "axis"))
            nodes.append(SVG.text(label, x: px, y: plotBottom + 18, anchor: .middle, class: "tick"))
        }
        nodes.append(SVG.line(x1: plotLeft, y1: plotBottom, x2: plotRight, y2: plotBottom, class: "axis"))
        nodes.append(SVG.line(x1: plotLeft, y1: plotTop, x2: plotLeft, y2: plotBottom, class: "axis"))
        nodes.append(contentsOf: axisTitles(x: xTitle, y: yTitle))
        return SVG.group(class: "axes", nodes)
    }

    func axisTitles(x: AxisTitle, y: AxisTitle) -> [MarkupNode] {
        [
            SVG.text(x.text, x: plotLeft + plotWidth / 2, y: plotBottom + 44, anchor: .middle, class: "axis-title"),
            SVG.text(y.text, x: 16, y: plotTop + plotHeight / 2, anchor: .middle, class: "axis-title", rotate: true),
        ]
    }

    func legend() -> MarkupNode {
        var nodes: [MarkupNode] = []
        for (rowIndex, row) in legendRows.enumerated() {
            let y = legendTop + Double(rowIndex) * Self.legendRowHeight
            for (entry, x) in row {
                let colour = entry.seriesIndex.map(Palette.seriesClass) ?? "ref"
                switch entry.mark {
                case .line: nodes.append(SVG.line(x1: x, y1: y - 4, x2: x + 22, y2: y - 4, class: "series \(colour)"))
                case .dashed:
                    let style = entry.seriesIndex.map { "reference \(Palette.seriesClass($0))" } ?? "reference"
                    nodes.append(SVG.line(x1: x, y1: y - 4, x2: x + 22, y2: y - 4, class: style))
                case .swatch: nodes.append(SVG.rect(x: x + 4, y: y - 10, width: 14, height: 10, class: "bar \(colour)"))
                case .dot: nodes.append(SVG.circle(x: x + 11, y: y - 4, radius: 4, class: "dot \(colour)"))
                }
                nodes.append(SVG.text(entry.name, x: x + 28, y: y, class: "legend"))
            }
        }
        return SVG.group(class: "legend", nodes)
    }
}

/// One entry of a chart's legend: a name and the mark its series is drawn with.
struct LegendEntry {
    enum Mark { case line, dashed, swatch, dot }
    var name: String
    /// The series colour (nil: the reference-line style).
    var seriesIndex: Int?
    var mark: Mark
}
