import Foundation

/// The columns of a trace file, with the header names (CSV) or keys (JSONL) each is accepted under.
enum TraceColumn: CaseIterable, Sendable {
    case arrival, prompt, output, requestClass

    /// Accepted names, compared ignoring case.
    var names: [String] {
        switch self {
        case .arrival: return ["arrival", "arrivalTime", "arrived_at"]
        case .prompt: return ["prompt", "promptTokens", "num_prefill_tokens"]
        case .output: return ["output", "outputTokens", "num_decode_tokens"]
        case .requestClass: return ["class"]
        }
    }

    /// What the column holds, in messages.
    var field: String {
        switch self {
        case .arrival: return "arrival time"
        case .prompt: return "prompt tokens"
        case .output: return "output tokens"
        case .requestClass: return "class"
        }
    }

    /// The column a header name or key stands for, if any.
    init?(named name: String) {
        guard let column = Self.allCases.first(where: { $0.names.contains { $0.lowercased() == name.lowercased() } })
        else { return nil }
        self = column
    }
}

/// Problems found line by line in a file: the first `limit` are kept, the rest only counted.
struct LineProblems {
    static let limit = 10
    /// What the file is called in messages: `trace`, or a scenario key path.
    let label: String
    private var issues: [ScenarioIssue] = []
    private var omitted = 0

    init(label: String) { self.label = label }

    mutating func add(line: Int, _ message: String) {
        if issues.count < Self.limit {
            issues.append(ScenarioIssue(path: "\(label) line \(line)", message: message))
        } else {
            omitted += 1
        }
    }

    /// Adds `later`'s problems after these, as if each had been added here in turn.
    mutating func append(_ later: LineProblems) {
        for issue in later.issues {
            if issues.count < Self.limit { issues.append(issue) } else { omitted += 1 }
        }
        omitted += later.omitted
    }

    /// Throws the problems, one issue each, plus a count of those left out.
    func throwIfAny() throws {
        guard !issues.isEmpty else { return }
        let more = omitted > 0 ? [ScenarioIssue(path: label, message: "\(omitted) more problems not shown")] : []
        throw ScenarioError(issues: issues + more)
    }

    /// A whole number of tokens, at least 1, or nil after reporting.
    mutating func tokens(_ text: String, _ field: String, line: Int) -> Int? {
        tokens(TraceNumber(text), field, line: line)
    }

    /// `tokens(_:_:line:)` of a field already read as a number.
    mutating func tokens(_ number: TraceNumber, _ field: String, line: Int) -> Int? {
        guard case let .value(value) = number else {
            if case let .text(text) = number { add(line: line, "\(field) '\(text)' is not a number") }
            return nil
        }
        guard value <= Double(LengthDistribution.maximumLength) else {
            add(line: line, "\(field) must be <= \(LengthDistribution.maximumLength), got \(ConfigNode.format(value))")
            return nil
        }
        guard value >= 1 else {
            add(line: line, "\(field) must be >= 1, got \(ConfigNode.format(value))")
            return nil
        }
        guard value == value.rounded() else {
            add(line: line, "\(field) must be a whole number, got \(ConfigNode.format(value))")
            return nil
        }
        return Int(value)
    }
}

/// A trace or length file split into lines of raw text fields, before the values are checked.
///
/// A file whose first non-blank line starts with `{` is JSONL (one object per line); anything else
/// is CSV with a header naming the columns (`CSVTable`: quoted fields may hold commas). Unknown
/// columns and keys are ignored. Blank lines are skipped; line numbers
/// count every line of the file from 1.
enum TraceText {
    /// One line's fields by column.
    struct Row {
        var line: Int
        var values: [TraceColumn: String]
    }

    /// What a file holds.
    enum Content {
        /// Rows with every required column.
        case rows([Row])
        /// A single column: one value per line.
        case plain([(line: Int, text: String)])
    }

    /// Reads the file at `path`. Rows missing a required JSONL key or with the wrong number of CSV
    /// fields go to `problems` and are left out.
    /// - Parameter allowPlain: read a single-column file as one value per line, under a header
    ///   word (any name, `prompt` or `tokens` say) unless its first line is a number.
    /// - Throws: `ScenarioError` when the file cannot be read, is empty, or lacks a required CSV column.
    static func read(
        path: String, required: [TraceColumn], allowPlain: Bool, problems: inout LineProblems
    ) throws -> Content {
        let text = try contents(path: path, label: problems.label)
        guard let first = firstNonBlankLine(text) else {
            throw ScenarioError(path: problems.label, "the file is empty: \(path)")
        }
        if first.hasPrefix("{") {
            return .rows(jsonRows(nonBlankLines(text), required: required, problems: &problems))
        }
        let table = CSVTable(text: text)
        let header = trimmed(table.header)
        var index: [TraceColumn: Int] = [:]
        for (position, name) in header.enumerated() {
            guard let column = TraceColumn(named: name) else { continue }
            if let earlier = index[column] {
                throw ScenarioError(
                    path: "\(problems.label) line \(table.headerLine)",
                    "columns '\(header[earlier])' and '\(name)' both give the \(column.field)")
            }
            index[column] = position
        }
        if allowPlain && header.count == 1 {
            let lines = nonBlankLines(text)
            return .plain(Double(header[0]) == nil ? Array(lines.dropFirst()) : lines)
        }
        let missing = required.filter { index[$0] == nil }
        guard missing.isEmpty else {
            throw ScenarioError(issues: missing.map {
                ScenarioIssue(
                    path: "\(problems.label) line \(table.headerLine)",
                    message: "missing column for the \($0.field) (accepted names: \($0.names.joined(separator: ", ")))")
            })
        }
        var rows: [Row] = []
        for (position, row) in table.rows.enumerated() {
            let line = table.rowLines[position], count = table.rowFieldCounts[position]
            guard count == header.count else {
                problems.add(line: line, "expected \(header.count) fields, got \(count)")
                continue
            }
            let values = trimmed(row)
            rows.append(Row(line: line, values: index.mapValues { values[$0] }))
        }
        return .rows(rows)
    }

