import Foundation

/// A comma-separated table read whole into memory: a header row and data rows of text fields.
///
/// Follows RFC 4180 where measured-data files need it: fields may be quoted with `"`, a quoted
/// field may hold commas, line breaks and doubled quotes (`""`); lines may end in LF or CRLF; a
/// UTF-8 byte-order mark is skipped; blank lines are ignored. Rows shorter than the header are
/// padded with empty fields, so a column lookup never fails on a ragged row.
public struct CSVTable: Sendable {
    /// Column names from the first row, as written.
    public let header: [String]
    /// Data rows; each has at least `header.count` fields.
    public let rows: [[String]]
    /// The 1-based line of the file where each data row starts (blank lines and line breaks inside
    /// quoted fields counted), for error messages.
    public let rowLines: [Int]
    /// Fields each data row had as written, before padding to the header's width.
    public let rowFieldCounts: [Int]
    /// The 1-based line of the header (0 for an empty file).
    public let headerLine: Int

    /// Parses `text`; the first non-blank row is the header. Blank lines (nothing or only spaces
    /// and tabs) are skipped.
    public init(text: String) {
        var records = CSVTable.records(Array(text.utf8))
        let first = records.isEmpty ? nil : records.removeFirst()
        header = first?.fields ?? []
        headerLine = first?.line ?? 0
        let width = header.count
        rows = records.map { $0.fields.count >= width ? $0.fields : $0.fields + Array(repeating: "", count: width - $0.fields.count) }
        rowLines = records.map(\.line)
        rowFieldCounts = records.map(\.fields.count)
    }

    /// The largest file `init(contentsOfFile:)` reads: 512 MiB.
    public static let maximumFileBytes = 512 * 1_048_576

    /// Reads and parses the file at `path`, refusing one over `maximumFileBytes` before reading it.
    public init(contentsOfFile path: String) throws(CSVError) {
        if let size = Self.fileSize(atPath: path), size > Int64(Self.maximumFileBytes) {
            throw CSVError.tooLarge(path, bytes: size, limit: Self.maximumFileBytes)
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CSVError.unreadable(path)
        }
        self.init(text: String(decoding: data, as: UTF8.self))
    }

    /// Size in bytes of the file at `path`, or nil when it cannot be found; readers check it before
    /// reading a file whole.
    static func fileSize(atPath path: String) -> Int64? {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.int64Value
    }

    /// Index of the column named `name`, or an error naming the file's columns.
    public func column(_ name: String) throws(CSVError) -> Int {
        guard let index = header.firstIndex(of: name) else {
            throw CSVError.missingColumn(name, available: header)
        }
        return index
    }

    /// Splits bytes into records of fields with a small state machine (quotes, CRLF, BOM).
    private static func records(_ bytes: [UInt8]) -> [(fields: [String], line: Int)] {
        let quote = UInt8(ascii: "\""), comma = UInt8(ascii: ","), newline = UInt8(ascii: "\n")
        let carriageReturn = UInt8(ascii: "\r")
        var start = 0
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { start = 3 }
        var records: [(fields: [String], line: Int)] = []
        var record: [String] = []
        var field: [UInt8] = []
        var inQuotes = false
        var index = start
        var line = 1, recordLine = 1
        func endRecord() {
            record.append(String(decoding: field, as: UTF8.self))
            field.removeAll(keepingCapacity: true)
            if !(record.count == 1 && record[0].allSatisfy({ $0 == " " || $0 == "\t" })) { records.append((record, recordLine)) }
            record = []
        }
        while index < bytes.count {
            let byte = bytes[index]
            if inQuotes {
                if byte == quote {
                    if index + 1 < bytes.count && bytes[index + 1] == quote {
                        field.append(quote)
                        index += 1
                    } else {
                        inQuotes = false
                    }
                } else {
                    field.append(byte)
                    if byte == newline { line += 1 }
                }
            } else if byte == quote {
                inQuotes = true
            } else if byte == comma {
                record.append(String(decoding: field, as: UTF8.self))
                field.removeAll(keepingCapacity: true)
            } else if byte == newline {
                endRecord()
                line += 1
                recordLine = line
            } else if byte != carriageReturn {
                field.append(byte)
            }
            index += 1
        }
        if !field.isEmpty || !record.isEmpty { endRecord() }
        return records
    }
}

/// Why a CSV table could not be read or used.
public enum CSVError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file does not exist or cannot be read.
    case unreadable(String)
    /// A required column is absent.
    case missingColumn(String, available: [String])
    /// A field that must be a number is not.
    case notANumber(column: String, value: String)
    /// The file is larger than the reader accepts.
    case tooLarge(String, bytes: Int64, limit: Int)

    public var description: String {
        switch self {
        case let .unreadable(path):
            return "cannot read CSV file '\(path)'"
        case let .missingColumn(name, available):
            return "CSV column '\(name)' not found; columns are: " + available.joined(separator: ", ")
        case let .notANumber(column, value):
            return "CSV column '\(column)' holds '\(value)', which is not a number"
        case let .tooLarge(path, bytes, limit):
            return "CSV file '\(path)' is \(bytes) bytes, over the limit of \(limit) bytes"
        }
    }
}
