import Foundation

/// A plain-text table with aligned columns for human-readable output.
struct TextTable {
    var headers: [String]
    var rows: [[String]] = []
    /// Columns aligned right (numbers); the rest align left.
    var rightAligned: Set<Int> = []

    init(_ headers: [String], rightAligned: Set<Int>? = nil) {
        self.headers = headers
        self.rightAligned = rightAligned ?? Set(1..<max(1, headers.count))
    }

    mutating func add(_ row: [String]) { rows.append(row) }

    func render() -> String {
        var widths = headers.map(\.count)
        for row in rows {
            for (index, cell) in row.enumerated() where index < widths.count { widths[index] = max(widths[index], cell.count) }
        }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { index, cell in
                let padding = String(repeating: " ", count: max(0, widths[index] - cell.count))
                return rightAligned.contains(index) ? padding + cell : cell + padding
            }.joined(separator: "  ")
        }
        let rule = widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")
        return ([line(headers), rule] + rows.map(line)).map { $0.trailingSpacesTrimmed }.joined(separator: "\n")
    }
}

extension String {
    var trailingSpacesTrimmed: String {
        var result = self
        while result.last == " " { result.removeLast() }
        return result
    }
}

/// Number formatting for tables.
enum Format {
    /// Fixed decimals.
    static func fixed(_ value: Double, _ decimals: Int = 2) -> String {
        guard value.isFinite else { return "\(value)" }
        return String(format: "%.\(decimals)f", value)
    }

    /// A value scaled by 10^scale with a suffix, e.g. `scaled(989e12, 1e12, "T")` → "989".
    static func scaled(_ value: Double, by divisor: Double, decimals: Int = 0) -> String {
        fixed(value / divisor, decimals)
    }

    /// Integer with thousands separators.
    static func grouped(_ value: Int) -> String {
        let digits = String(abs(value))
        var result = ""
        for (index, character) in digits.reversed().enumerated() {
            if index > 0 && index % 3 == 0 { result.append(",") }
            result.append(character)
        }
        return (value < 0 ? "-" : "") + String(result.reversed())
    }
}