    /// The largest trace or length file read: 512 MiB.
    static let maximumBytes = 512 * 1_048_576
    /// The most lines a trace or length file may have: 10 million.
    static let maximumLines = ScenarioMaxima.listEntries

    /// The file's text, or a `ScenarioError` naming why it cannot be read, or that it is larger than
    /// `maximumBytes` or longer than `maximumLines` (checked before any line is split).
    private static func contents(path: String, label: String) throws -> String {
        try checkFile(path: path, label: label)
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw ScenarioError(path: label, "cannot read \(path) as UTF-8 text")
        }
        let lines = data.reduce(into: 1) { count, byte in if byte == 0x0A { count += 1 } }
        guard lines <= maximumLines + 1 else {
            throw ScenarioError(path: label, "\(path) has \(lines) lines, over the limit of \(maximumLines) "
                + "for a trace or length file")
        }
        return text
    }

    /// Refuses a missing file, a directory, or a file larger than `maximumBytes`, before reading it.
    static func checkFile(path: String, label: String) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ScenarioError(path: label, "file not found: \(path)")
        }
        guard !isDirectory.boolValue else { throw ScenarioError(path: label, "\(path) is a directory, not a file") }
        if let size = CSVTable.fileSize(atPath: path), size > Int64(maximumBytes) {
            throw ScenarioError(path: label, "\(path) is \(size) bytes, over the limit of \(maximumBytes) "
                + "bytes (512 MiB) for a trace or length file")
        }
    }

    /// The first line with text, trimmed, without splitting the rest of the file.
    private static func firstNonBlankLine(_ text: String) -> Substring? {
        var rest = text[...]
        while !rest.isEmpty {
            let end = rest.firstIndex(where: isLineBreak) ?? rest.endIndex
            let line = trim(rest[..<end])
            if !line.isEmpty { return line }
            rest = end < rest.endIndex ? rest[rest.index(after: end)...] : ""
        }
        return nil
    }

    /// Non-blank lines, trimmed, with their 1-based line numbers (JSONL and one-value-per-line files).
    private static func nonBlankLines(_ text: String) -> [(line: Int, text: String)] {
        text.split(omittingEmptySubsequences: false, whereSeparator: isLineBreak).enumerated().compactMap { number, line in
            let trimmed = trim(line)
            return trimmed.isEmpty ? nil : (number + 1, String(trimmed))
        }
    }

    /// LF, or CRLF (one `Character` in Swift).
    private static func isLineBreak(_ character: Character) -> Bool { character == "\n" || character == "\r\n" }

    /// CSV fields trimmed of surrounding spaces.
    private static func trimmed(_ fields: [String]) -> [String] {
        fields.map { String(trim($0[...])) }
    }

    /// `text` without leading and trailing spaces, tabs and carriage returns, found on its UTF-8 bytes
    /// (no Foundation, no grapheme breaking: this runs once per field of a file of millions of rows).
    private static func trim(_ text: Substring) -> Substring {
        let bytes = text.utf8
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0D }
        guard let first = bytes.firstIndex(where: { !isSpace($0) }), let last = bytes.lastIndex(where: { !isSpace($0) })
        else { return "" }
        return text[first..<bytes.index(after: last)]
    }

    private static func jsonRows(
        _ lines: [(line: Int, text: String)], required: [TraceColumn], problems: inout LineProblems
    ) -> [Row] {
        lines.compactMap { jsonRow($0.text, line: $0.line, required: required, problems: &problems) }
    }

    /// One JSONL line's fields by column (through `JSONSerialization`), or nil after reporting why
    /// the line is left out.
    static func jsonRow(_ text: String, line: Int, required: [TraceColumn], problems: inout LineProblems) -> Row? {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] else {
            problems.add(line: line, "not a JSON object")
            return nil
        }
        var values: [TraceColumn: String] = [:]
        var keys: [TraceColumn: String] = [:]
        var valid = true
        for (key, value) in object.sorted(by: { $0.key < $1.key }) {
            guard let column = TraceColumn(named: key) else { continue }
            if let earlier = keys[column] {
                problems.add(line: line, "keys '\(earlier)' and '\(key)' both give the \(column.field)")
                valid = false
            }
            keys[column] = key
            switch value {
            case let text as String: values[column] = text
            case let number as NSNumber: values[column] = number.stringValue
            default: values[column] = "\(value)"
            }
        }
        for column in required where values[column] == nil {
            problems.add(line: line, "missing key for the \(column.field) (accepted names: \(column.names.joined(separator: ", ")))")
            valid = false
        }
        return valid ? Row(line: line, values: values) : nil
    }
}
