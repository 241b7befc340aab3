/// Lines (or steps, for CDFs) through x–y points, one colour per series, with optional bands (a
/// confidence interval across seeds: shaded for up to three series, whiskers beyond) and reference
/// lines (an SLO, a target).
/// ```
/// let cdf = LineChart(
///     title: "TTFT", x: AxisTitle("TTFT", unit: "s"), y: AxisTitle("Fraction of requests"),
///     series: [XYSeries(name: "chat", points: [XYPoint(x: 0.1, y: 0.5), XYPoint(x: 0.3, y: 1)])],
///     style: .step, references: [ReferenceLine(.vertical, at: 0.25, label: "SLO 0.25 s")])
/// ```
public struct LineChart: Chart {
    public enum Style: Sendable, Hashable {
        /// Straight segments between points, marked with dots.
        case line
        /// A step after each point (a CDF from quantile points).
        case step
    }

    public var title: String
    public var x: AxisTitle
    public var y: AxisTitle
    public var series: [XYSeries]
    public var style: Style
    public var references: [ReferenceLine]
    /// Whether the y axis starts at zero whatever the data.
    public var yFromZero: Bool
    /// Why there is nothing to draw, when there is nothing.
    public var emptyReason: String

    public init(
        title: String, x: AxisTitle, y: AxisTitle, series: [XYSeries], style: Style = .line,
        references: [ReferenceLine] = [], yFromZero: Bool = false, emptyReason: String = "the output has no points for this chart"
    ) {
        self.title = title
        self.x = x
        self.y = y
        self.series = series
        self.style = style
        self.references = references
        self.yFromZero = yFromZero
        self.emptyReason = emptyReason
    }

    var hasData: Bool { series.contains { $0.points.contains(where: \.isFinite) } }

    /// The x and y scales: every finite point, band end and reference line lies on them.
    var scales: (x: NiceScale, y: NiceScale) {
        let points = series.flatMap(\.points).filter(\.isFinite)
        let bands = series.flatMap(\.band).filter(\.isFinite)
        let xs = points.map(\.x) + bands.map(\.x) + references.filter { $0.orientation == .vertical }.map(\.value)
        let ys = points.map(\.y) + bands.flatMap { [$0.low, $0.high] } + references.filter { $0.orientation == .horizontal }.map(\.value)
        return (NiceScale(values: xs), NiceScale(values: ys, including: yFromZero ? [0] : []))
    }

    public func svg() -> MarkupNode {
        guard hasData else { return NoDataPanel(title: title, reason: emptyReason).svg() }
        var legend = series.enumerated().map { LegendEntry(name: $0.element.name, seriesIndex: $0.offset, mark: .line) }
        legend += references.map { LegendEntry(name: $0.label, seriesIndex: $0.seriesIndex, mark: .dashed) }
        let frame = ChartFrame(legend: legend)
        let (xScale, yScale) = scales
        func px(_ value: Double) -> Double { xScale.position(value, from: frame.plotLeft, to: frame.plotRight) }
        func py(_ value: Double) -> Double { yScale.position(value, from: frame.plotBottom, to: frame.plotTop) }
        var marks: [MarkupNode] = []
        // Shaded bands for a few series; beyond three they would hide each other, so whiskers.
        let shade = series.filter { !$0.band.isEmpty }.count <= 3
        for (index, item) in series.enumerated() {
            let colour = Palette.seriesClass(index)
            let band = item.band.filter(\.isFinite).sorted { $0.x < $1.x }
            if shade && band.count > 1 {
                let upper = band.map { (px($0.x), py($0.high)) }
                let lower = band.reversed().map { (px($0.x), py($0.low)) }
                marks.append(SVG.polygon(upper + lower, class: "band \(colour)"))
            } else {
                for interval in band {
                    marks.append(SVG.line(x1: px(interval.x), y1: py(interval.low), x2: px(interval.x), y2: py(interval.high), class: "whisker \(colour)"))
                }
            }
            let points = item.points.filter(\.isFinite)
            var path: [(Double, Double)] = []
            for (position, point) in points.enumerated() {
                if style == .step, position > 0 { path.append((px(point.x), py(points[position - 1].y))) }
                path.append((px(point.x), py(point.y)))
            }
            marks.append(SVG.path(path, class: "series \(colour)"))
            if style == .line && points.count <= 60 {
                for point in points {
                    let tip = "\(item.name): \(NumberText.value(point.x)), \(NumberText.value(point.y))" + (point.label.map { " (\($0))" } ?? "")
                    marks.append(SVG.circle(x: px(point.x), y: py(point.y), radius: 3, class: "dot \(colour)", tooltip: tip))
                }
            }
        }
        for reference in references where reference.value.isFinite {
            switch reference.orientation {
            case .horizontal:
                marks.append(SVG.line(x1: frame.plotLeft, y1: py(reference.value), x2: frame.plotRight, y2: py(reference.value), class: reference.styleClass))
            case .vertical:
                marks.append(SVG.line(x1: px(reference.value), y1: frame.plotTop, x2: px(reference.value), y2: frame.plotBottom, class: reference.styleClass))
            }
        }
        return SVG.root(width: ChartFrame.width, height: frame.height, label: title, [
            frame.title(title), frame.axes(x: xScale, y: yScale, xTitle: x, yTitle: y), SVG.group(class: "marks", marks), frame.legend(),
        ])
    }

    public func table() -> DataTable {
        guard hasData else { return DataTable(caption: title, columns: [], rows: [], emptyReason: emptyReason) }
        let withBands = series.contains { !$0.band.isEmpty }
        var columns = ["Series", x.text, y.text]
        if withBands { columns += ["Low", "High"] }
        if series.contains(where: { $0.points.contains { $0.label != nil } }) { columns.append("Label") }
        let labelled = columns.last == "Label"
        var rows: [[TableCell]] = []
        for item in series {
            for point in item.points {
                var row: [TableCell] = [.text(item.name), .number(point.x), .number(point.y)]
                if withBands {
                    let interval = item.band.first { $0.x == point.x }
                    row += [.number(interval?.low), .number(interval?.high)]
                }
                if labelled { row.append(.text(point.label ?? "")) }
                rows.append(row)
            }
        }
        for reference in references {
            var row: [TableCell] = [.text(reference.label)]
            row += reference.orientation == .vertical ? [.number(reference.value), .text("")] : [.text(""), .number(reference.value)]
            if withBands { row += [.text(""), .text("")] }
            if labelled { row.append(.text("reference line")) }
            rows.append(row)
        }
        return DataTable(caption: title, columns: columns, rows: rows, emptyReason: nil)
    }
}
