/// The numbers behind a chart (or a table of its own): a caption, column names and rows of cells,
/// rendered as an HTML table under the chart so they can be read aloud and copied.
/// ```
/// DataTable(caption: "TTFT", columns: ["series", "s"], rows: [[.text("plan"), .number(0.12)]])
/// ```
public struct DataTable: Sendable, Hashable {
    public var caption: String
    public var columns: [String]
    public var rows: [[TableCell]]
    /// Why there are no rows (shown in place of the table when `rows` is empty).
    public var emptyReason: String?

    public init(caption: String, columns: [String], rows: [[TableCell]], emptyReason: String? = nil) {
        self.caption = caption
        self.columns = columns
        self.rows = rows
        self.emptyReason = emptyReason
    }
}

/// A table cell: text, or a number written by `NumberText.value` (missing or non-finite as "—").
public enum TableCell: Sendable, Hashable {
    case text(String)
    case number(Double?)

    var string: String {
        switch self {
        case .text(let text): text
        case .number(let number): NumberText.value(number)
        }
    }
}
