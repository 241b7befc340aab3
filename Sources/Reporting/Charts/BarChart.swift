/// Grouped bars: one group per category, one bar per series, with optional error bars (e.g. a 95 %
/// confidence half-width). The value axis starts at zero.
/// ```
/// BarChart(title: "GPUs per stage", category: AxisTitle("Stage"), value: AxisTitle("GPUs"),
///          categories: ["7B", "70B"], series: [BarSeries(name: "plan", values: [8, 24])])
/// ```
public struct BarChart: Chart {
    public var title: String
    public var category: AxisTitle
    public var value: AxisTitle
    public var categories: [String]
    public var series: [BarSeries]
    public var references: [ReferenceLine]
    public var emptyReason: String

    public init(
        title: String, category: AxisTitle, value: AxisTitle, categories: [String], series: [BarSeries],
        references: [ReferenceLine] = [], emptyReason: String = "the output has no values for this chart"
    ) {
        self.title = title
        self.category = category
        self.value = value
        self.categories = categories
        self.series = series
        self.references = references.filter { $0.orientation == .horizontal }
        self.emptyReason = emptyReason
    }

    var hasData: Bool { !categories.isEmpty && series.contains { $0.values.contains { $0?.isFinite == true } } }

    var scale: NiceScale {
        var values: [Double] = references.map(\.value)
        for item in series {
            for (index, value) in item.values.enumerated() {
                guard let value, value.isFinite else { continue }
                let error = item.errors.indices.contains(index) ? (item.errors[index] ?? 0) : 0
                values += [value + (error.isFinite ? error : 0), value - (error.isFinite ? error : 0)]
            }
        }
        return NiceScale(values: values, including: [0])
    }

    public func svg() -> MarkupNode {
        guard hasData else { return NoDataPanel(title: title, reason: emptyReason).svg() }
        var legend = series.enumerated().map { LegendEntry(name: $0.element.name, seriesIndex: $0.offset, mark: .swatch) }
        legend += references.map { LegendEntry(name: $0.label, seriesIndex: nil, mark: .dashed) }
        let frame = ChartFrame(legend: legend)
        let yScale = scale
        func py(_ value: Double) -> Double { yScale.position(value, from: frame.plotBottom, to: frame.plotTop) }
        let groupWidth = frame.plotWidth / Double(categories.count)
        let barWidth = min(48, groupWidth * 0.8 / Double(max(1, series.count)))
        var nodes: [MarkupNode] = []
        for (value, label) in zip(yScale.ticks, yScale.labels) {
            nodes.append(SVG.line(x1: frame.plotLeft, y1: py(value), x2: frame.plotRight, y2: py(value), class: "grid"))
            nodes.append(SVG.text(label, x: frame.plotLeft - 6, y: py(value) + 4, anchor: .end, class: "tick"))
        }
        let labelEvery = max(1, Int((Double(categories.count) * 60 / frame.plotWidth).rounded(.up)))
        for (index, name) in categories.enumerated() {
            let centre = frame.plotLeft + groupWidth * (Double(index) + 0.5)
            if index % labelEvery == 0 {
                for (line, text) in Self.labelLines(name, width: groupWidth * Double(labelEvery)).enumerated() {
                    nodes.append(SVG.text(text, x: centre, y: frame.plotBottom + 16 + 12 * Double(line), anchor: .middle, class: "tick"))
                }
            }
            let start = centre - barWidth * Double(series.count) / 2
            for (seriesIndex, item) in series.enumerated() {
                guard item.values.indices.contains(index), let value = item.values[index], value.isFinite else { continue }
                let x = start + barWidth * Double(seriesIndex)
                let top = py(max(0, value))
                let bottom = py(min(0, value))
                let colour = Palette.seriesClass(seriesIndex)
                nodes.append(SVG.rect(
                    x: x + 1, y: top, width: barWidth - 2, height: bottom - top, class: "bar \(colour)",
                    tooltip: "\(item.name), \(name): \(NumberText.value(value))"))
                if item.errors.indices.contains(index), let error = item.errors[index], error.isFinite, error > 0 {
                    let middle = x + barWidth / 2
                    nodes.append(SVG.line(x1: middle, y1: py(value - error), x2: middle, y2: py(value + error), class: "whisker"))
                }
            }
        }
        for reference in references where reference.value.isFinite {
            nodes.append(SVG.line(x1: frame.plotLeft, y1: py(reference.value), x2: frame.plotRight, y2: py(reference.value), class: "reference"))
        }
        nodes.append(SVG.line(x1: frame.plotLeft, y1: py(0), x2: frame.plotRight, y2: py(0), class: "axis"))
        nodes.append(SVG.line(x1: frame.plotLeft, y1: frame.plotTop, x2: frame.plotLeft, y2: frame.plotBottom, class: "axis"))
        return SVG.root(width: ChartFrame.width, height: frame.height, label: title, [
            frame.title(title), SVG.group(class: "marks", nodes) ] + frame.axisTitles(x: category, y: value) + [frame.legend()])
    }

    /// A category label on one line, or on two (split at the space nearest its middle) when one
    /// line would overrun its group's `width` at the tick font's 6.2 px per character.
    static func labelLines(_ label: String, width: Double) -> [String] {
        guard Double(label.count) * 6.2 > width * 0.95 else { return [label] }
        let spaces = label.indices.filter { label[$0] == " " }
        let middle = label.count / 2
        guard let split = spaces.min(by: {
            abs(label.distance(from: label.startIndex, to: $0) - middle) < abs(label.distance(from: label.startIndex, to: $1) - middle)
        }) else { return [label] }
        return [String(label[..<split]), String(label[label.index(after: split)...])]
    }

    public func table() -> DataTable {
        guard hasData else { return DataTable(caption: title, columns: [], rows: [], emptyReason: emptyReason) }
        let withErrors = series.contains { !$0.errors.isEmpty }
        var columns = [category.text]
        for item in series {
            columns.append("\(item.name): \(value.text)")
            if withErrors { columns.append("\(item.name): ±") }
        }
        let rows = categories.enumerated().map { index, name -> [TableCell] in
            var row: [TableCell] = [.text(name)]
            for item in series {
                row.append(.number(item.values.indices.contains(index) ? item.values[index] : nil))
                if withErrors { row.append(.number(item.errors.indices.contains(index) ? item.errors[index] : nil)) }
            }
            return row
        }
        return DataTable(caption: title, columns: columns, rows: rows)
    }
}

/// One series of a bar chart: a value (nil: none) per category, and optional error half-widths.
public struct BarSeries: Sendable, Hashable {
    public var name: String
    public var values: [Double?]
    public var errors: [Double?]

    public init(name: String, values: [Double?], errors: [Double?] = []) {
        self.name = name
        self.values = values
        self.errors = errors
    }
}
