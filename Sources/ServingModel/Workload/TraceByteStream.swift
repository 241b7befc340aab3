import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A trace file read in fixed-size chunks into one reusable buffer, handed out a record at a time.
///
/// Memory is bounded by the chunk size (1 MiB) and the longest record, not by the file. As each
/// chunk arrives its line breaks are counted and its bytes checked to be UTF-8, so the file-level
/// refusals of a whole-file read (not UTF-8, more than `TraceText.maximumLines` lines) are found
/// as the file streams past; `finish()` reads whatever is left for them before any other problem
/// is reported, so they take precedence exactly as they did.
///
/// ```swift
/// let stream = try TraceByteStream(path: "trace.csv", label: "trace")
/// while let record = try stream.nextRecord(quoted: true) { … stream.bytes[record] … }
/// try stream.finish()
/// ```
final class TraceByteStream {
    /// Bytes read from the file per refill, unless the caller says otherwise.
    static let defaultChunkBytes = 1 << 20

    /// Bytes read from the file per refill.
    let chunkBytes: Int

    let path: String
    let label: String
    private let handle: FileHandle
    /// The buffer; `bytes[start..<end]` is read but not yet handed out.
    private(set) var bytes: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    private var start = 0
    private var end = 0
    private var atEndOfFile = false
    private var validator = UTF8Validator()
    private var lineBreaks = 0
    /// Line breaks in the records handed out so far (and in skipped leading blank lines).
    private(set) var linesConsumed = 0

    /// Opens `path`, refusing a missing file, a directory or a file over `TraceText.maximumBytes`
    /// with the messages of a whole-file read; `chunkBytes` (at least 1) is the size of each read.
    init(path: String, label: String, chunkBytes: Int = defaultChunkBytes) throws {
        try TraceText.checkFile(path: path, label: label)
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw ScenarioError(path: label, "cannot read \(path) as UTF-8 text")
        }
        self.path = path
        self.label = label
        self.handle = handle
        self.chunkBytes = max(1, chunkBytes)
        capacity = self.chunkBytes
        bytes = .allocate(capacity: capacity)
    }

    deinit {
        bytes.deallocate()
        try? handle.close()
    }

    /// The first byte of the file that is not a space, tab, carriage return or line feed, or nil
    /// for a blank file. Whole blank lines before it are consumed (and counted in `linesConsumed`).
    func firstSignificantByte() throws -> UInt8? {
        var index = start
        while true {
            while index < end {
                let byte = bytes[index]
                if byte == 0x0A {
                    linesConsumed += 1
                    start = index + 1
                } else if byte != 0x20 && byte != 0x09 && byte != 0x0D {
                    return byte
                }
                index += 1
            }
            let offset = index - start
            guard try refill() else { return nil }
            index = start + offset
        }
    }

    /// The next record, up to (not including) its line feed, as a range of `bytes` valid until the
    /// next call; nil at the end of the file. With `quoted`, a line feed inside double quotes does
    /// not end the record (CSV); `newlines` gets the line feeds inside the record.
    func nextRecord(quoted: Bool, newlines: inout Int) throws -> Range<Int>? {
        var index = start
        var inQuotes = false
        newlines = 0
        while true {
            // The common case found by memchr: the next line feed, with no quote before it.
            if !inQuotes, index < end, let lineFeed = memchr(bytes + index, 0x0A, end - index) {
                let stop = bytes.distance(to: lineFeed.assumingMemoryBound(to: UInt8.self))
                if !quoted || memchr(bytes + index, 0x22, stop - index) == nil {
                    let record = start..<stop
                    start = stop + 1
                    linesConsumed += newlines + 1
                    return record
                }
            }
            while index < end {
                let byte = bytes[index]
                if byte == 0x0A {
                    if !inQuotes {
                        let record = start..<index
                        start = index + 1
                        linesConsumed += newlines + 1
                        return record
                    }
                    newlines += 1
                } else if quoted && byte == 0x22 {
                    inQuotes.toggle()
                }
                index += 1
            }
            let offset = index - start
            guard try refill() else {
                guard start < end else { return nil }
                let record = start..<end
                start = end
                linesConsumed += newlines
                return record
            }
            index = start + offset
        }
    }

    /// Reads the rest of the file for the file-level checks (UTF-8, line count), throwing the first
    /// that fails. Call before reporting any problem found in the records.
    func finish() throws {
        start = end
        while try refill() { start = end }
    }

    /// Moves the unread bytes to the front (growing the buffer when they fill it), reads the next
    /// chunk behind them and checks it; false at the end of the file.
    private func refill() throws -> Bool {
        guard !atEndOfFile else { return false }
        let unread = end - start
        if start > 0 {
            bytes.update(from: bytes + start, count: unread)
            start = 0
            end = unread
        }
        if capacity - end < chunkBytes {
            // A record longer than the buffer: double it (amortised), keeping room for a chunk.
            let larger = max(2 * capacity, end + chunkBytes)
            let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: larger)
            grown.update(from: bytes, count: end)
            bytes.deallocate()
            bytes = grown
            capacity = larger
        }
        let count = read(handle.fileDescriptor, bytes + end, chunkBytes)
        guard count >= 0 else { throw ScenarioError(path: label, "cannot read \(path) as UTF-8 text") }
        guard count > 0 else {
            atEndOfFile = true
            guard validator.isComplete else { throw ScenarioError(path: label, "cannot read \(path) as UTF-8 text") }
            return false
        }
        let chunk = UnsafeBufferPointer(start: bytes + end, count: count)
        end += count
        guard validator.accept(chunk) else { throw ScenarioError(path: label, "cannot read \(path) as UTF-8 text") }
        for byte in chunk where byte == 0x0A { lineBreaks += 1 }
        if lineBreaks > TraceText.maximumLines { try refuseLength() }
        return true
    }

    /// Counts the rest of the file's lines (still checking UTF-8, which is reported first) and
    /// throws the line limit's refusal.
    private func refuseLength() throws -> Never {
        // The buffer's records are not needed any more: it takes the rest of the file in turn.
        start = 0
        end = 0
        while case let count = read(handle.fileDescriptor, bytes, capacity), count > 0 {
            let chunk = UnsafeBufferPointer(start: bytes, count: count)
            guard validator.accept(chunk) else { throw ScenarioError(path: label, "cannot read \(path) as UTF-8 text") }
            for byte in chunk where byte == 0x0A { lineBreaks += 1 }
        }
        guard validator.isComplete else { throw ScenarioError(path: label, "cannot read \(path) as UTF-8 text") }
        throw ScenarioError(path: label, "\(path) has \(lineBreaks + 1) lines, over the limit of \(TraceText.maximumLines) "
            + "for a trace or length file")
    }
}

