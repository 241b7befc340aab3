import Foundation

/// One measured engine iteration.
public struct IterationSample: Sendable, Hashable {
    /// Wall-clock seconds of the iteration.
    public var seconds: Double
    /// Prompt tokens processed in it (0 for a decode-only, "solo", iteration).
    public var prefillTokens: Int
    /// Decode streams in it (0 when the measurements do not record them).
    public var decodeStreams: Int

    /// Creates a sample.
    public init(seconds: Double, prefillTokens: Int, decodeStreams: Int = 0) {
        self.seconds = seconds
        self.prefillTokens = prefillTokens
        self.decodeStreams = decodeStreams
    }
}

/// Reads measured iteration times from a CSV file with a header line:
/// ```
/// seconds,prefill_tokens,decode_streams
/// 0.03329,256,12
/// 0.02197,0,16
/// ```
/// Columns (names are case-insensitive, in any order):
/// - the time, exactly one of `seconds`, `iteration_seconds` (both seconds) or `ms`
///   (milliseconds); required, > 0;
/// - `prefill_tokens`: prompt tokens in the iteration, 0 for a decode-only one; required, an
///   integer ≥ 0;
/// - `decode_streams`: decode streams in the iteration; optional, an integer ≥ 0 (0 when absent).
///
/// Other columns are ignored. Blank lines are skipped. Fields are separated by commas (quoted
/// fields allowed). Every problem names its line: `line 7: seconds must be > 0, got -1`.
public enum IterationTimeCSV {
    /// Accepted names of the time column, with how many of its units make a second.
    public static let timeColumns: [(name: String, unitsPerSecond: Double)] = [
        ("seconds", 1), ("iteration_seconds", 1), ("ms", 1000),
    ]

    /// The most data rows a measurements file may have: 10 million.
    public static let maximumRows = ScenarioMaxima.listEntries

    /// Reads and parses a file (at most 512 MiB and `maximumRows` rows).
    public static func read(path: String) throws(CalibrationError) -> [IterationSample] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else {
            throw CalibrationError("file not found: \(path)")
        }
        if let size = CSVTable.fileSize(atPath: path), size > Int64(CSVTable.maximumFileBytes) {
            throw CalibrationError("\(path) is \(size) bytes, over the limit of \(CSVTable.maximumFileBytes) bytes (512 MiB)")
        }
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw CalibrationError("cannot read \(path) as UTF-8 text")
        }
        return try parse(text)
    }

    /// Parses CSV text (`CSVTable`: quotes, CRLF and a byte-order mark are understood; fields are
    /// trimmed of spaces).
    public static func parse(_ text: String) throws(CalibrationError) -> [IterationSample] {
        let table = CSVTable(text: text)
        guard table.headerLine > 0 else {
            throw CalibrationError("the file is empty; expected a header line with "
                + timeColumnList + " and prefill_tokens")
        }
        guard table.rows.count <= maximumRows else {
            throw CalibrationError("\(table.rows.count) data rows, over the limit of \(maximumRows) measured iterations")
        }
        let header = try Header(fields: trimmed(table.header), line: table.headerLine)
        var samples: [IterationSample] = []
        for (index, row) in table.rows.enumerated() {
            let fields = trimmed(Array(row.prefix(table.rowFieldCounts[index])))
            samples.append(try header.sample(from: fields, line: table.rowLines[index]))
        }
        if samples.isEmpty { throw CalibrationError("no data rows after the header (line \(table.headerLine))") }
        return samples
    }

    /// "seconds, iteration_seconds or ms".
    static var timeColumnList: String {
        let names = timeColumns.map(\.name)
        return names.dropLast().joined(separator: ", ") + " or " + names.last!
    }

    private static func trimmed(_ fields: [String]) -> [String] {
        fields.map { $0.trimmingCharacters(in: .whitespaces) }
    }

    /// Where each column is.
    private struct Header {
        var count: Int
        var time: (index: Int, name: String, unitsPerSecond: Double)
        var prefill: Int
        var decodes: Int?

        init(fields: [String], line: Int) throws(CalibrationError) {
            let names = fields.map { $0.lowercased() }
            var seen = Set<String>()
            for name in names where !name.isEmpty {
                if !seen.insert(name).inserted { throw CalibrationError("line \(line): duplicate column '\(name)'") }
            }
            let times = IterationTimeCSV.timeColumns.filter { names.contains($0.name) }
            guard let timeColumn = times.first else {
                throw CalibrationError("line \(line): missing time column; expected one of "
                    + IterationTimeCSV.timeColumnList + Self.hint(for: "seconds", in: names))
            }
            if times.count > 1 {
                throw CalibrationError("line \(line): columns " + times.map { "'\($0.name)'" }.joined(separator: " and ")
                    + " both give the time; keep one")
            }
            guard let prefill = names.firstIndex(of: "prefill_tokens") else {
                throw CalibrationError("line \(line): missing column 'prefill_tokens'" + Self.hint(for: "prefill_tokens", in: names))
            }
            count = fields.count
            time = (names.firstIndex(of: timeColumn.name)!, timeColumn.name, timeColumn.unitsPerSecond)
            self.prefill = prefill
            decodes = names.firstIndex(of: "decode_streams")
        }

        /// A did-you-mean hint among the header's columns.
        static func hint(for name: String, in names: [String]) -> String {
            NameSuggestion.hint(for: name, in: names.filter { !$0.isEmpty })
        }

        func sample(from fields: [String], line: Int) throws(CalibrationError) -> IterationSample {
            guard fields.count == count else {
                throw CalibrationError("line \(line): expected \(count) fields like the header, got \(fields.count)")
            }
            let raw = fields[time.index]
            guard let value = Double(raw) else {
                throw CalibrationError("line \(line): \(time.name) must be a number, got '\(raw)'")
            }
            guard value.isFinite else {
                throw CalibrationError("line \(line): \(time.name) must be a finite number, got \(raw)")
            }
            guard value > 0 else { throw CalibrationError("line \(line): \(time.name) must be > 0, got \(raw)") }
            let seconds = value / time.unitsPerSecond
            guard seconds <= FittedIterationLaw.maximumSeconds else {
                throw CalibrationError("line \(line): an iteration must take at most "
                    + "\(ConfigNode.format(FittedIterationLaw.maximumSeconds)) seconds, got \(raw) \(time.name)")
            }
            let prefillTokens = try Self.count(fields[prefill], column: "prefill_tokens", line: line)
            let decodeStreams = try decodes.map { index throws(CalibrationError) in
                try Self.count(fields[index], column: "decode_streams", line: line)
            } ?? 0
            if decodes != nil && prefillTokens == 0 && decodeStreams == 0 {
                throw CalibrationError("line \(line): empty iteration: prefill_tokens and decode_streams are both 0")
            }
            return IterationSample(seconds: seconds, prefillTokens: prefillTokens, decodeStreams: decodeStreams)
        }

        private static func count(_ raw: String, column: String, line: Int) throws(CalibrationError) -> Int {
            // "256.0" is accepted: some tools write every number as a float.
            guard let value = Double(raw) else {
                throw CalibrationError("line \(line): \(column) must be an integer >= 0, got '\(raw)'")
            }
            guard value >= 0, value == value.rounded() else {
                throw CalibrationError("line \(line): \(column) must be an integer >= 0, got \(raw)")
            }
            guard value <= Double(ScenarioMaxima.tokens) else {
                throw CalibrationError("line \(line): \(column) must be <= \(ScenarioMaxima.tokens), got \(raw)")
            }
            return Int(value)
        }
    }
}
