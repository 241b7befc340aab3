/// A chart in a report: an SVG drawing and the numbers behind it as a table.
///
/// Conformances are value types built from the JSON a verb printed (`LineChart`, `BarChart`,
/// `ScatterChart`, `HeatMap`, `RangeBarChart`); with nothing to draw they give a "no data" panel
/// (`NoDataPanel`) instead of an empty frame.
/// ```
/// let chart = LineChart(title: "TTFT", x: AxisTitle("TTFT", unit: "s"), y: AxisTitle("Fraction of requests"), series: [])
/// chart.svg()     // a "No data" panel
/// ```
public protocol Chart: Sendable {
    var title: String { get }
    /// The drawing (or a "no data" panel when there is nothing to draw).
    func svg() -> MarkupNode
    /// The numbers the drawing shows.
    func table() -> DataTable
}

/// An axis's title and unit, written "name (unit)".
public struct AxisTitle: Sendable, Hashable {
    public var name: String
    public var unit: String?

    public init(_ name: String, unit: String? = nil) {
        self.name = name
        self.unit = unit
    }

    public var text: String { unit.map { "\(name) (\($0))" } ?? name }
}

/// A point of a line or scatter series.
public struct XYPoint: Sendable, Hashable {
    public var x: Double
    public var y: Double
    /// Shown in the table and as a tooltip (e.g. a policy's name at a front point).
    public var label: String?

    public init(x: Double, y: Double, label: String? = nil) {
        self.x = x
        self.y = y
        self.label = label
    }

    var isFinite: Bool { x.isFinite && y.isFinite }
}

/// An interval around a series at one x (e.g. the 95 % confidence interval across seeds).
public struct XYBand: Sendable, Hashable {
    public var x: Double
    public var low: Double
    public var high: Double

    public init(x: Double, low: Double, high: Double) {
        self.x = x
        self.low = low
        self.high = high
    }

    var isFinite: Bool { x.isFinite && low.isFinite && high.isFinite }
}

/// A named series of points, with an optional band around it.
public struct XYSeries: Sendable, Hashable {
    public var name: String
    public var points: [XYPoint]
    public var band: [XYBand]

    public init(name: String, points: [XYPoint], band: [XYBand] = []) {
        self.name = name
        self.points = points
        self.band = band
    }
}

/// A horizontal or vertical line marking a target (an SLO, an LP's optimum).
public struct ReferenceLine: Sendable, Hashable {
    public enum Orientation: Sendable, Hashable { case horizontal, vertical }
    public var orientation: Orientation
    public var value: Double
    public var label: String
    /// The series the line belongs to (drawn dashed in its colour), nil for a neutral line.
    public var seriesIndex: Int?

    public init(_ orientation: Orientation, at value: Double, label: String, seriesIndex: Int? = nil) {
        self.orientation = orientation
        self.value = value
        self.label = label
        self.seriesIndex = seriesIndex
    }

    /// The SVG class: dashed, in the series' colour when it has one.
    var styleClass: String { seriesIndex.map { "reference \(Palette.seriesClass($0))" } ?? "reference" }
}
