import Foundation
import Testing

@testable import ServingModel
import GPUSchedTestSupport

// The streaming trace reader: the requests it reads against the values a generator wrote, whatever
// the chunk size; its number parser against Double(String); its UTF-8 check against the standard
// library's; and the whole-file reader's refusals kept.

/// A generated request with the text it was written as.
private struct WrittenRow {
    var arrival: Double
    var prompt: Int
    var output: Int
    var className: String
}

/// Rows with arrival times in whole microseconds, written with six decimals (so the text's value
/// is `microseconds / 10⁶` exactly as Double(String) reads it), lengths 1–5000, and three classes,
/// one holding a comma and one a double quote.
private func generatedRows(_ count: Int, seed: UInt64) -> [(row: WrittenRow, time: String)] {
    var random = SeededRandom(seed: seed)
    var microseconds = 0
    let classes = ["chat", "code, long", "say \"hi\""]
    return (0..<count).map { _ in
        microseconds += random.integer(in: 0...2_000_000)
        let time = "\(microseconds / 1_000_000)." + String(String(1_000_000 + microseconds % 1_000_000).dropFirst())
        let row = WrittenRow(
            arrival: Double(time) ?? .nan, prompt: random.integer(in: 1...5000), output: random.integer(in: 1...5000),
            className: classes[random.integer(in: 0...2)])
        return (row, time)
    }
}

/// The requests the rows stand for, classes numbered in order of first appearance.
private func expectedRequests(_ rows: [WrittenRow]) -> (requests: [Request], classNames: [String]) {
    var names: [String] = []
    let requests = rows.enumerated().map { index, row in
        if !names.contains(row.className) { names.append(row.className) }
        return Request(
            id: index, classIndex: names.firstIndex(of: row.className) ?? -1, arrivalTime: row.arrival,
            promptTokens: row.prompt, outputTokens: row.output)
    }
    return (requests, names)
}

/// CSV quoting: a field with a comma or quote goes in quotes, its quotes doubled.
private func csvField(_ text: String) -> String {
    text.contains(",") || text.contains("\"") ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
}

@Suite struct TraceReaderTests {
    /// Chunk sizes from one byte (every record straddles reads) to the default.
    static let chunkSizes = [1, 7, 64, 4096, TraceByteStream.defaultChunkBytes]

    /// A CSV with a byte-order mark, CRLF line ends, blank lines, spaces around fields, an unknown
    /// column and quoted class names reads back the generated values at every chunk size.
    @Test(arguments: chunkSizes) func csvReadsTheWrittenValues(chunkBytes: Int) throws {
        let rows = generatedRows(500, seed: 3)
        var text = "\u{FEFF}\r\n Arrived_At , extra,num_prefill_tokens,num_decode_tokens, class\r\n"
        for (index, (row, time)) in rows.enumerated() {
            text += " \(time),x\(index), \(row.prompt),\(row.output) ,\(csvField(row.className))\r\n"
            if index % 97 == 0 { text += "\r\n  \t\n" }
        }
        let path = try TemporaryFiles.file(named: "trace.csv", text)
        var names: [String] = []
        let requests = try TraceReader.requests(path: path, classNames: &names, label: "trace", chunkBytes: chunkBytes)
        let expected = expectedRequests(rows.map(\.row))
        #expect(requests == expected.requests)
        #expect(names == expected.classNames)
    }

