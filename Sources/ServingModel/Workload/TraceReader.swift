/// The streaming trace reader behind `TraceWorkload.load`: a `TraceByteStream` hands out one record
/// at a time from a fixed-size buffer, fields are found and numbers parsed on the bytes in place
/// (`TraceNumber`), and `TraceRequestBuilder` checks each row as it passes. No `String` is made per
/// row unless a field needs one (quotes, a class name not seen on the previous row, a value that is
/// not a plain decimal, a problem to report), and no line is kept once read.
///
/// The file's format and checks are `TraceText`'s: JSONL when the first non-blank character is `{`
/// (one object per line; lines the byte-level reader does not follow, such as escapes, nested
/// values or errors, go through `JSONSerialization` exactly as before), CSV otherwise (RFC 4180
/// quotes, CRLF, a byte-order mark, blank lines skipped, fields trimmed of spaces and tabs).
///
/// ```swift
/// var classNames: [String] = []
/// let requests = try TraceReader.requests(path: "trace.csv", classNames: &classNames, label: "trace")
/// ```
enum TraceReader {
    /// The columns a trace must have.
    static let required: [TraceColumn] = [.arrival, .prompt, .output]

    /// The requests of the trace at `path` (see `TraceWorkload.load` for the rules and messages),
    /// read `chunkBytes` at a time.
    static func requests(
        path: String, classNames: inout [String], label: String, chunkBytes: Int = TraceByteStream.defaultChunkBytes
    ) throws -> [Request] {
        let stream = try TraceByteStream(path: path, label: label, chunkBytes: chunkBytes)
        var builder = TraceRequestBuilder(label: label, classNames: classNames)
        guard let first = try stream.firstSignificantByte() else {
            throw ScenarioError(path: label, "the file is empty: \(path)")
        }
        if first == UInt8(ascii: "{") {
            try readJSONLines(stream, into: &builder)
        } else {
            try readCSV(stream, into: &builder)
        }
        try stream.finish()
        try builder.throwIfAny()
        guard !builder.requests.isEmpty else { throw ScenarioError(path: label, "the trace has no requests: \(path)") }
        classNames = builder.names
        return builder.requests
    }

    // MARK: CSV

    private static func readCSV(_ stream: TraceByteStream, into builder: inout TraceRequestBuilder) throws {
        let fields = CSVFields()
        var newlines = 0
        var header: [String] = []
        var headerLine = 0
        var line = stream.linesConsumed + 1
        while let record = try stream.nextRecord(quoted: true, newlines: &newlines) {
            defer { line = stream.linesConsumed + 1 }
            fields.split(stream.bytes, record, skippingByteOrderMark: line == 1)
            if fields.isBlank(stream.bytes) { continue }
            header = (0..<fields.count).map { fields.text(stream.bytes, $0) }
            headerLine = line
            break
        }
        var index: [TraceColumn: Int] = [:]
        for (position, name) in header.enumerated() {
            guard let column = TraceColumn(named: name) else { continue }
            if let earlier = index[column] {
                try stream.finish()
                throw ScenarioError(
                    path: "\(builder.structure.label) line \(headerLine)",
                    "columns '\(header[earlier])' and '\(name)' both give the \(column.field)")
            }
            index[column] = position
        }
        let missing = required.filter { index[$0] == nil }
        guard missing.isEmpty, let arrival = index[.arrival], let prompt = index[.prompt], let output = index[.output] else {
            try stream.finish()
            throw ScenarioError(issues: missing.map {
                ScenarioIssue(
                    path: "\(builder.structure.label) line \(headerLine)",
                    message: "missing column for the \($0.field) (accepted names: \($0.names.joined(separator: ", ")))")
            })
        }
        let requestClass = index[.requestClass]
        var classNames = ClassNameCache()
        line = stream.linesConsumed + 1
        while let record = try stream.nextRecord(quoted: true, newlines: &newlines) {
            defer { line = stream.linesConsumed + 1 }
            let bytes = stream.bytes
            fields.split(bytes, record, skippingByteOrderMark: false)
            if fields.isBlank(bytes) { continue }
            guard fields.count == header.count else {
                builder.structure.add(line: line, "expected \(header.count) fields, got \(fields.count)")
                continue
            }
            builder.add(
                line: line, arrival: fields.number(bytes, arrival), prompt: fields.number(bytes, prompt),
                output: fields.number(bytes, output),
                className: requestClass.map { fields.isPlain($0) ? classNames.name(bytes, fields.trimmed(bytes, $0)) : fields.text(bytes, $0) })
        }
    }

