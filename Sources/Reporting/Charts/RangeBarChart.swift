/// Ranges on a shared axis, one lane per row and series (e.g. the blocks each server holds,
/// 0..L−1, under two placements): a Gantt-like bar per server.
/// ```
/// RangeBarChart(title: "Blocks per server", axis: AxisTitle("Block"), rows: ["a100@n0"],
///               series: [RangeSeries(name: "CG-BP", spans: [RangeSpan(row: 0, start: 0, end: 40)])])
/// ```
public struct RangeBarChart: Chart {
    public var title: String
    public var axis: AxisTitle
    public var rowTitle: AxisTitle
    public var rows: [String]
    public var series: [RangeSeries]
    /// The axis's ends (e.g. 0 and the block count); nil: the data's.
    public var domain: ClosedRange<Double>?
    public var emptyReason: String

    public init(
        title: String, axis: AxisTitle, rowTitle: AxisTitle = AxisTitle("Server"), rows: [String], series: [RangeSeries],
        domain: ClosedRange<Double>? = nil, emptyReason: String = "the output has no ranges for this chart"
    ) {
        self.title = title
        self.axis = axis
        self.rowTitle = rowTitle
        self.rows = rows
        self.series = series
        self.domain = domain
        self.emptyReason = emptyReason
    }

    var hasData: Bool { !rows.isEmpty && series.contains { !$0.spans.filter(\.isFinite).isEmpty } }

    public func svg() -> MarkupNode {
        guard hasData else { return NoDataPanel(title: title, reason: emptyReason).svg() }
        let laneHeight = 9.0
        let rowHeight = laneHeight * Double(max(1, series.count)) + 6
        let longest = rows.map(\.count).max() ?? 4
        let left = min(260, max(78, 6.4 * Double(longest) + 14))
        let frame = ChartFrame(
            legend: series.enumerated().map { LegendEntry(name: $0.element.name, seriesIndex: $0.offset, mark: .swatch) },
            plotHeight: max(60, rowHeight * Double(rows.count)), plotLeft: left)
        let ends = series.flatMap(\.spans).filter(\.isFinite).flatMap { [$0.start, $0.end] }
        let scale = NiceScale(values: ends + (domain.map { [$0.lowerBound, $0.upperBound] } ?? []))
        func px(_ value: Double) -> Double { scale.position(value, from: frame.plotLeft, to: frame.plotRight) }
        var nodes: [MarkupNode] = []
        for (value, label) in zip(scale.ticks, scale.labels) {
            nodes.append(SVG.line(x1: px(value), y1: frame.plotTop, x2: px(value), y2: frame.plotBottom, class: "grid"))
            nodes.append(SVG.text(label, x: px(value), y: frame.plotBottom + 18, anchor: .middle, class: "tick"))
        }
        for (index, name) in rows.enumerated() {
            nodes.append(SVG.text(name, x: frame.plotLeft - 6, y: frame.plotTop + rowHeight * Double(index) + rowHeight / 2 + 4, anchor: .end, class: "tick"))
        }
        for (seriesIndex, item) in series.enumerated() {
            for span in item.spans where span.isFinite && rows.indices.contains(span.row) {
                let y = frame.plotTop + rowHeight * Double(span.row) + 3 + laneHeight * Double(seriesIndex)
                nodes.append(SVG.rect(
                    x: px(span.start), y: y, width: px(span.end) - px(span.start), height: laneHeight - 1,
                    class: "bar \(Palette.seriesClass(seriesIndex))",
                    tooltip: "\(item.name), \(rows[span.row]): \(NumberText.value(span.start))–\(NumberText.value(span.end))"))
            }
        }
        nodes.append(SVG.line(x1: frame.plotLeft, y1: frame.plotBottom, x2: frame.plotRight, y2: frame.plotBottom, class: "axis"))
        return SVG.root(width: ChartFrame.width, height: frame.height, label: title, [
            frame.title(title), SVG.group(class: "marks", nodes),
            SVG.text(axis.text, x: frame.plotLeft + frame.plotWidth / 2, y: frame.plotBottom + 44, anchor: .middle, class: "axis-title"),
            frame.legend(),
        ])
    }

    public func table() -> DataTable {
        guard hasData else { return DataTable(caption: title, columns: [], rows: [], emptyReason: emptyReason) }
        var body: [[TableCell]] = []
        for item in series {
            for span in item.spans where rows.indices.contains(span.row) {
                body.append([.text(item.name), .text(rows[span.row]), .number(span.start), .number(span.end)])
            }
        }
        return DataTable(caption: title, columns: ["Series", rowTitle.text, "Start (\(axis.text))", "End (\(axis.text))"], rows: body)
    }
}

/// The ranges of one series.
public struct RangeSeries: Sendable, Hashable {
    public var name: String
    public var spans: [RangeSpan]

    public init(name: String, spans: [RangeSpan]) {
        self.name = name
        self.spans = spans
    }
}

/// A range [start, end) on a row.
public struct RangeSpan: Sendable, Hashable {
    public var row: Int
    public var start: Double
    public var end: Double

    public init(row: Int, start: Double, end: Double) {
        self.row = row
        self.start = start
        self.end = end
    }

    var isFinite: Bool { start.isFinite && end.isFinite && end >= start }
}