    /// JSONL with numbers, numbers in strings, an unknown nested key and a class with an escape
    /// (the last two through JSONSerialization) reads back the generated values at every chunk size.
    @Test(arguments: chunkSizes) func jsonlReadsTheWrittenValues(chunkBytes: Int) throws {
        let rows = generatedRows(400, seed: 5).map { row, time -> (row: WrittenRow, time: String) in
            (WrittenRow(arrival: row.arrival, prompt: row.prompt, output: row.output, className: row.className == "chat" ? "chat" : "code"), time)
        }
        var text = "\n"
        for (index, (row, time)) in rows.enumerated() {
            switch index % 4 {
            case 0: text += "{\"arrival\": \(time), \"prompt\": \(row.prompt), \"output\": \(row.output), \"class\": \"\(row.className)\"}\n"
            case 1: text += "  {\"arrivalTime\":\"\(time)\",\"promptTokens\":\"\(row.prompt)\",\"outputTokens\":\(row.output),\"class\":\"\(row.className)\",\"ok\":true}\r\n"
            case 2: text += "{\"num_decode_tokens\": \(row.output), \"meta\": {\"a\": [1, 2]}, \"num_prefill_tokens\": \(row.prompt), \"arrived_at\": \(time), \"class\": \"\(row.className)\"}\n"
            default:
                let escaped = row.className == "chat" ? "ch\\u0061t" : "co\\u0064e"
                text += "{\"arrival\": \(time), \"prompt\": \(row.prompt), \"output\": \(row.output), \"class\": \"\(escaped)\"}\n\n"
            }
        }
        let path = try TemporaryFiles.file(named: "trace.jsonl", text)
        var names: [String] = []
        let requests = try TraceReader.requests(path: path, classNames: &names, label: "trace", chunkBytes: chunkBytes)
        let expected = expectedRequests(rows.map(\.row))
        #expect(requests == expected.requests)
        #expect(names == expected.classNames)
    }

    /// Plain decimals are read to the same bits as Double(String) (Clinger's fast path is exact);
    /// what the fast path does not take (too many digits, large exponents, other spellings) is nil
    /// and falls back to Double(String).
    @Test func plainDecimalsMatchTheStandardLibraryBitForBit() {
        var random = SeededRandom(seed: 11)
        func parse(_ text: String) -> Double? {
            let bytes = Array(text.utf8)
            return bytes.withUnsafeBufferPointer { buffer in
                buffer.baseAddress.flatMap { TraceNumber.plainDecimal($0, 0..<buffer.count) }
            }
        }
        for _ in 0..<20_000 {
            let significand = random.integer(in: 0...(1 << 53))
            let digits = String(significand)
            let point = random.integer(in: 0...digits.count)
            var text = point == digits.count ? digits : String(digits.prefix(max(point, 1))) + "." + String(digits.dropFirst(max(point, 1)))
            if text.hasSuffix(".") { text.removeLast() }
            if random.integer(in: 0...3) == 0 { text += "e\(random.integer(in: -10...10))" }
            if random.integer(in: 0...1) == 0 { text = "-" + text }
            guard let fast = parse(text) else { continue }
            #expect(fast.bitPattern == Double(text)?.bitPattern, "\(text)")
        }
        #expect(parse("0.1") == 0.1 && parse("1e22") == 1e22 && parse("123.456e-3") == 0.123456)
        for fallback in ["", "-", ".5", "5.", "+5", "1e", "1e400", "0x10", "inf", "nan", "1 ", "12345678901234567890", "1e23"] {
            #expect(parse(fallback) == nil, "\(fallback)")
        }
        #expect(TraceNumber("1e999") == .text("1e999"))
        #expect(TraceNumber(".5") == .value(0.5))
    }

    /// The streaming UTF-8 check agrees with the standard library's on random byte strings cut into
    /// random chunks (mostly ASCII with multi-byte sequences, valid and broken, mixed in).
    @Test func utf8CheckAgreesWithTheStandardLibrary() {
        var random = SeededRandom(seed: 13)
        let pieces: [[UInt8]] = [
            Array("é".utf8), Array("€".utf8), Array("𝄞".utf8), [0xC0, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80],
            [0xE2, 0x82], [0x80], [0xFF], [0xF0, 0x9F, 0x98, 0x80], [0xE0, 0x9F, 0x80],
        ]
        var disagreements = 0
        var invalid = 0
        for _ in 0..<3_000 {
            var bytes: [UInt8] = []
            for _ in 0..<random.integer(in: 0...40) {
                if random.integer(in: 0...9) < 7 {
                    bytes += Array(repeating: UInt8(random.integer(in: 0x20...0x7E)), count: random.integer(in: 1...12))
                } else {
                    bytes += pieces[random.integer(in: 0...(pieces.count - 1))]
                }
            }
            let reference = String(validating: bytes, as: UTF8.self) != nil
            var validator = UTF8Validator()
            var valid = true
            var start = 0
            while start < bytes.count && valid {
                let end = min(bytes.count, start + random.integer(in: 1...9))
                valid = bytes[start..<end].withUnsafeBufferPointer { validator.accept($0) }
                start = end
            }
            valid = valid && validator.isComplete
            if valid != reference { disagreements += 1 }
            if !reference { invalid += 1 }
        }
        #expect(disagreements == 0)
        #expect(invalid > 500)  // both kinds were tried
    }

