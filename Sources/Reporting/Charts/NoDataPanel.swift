/// What a chart draws when it has nothing to draw: its title and one line saying why, in a frame of
/// the chart's size, never an empty or broken plot.
/// ```
/// NoDataPanel(title: "TTFT CDF", reason: "no request completed").svg()
/// ```
struct NoDataPanel {
    var title: String
    var reason: String

    func svg() -> MarkupNode {
        let frame = ChartFrame(legend: [])
        return SVG.root(width: ChartFrame.width, height: 150, label: "\(title): no data", [
            frame.title(title),
            SVG.rect(x: frame.plotLeft, y: 36, width: frame.plotWidth, height: 96, class: "no-data-frame"),
            SVG.text("No data: \(reason)", x: frame.plotLeft + frame.plotWidth / 2, y: 90, anchor: .middle, class: "no-data"),
        ])
    }
}