/// A streaming UTF-8 check: the bytes given so far, chunk after chunk, are a prefix of valid UTF-8
/// (no overlong forms, surrogates or code points past U+10FFFF), as `String(data:encoding: .utf8)`
/// requires.
struct UTF8Validator {
    /// Continuation bytes still expected by the current sequence.
    private var pending = 0
    /// The allowed range of the next continuation byte (narrower after E0, ED, F0, F4).
    private var low: UInt8 = 0x80
    private var high: UInt8 = 0xBF

    /// True when no sequence is left unfinished.
    var isComplete: Bool { pending == 0 }

    /// Checks the next bytes; false at the first invalid one.
    mutating func accept(_ chunk: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = chunk.baseAddress else { return true }
        var index = 0
        let count = chunk.count
        while index < count {
            if pending == 0 {
                // ASCII eight bytes at a time.
                while index + 8 <= count,
                      UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
                    index += 8
                }
                guard index < count else { break }
            }
            let byte = chunk[index]
            index += 1
            if pending > 0 {
                guard byte >= low && byte <= high else { return false }
                pending -= 1
                low = 0x80
                high = 0xBF
                continue
            }
            switch byte {
            case 0x00...0x7F: break
            case 0xC2...0xDF: pending = 1
            case 0xE0: pending = 2; low = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: pending = 2
            case 0xED: pending = 2; high = 0x9F
            case 0xF0: pending = 3; low = 0x90
            case 0xF1...0xF3: pending = 3
            case 0xF4: pending = 3; high = 0x8F
            default: return false
            }
        }
        return true
    }
}
