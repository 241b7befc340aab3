/// Points in the plane, one colour per series, and optionally a front (the Pareto front of a sweep)
/// drawn as a line through its points in x order.
/// ```
/// ScatterChart(title: "Hops vs imbalance", x: AxisTitle("Expected hops"), y: AxisTitle("Max/mean load"),
///              series: [XYSeries(name: "sweep", points: points)], front: frontPoints)
/// ```
public struct ScatterChart: Chart {
    public var title: String
    public var x: AxisTitle
    public var y: AxisTitle
    public var series: [XYSeries]
    /// The front's points (drawn joined, in increasing x); empty for none.
    public var front: [XYPoint]
    public var frontName: String
    public var emptyReason: String

    public init(
        title: String, x: AxisTitle, y: AxisTitle, series: [XYSeries], front: [XYPoint] = [], frontName: String = "Pareto front",
        emptyReason: String = "the output has no points for this chart"
    ) {
        self.title = title
        self.x = x
        self.y = y
        self.series = series
        self.front = front
        self.frontName = frontName
        self.emptyReason = emptyReason
    }

    var hasData: Bool { (series.flatMap(\.points) + front).contains(where: \.isFinite) }

    public func svg() -> MarkupNode {
        guard hasData else { return NoDataPanel(title: title, reason: emptyReason).svg() }
        var legend = series.enumerated().map { LegendEntry(name: $0.element.name, seriesIndex: $0.offset, mark: .dot) }
        if !front.isEmpty { legend.append(LegendEntry(name: frontName, seriesIndex: nil, mark: .dashed)) }
        let frame = ChartFrame(legend: legend)
        let points = (series.flatMap(\.points) + front).filter(\.isFinite)
        let xScale = NiceScale(values: points.map(\.x))
        let yScale = NiceScale(values: points.map(\.y))
        func px(_ value: Double) -> Double { xScale.position(value, from: frame.plotLeft, to: frame.plotRight) }
        func py(_ value: Double) -> Double { yScale.position(value, from: frame.plotBottom, to: frame.plotTop) }
        var marks: [MarkupNode] = []
        let frontPath = front.filter(\.isFinite).sorted { $0.x < $1.x }.map { (px($0.x), py($0.y)) }
        if frontPath.count > 1 { marks.append(SVG.path(frontPath, class: "reference")) }
        for (index, item) in series.enumerated() {
            for point in item.points where point.isFinite {
                let tip = (point.label ?? item.name) + ": \(NumberText.value(point.x)), \(NumberText.value(point.y))"
                marks.append(SVG.circle(x: px(point.x), y: py(point.y), radius: 4.5, class: "dot \(Palette.seriesClass(index))", tooltip: tip))
            }
        }
        return SVG.root(width: ChartFrame.width, height: frame.height, label: title, [
            frame.title(title), frame.axes(x: xScale, y: yScale, xTitle: x, yTitle: y), SVG.group(class: "marks", marks), frame.legend(),
        ])
    }

    public func table() -> DataTable {
        guard hasData else { return DataTable(caption: title, columns: [], rows: [], emptyReason: emptyReason) }
        var rows: [[TableCell]] = []
        for item in series {
            for point in item.points {
                rows.append([.text(item.name), .text(point.label ?? ""), .number(point.x), .number(point.y), .text(onFront(point) ? "yes" : "no")])
            }
        }
        return DataTable(caption: title, columns: ["Series", "Point", x.text, y.text, "On the front"], rows: rows)
    }

    func onFront(_ point: XYPoint) -> Bool { front.contains { $0.x == point.x && $0.y == point.y } }
}