    /// Problems with a line's shape are listed before problems with values, as when the file was
    /// split whole and then checked: line 3's field count comes before line 2's time.
    @Test func shapeProblemsComeBeforeValueProblems() throws {
        let path = try TemporaryFiles.file(named: "trace.csv", "arrival,prompt,output\n-1,5,5\n1,2\n2,x,3\n")
        var names: [String] = []
        #expect(scenarioIssues { _ = try TraceWorkload.load(path: path, classNames: &names) } == [
            "trace line 3: expected 3 fields, got 2",
            "trace line 2: arrival time -1 is negative",
            "trace line 4: prompt tokens 'x' is not a number",
        ])
    }

    /// A file that is not UTF-8 is refused as a whole, before its bad rows are reported, even when
    /// the bad byte comes after them and several chunks into the file.
    @Test func notUTF8IsReportedBeforeRowProblems() throws {
        var data = Data("arrival,prompt,output\n-1,5,5\n".utf8)
        data += Data(repeating: UInt8(ascii: "\n"), count: 5000)
        data += Data([0x31, 0x2C, 0xFF, 0x2C, 0x31, 0x0A])
        let path = TemporaryFiles.path(prefix: "gpusched-latin1", extension: "csv")
        try data.write(to: URL(fileURLWithPath: path))
        var names: [String] = []
        #expect(scenarioIssues { _ = try TraceReader.requests(path: path, classNames: &names, label: "trace", chunkBytes: 64) } == [
            "trace: cannot read \(path) as UTF-8 text",
        ])
    }

    /// The line limit is a refusal of the whole file, with its full line count, as before.
    @Test func tooManyLinesAreCountedAndRefused() throws {
        let long = URL(fileURLWithPath: TemporaryFiles.path(prefix: "gpusched-trace-lines", extension: "csv"))
        var data = Data("arrival,prompt,output\n0,1,1\n".utf8)
        data += Data(repeating: 0x0A, count: ScenarioMaxima.listEntries)
        try data.write(to: long)
        var names: [String] = []
        #expect(scenarioIssues { _ = try TraceWorkload.load(path: long.path, classNames: &names) } == [
            "trace: \(long.path) has 10000003 lines, over the limit of 10000000 for a trace or length file",
        ])
    }

    /// A record longer than the buffer (a quoted class name with line breaks) grows the buffer and
    /// keeps its line numbers: the next row's problem names its true line.
    @Test func longQuotedRecordsSpanReads() throws {
        let name = String(repeating: "ab\ncd", count: 300)
        let text = "arrival,prompt,output,class\n0,1,1,\"\(name)\"\n1,0,1,x\n"
        let path = try TemporaryFiles.file(named: "trace.csv", text)
        var names: [String] = []
        #expect(scenarioIssues { _ = try TraceReader.requests(path: path, classNames: &names, label: "trace", chunkBytes: 16) } == [
            "trace line 303: prompt tokens must be >= 1, got 0",
        ])
        let good = try TemporaryFiles.file(named: "trace.csv", "arrival,prompt,output,class\n0,1,1,\"\(name)\"\n")
        _ = try TraceReader.requests(path: good, classNames: &names, label: "trace", chunkBytes: 16)
        #expect(names == [name])
    }
}
