/// A grid of coloured cells, rows by columns (e.g. MoE layers by GPUs), on one colour scale whose
/// ends are the smallest and largest finite value (or a given range, so two maps compare).
/// ```
/// HeatMap(title: "GPU load", rows: AxisTitle("Layer"), columns: AxisTitle("GPU"), value: AxisTitle("Load / mean"),
///         rowLabels: ["0", "1"], columnLabels: ["0", "1"], values: [[1.2, 0.8], [1, 1]])
/// ```
public struct HeatMap: Chart {
    public var title: String
    public var rows: AxisTitle
    public var columns: AxisTitle
    public var value: AxisTitle
    public var rowLabels: [String]
    public var columnLabels: [String]
    public var values: [[Double?]]
    /// The colour scale's ends; nil: the data's own.
    public var range: ClosedRange<Double>?
    public var emptyReason: String

    public init(
        title: String, rows: AxisTitle, columns: AxisTitle, value: AxisTitle, rowLabels: [String], columnLabels: [String],
        values: [[Double?]], range: ClosedRange<Double>? = nil, emptyReason: String = "the output has no values for this chart"
    ) {
        self.title = title
        self.rows = rows
        self.columns = columns
        self.value = value
        self.rowLabels = rowLabels
        self.columnLabels = columnLabels
        self.values = values
        self.range = range
        self.emptyReason = emptyReason
    }

    var finiteValues: [Double] { values.flatMap { $0.compactMap { $0 } }.filter(\.isFinite) }
    var hasData: Bool { !finiteValues.isEmpty }

    /// The colour scale's ends.
    var bounds: ClosedRange<Double> {
        if let range { return range }
        let finite = finiteValues
        return (finite.min() ?? 0)...(finite.max() ?? 1)
    }

    public func svg() -> MarkupNode {
        guard hasData else { return NoDataPanel(title: title, reason: emptyReason).svg() }
        let frame = ChartFrame(legend: [], plotHeight: min(520, max(160, Double(values.count) * 8)))
        let rowCount = values.count
        let columnCount = values.map(\.count).max() ?? 0
        let cellWidth = frame.plotWidth / Double(max(1, columnCount))
        let cellHeight = frame.plotHeight / Double(max(1, rowCount))
        let scale = bounds
        let span = scale.upperBound - scale.lowerBound
        var nodes: [MarkupNode] = []
        for (rowIndex, row) in values.enumerated() {
            for (columnIndex, cell) in row.enumerated() {
                guard let cell, cell.isFinite else { continue }
                let fraction = span > 0 ? (cell - scale.lowerBound) / span : 0.5
                nodes.append(SVG.rect(
                    x: frame.plotLeft + Double(columnIndex) * cellWidth, y: frame.plotTop + Double(rowIndex) * cellHeight,
                    width: cellWidth + 0.3, height: cellHeight + 0.3, class: "cell", fill: Palette.heat(fraction),
                    tooltip: "\(label(rowLabels, rowIndex)), \(label(columnLabels, columnIndex)): \(NumberText.value(cell))"))
            }
        }
        let rowEvery = max(1, Int((14 / cellHeight).rounded(.up)))
        for index in stride(from: 0, to: rowCount, by: rowEvery) {
            nodes.append(SVG.text(label(rowLabels, index), x: frame.plotLeft - 6, y: frame.plotTop + (Double(index) + 0.5) * cellHeight + 4, anchor: .end, class: "tick"))
        }
        let columnEvery = max(1, Int((28 / cellWidth).rounded(.up)))
        for index in stride(from: 0, to: columnCount, by: columnEvery) {
            nodes.append(SVG.text(label(columnLabels, index), x: frame.plotLeft + (Double(index) + 0.5) * cellWidth, y: frame.plotBottom + 18, anchor: .middle, class: "tick"))
        }
        nodes += colourLegend(frame: frame, scale: scale)
        return SVG.root(width: ChartFrame.width, height: frame.height, label: title, [
            frame.title(title), SVG.group(class: "marks", nodes)] + frame.axisTitles(x: columns, y: rows))
    }

    /// Five swatches along the colour scale with their values, under the x axis.
    func colourLegend(frame: ChartFrame, scale: ClosedRange<Double>) -> [MarkupNode] {
        var nodes = [SVG.text(value.text + ":", x: frame.plotLeft, y: frame.legendTop, class: "legend")]
        let start = frame.plotLeft + 7 * Double(value.text.count) + 16
        for step in 0...4 {
            let fraction = Double(step) / 4
            let x = start + Double(step) * 84
            nodes.append(SVG.rect(x: x, y: frame.legendTop - 10, width: 16, height: 12, class: "cell", fill: Palette.heat(fraction)))
            let number = scale.lowerBound + fraction * (scale.upperBound - scale.lowerBound)
            nodes.append(SVG.text(NumberText.value(number), x: x + 20, y: frame.legendTop, class: "legend"))
        }
        return nodes
    }

    func label(_ labels: [String], _ index: Int) -> String { labels.indices.contains(index) ? labels[index] : String(index) }

    public func table() -> DataTable {
        guard hasData else { return DataTable(caption: title, columns: [], rows: [], emptyReason: emptyReason) }
        let columnCount = values.map(\.count).max() ?? 0
        let header = ["\(rows.text) \\ \(columns.text)"] + (0..<columnCount).map { label(columnLabels, $0) }
        let body = values.enumerated().map { index, row in [TableCell.text(label(rowLabels, index))] + row.map { TableCell.number($0) } }
        return DataTable(caption: "\(title) (\(value.text))", columns: header, rows: body)
    }
}