    // MARK: JSONL

    private static func readJSONLines(_ stream: TraceByteStream, into builder: inout TraceRequestBuilder) throws {
        var newlines = 0
        var line = stream.linesConsumed + 1
        var classNames = ClassNameCache()
        while let record = try stream.nextRecord(quoted: false, newlines: &newlines) {
            defer { line = stream.linesConsumed + 1 }
            let bytes = UnsafePointer(stream.bytes)
            let trimmed = trim(bytes, record, carriageReturn: true)
            guard !trimmed.isEmpty else { continue }
            if let row = FlatJSONRow(bytes, trimmed, classNames: &classNames) {
                builder.add(line: line, arrival: row.arrival, prompt: row.prompt, output: row.output, className: row.className)
                continue
            }
            let text = String(decoding: UnsafeBufferPointer(start: bytes + trimmed.lowerBound, count: trimmed.count), as: UTF8.self)
            guard let row = TraceText.jsonRow(text, line: line, required: required, problems: &builder.structure) else { continue }
            builder.add(
                line: line, arrival: TraceNumber(row.values[.arrival, default: ""]),
                prompt: TraceNumber(row.values[.prompt, default: ""]), output: TraceNumber(row.values[.output, default: ""]),
                className: row.values[.requestClass])
        }
    }

    /// `range` without leading and trailing spaces and tabs (and carriage returns when asked).
    static func trim(_ bytes: UnsafePointer<UInt8>, _ range: Range<Int>, carriageReturn: Bool) -> Range<Int> {
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || (carriageReturn && byte == 0x0D) }
        var low = range.lowerBound, high = range.upperBound
        while low < high && isSpace(bytes[low]) { low += 1 }
        while high > low && isSpace(bytes[high - 1]) { high -= 1 }
        return low..<high
    }
}

/// The class name of the previous row, reused while the next row's bytes are the same, so a run of
/// rows of one class makes one `String`.
struct ClassNameCache {
    private var bytes: [UInt8] = []
    private var name = ""

    /// The text of `pointer[range]`.
    mutating func name(_ pointer: UnsafePointer<UInt8>, _ range: Range<Int>) -> String {
        let field = UnsafeBufferPointer(start: pointer + range.lowerBound, count: range.count)
        if field.elementsEqual(bytes) { return name }
        bytes = Array(field)
        name = String(decoding: field, as: UTF8.self)
        return name
    }
}

/// The fields of one CSV record: where each lies in the buffer, and whether it holds a quote or a
/// carriage return (then its text is rebuilt as the whole-file reader did: quotes removed, `""`
/// read as `"`, carriage returns outside quotes dropped). Kept in storage of its own, reused from
/// record to record (no allocation per row).
final class CSVFields {
    private var starts: UnsafeMutablePointer<Int>
    private var ends: UnsafeMutablePointer<Int>
    private var marked: UnsafeMutablePointer<Bool>
    private var capacity = 16
    private(set) var count = 0

    init() {
        starts = .allocate(capacity: capacity)
        ends = .allocate(capacity: capacity)
        marked = .allocate(capacity: capacity)
    }

    deinit {
        starts.deallocate()
        ends.deallocate()
        marked.deallocate()
    }

    /// Where field `index` lies in the buffer.
    private func range(_ index: Int) -> Range<Int> { starts[index]..<ends[index] }

    /// Records field `count`.
    private func append(_ start: Int, _ end: Int, _ special: Bool) {
        if count == capacity {
            let larger = 2 * capacity
            let newStarts = UnsafeMutablePointer<Int>.allocate(capacity: larger)
            let newEnds = UnsafeMutablePointer<Int>.allocate(capacity: larger)
            let newMarked = UnsafeMutablePointer<Bool>.allocate(capacity: larger)
            newStarts.update(from: starts, count: count)
            newEnds.update(from: ends, count: count)
            newMarked.update(from: marked, count: count)
            starts.deallocate()
            ends.deallocate()
            marked.deallocate()
            (starts, ends, marked, capacity) = (newStarts, newEnds, newMarked, larger)
        }
        starts[count] = start
        ends[count] = end
        marked[count] = special
        count += 1
    }

    /// Splits `record` at commas outside quotes.
    func split(_ bytes: UnsafeMutablePointer<UInt8>, _ record: Range<Int>, skippingByteOrderMark: Bool) {
        count = 0
        var start = record.lowerBound
        if skippingByteOrderMark && record.count >= 3 && bytes[start] == 0xEF && bytes[start + 1] == 0xBB && bytes[start + 2] == 0xBF {
            start += 3
        }
        var inQuotes = false
        var special = false
        var index = start
        while index < record.upperBound {
            let byte = bytes[index]
            if byte == 0x2C {
                if !inQuotes {
                    append(start, index, special)
                    start = index + 1
                    special = false
                }
            } else if byte == 0x22 {
                inQuotes.toggle()
                special = true
            } else if byte == 0x0D {
                special = true
            }
            index += 1
        }
        append(start, record.upperBound, special)
    }

    /// True when field `index` has neither quotes nor carriage returns: its bytes are its text.
    func isPlain(_ index: Int) -> Bool { !marked[index] }

    /// A blank record: one field of nothing but spaces and tabs.
    func isBlank(_ bytes: UnsafeMutablePointer<UInt8>) -> Bool {
        guard count == 1 else { return false }
        let field = marked[0] ? unescaped(bytes, 0) : Array(UnsafeBufferPointer(start: bytes + range(0).lowerBound, count: range(0).count))
        return field.allSatisfy { $0 == 0x20 || $0 == 0x09 }
    }

    /// A plain field's range without surrounding spaces and tabs.
    func trimmed(_ bytes: UnsafeMutablePointer<UInt8>, _ index: Int) -> Range<Int> {
        TraceReader.trim(bytes, range(index), carriageReturn: false)
    }

    /// Field `index` as text, trimmed of spaces, tabs and carriage returns.
    func text(_ bytes: UnsafeMutablePointer<UInt8>, _ index: Int) -> String {
        let field = marked[index] ? unescaped(bytes, index) : Array(UnsafeBufferPointer(start: bytes + range(index).lowerBound, count: range(index).count))
        return field.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return "" }
            let kept = TraceReader.trim(base, 0..<buffer.count, carriageReturn: true)
            return String(decoding: UnsafeBufferPointer(rebasing: buffer[kept]), as: UTF8.self)
        }
    }

    /// Field `index` read as a number.
    func number(_ bytes: UnsafeMutablePointer<UInt8>, _ index: Int) -> TraceNumber {
        marked[index] ? TraceNumber(text(bytes, index)) : TraceNumber(UnsafePointer(bytes), trimmed(bytes, index))
    }

    /// A marked field's bytes with its quotes resolved and carriage returns outside quotes dropped.
    private func unescaped(_ bytes: UnsafeMutablePointer<UInt8>, _ index: Int) -> [UInt8] {
        var result: [UInt8] = []
        var inQuotes = false
        var position = range(index).lowerBound
        let end = range(index).upperBound
        while position < end {
            let byte = bytes[position]
            if inQuotes {
                if byte == 0x22 {
                    if position + 1 < end && bytes[position + 1] == 0x22 {
                        result.append(0x22)
                        position += 1
                    } else {
                        inQuotes = false
                    }
                } else {
                    result.append(byte)
                }
            } else if byte == 0x22 {
                inQuotes = true
            } else if byte != 0x0D {
                result.append(byte)
            }
            position += 1
        }
        return result
    }
}
