import Foundation
import Testing

@testable import ServingModel
import GPUSchedTestSupport

/// The whole-file trace reader as it was before streaming (commit 73ae3ed): `TraceText.read` (still
/// the length files' reader) splits the file, then each row is checked. The reference the streaming
/// reader must agree with, message for message.
private enum WholeFileTraceReader {
    static func load(path: String, classNames: inout [String]) throws -> [Request] {
        var problems = LineProblems(label: "trace")
        let content = try TraceText.read(path: path, required: [.arrival, .prompt, .output], allowPlain: false, problems: &problems)
        guard case let .rows(rows) = content else { throw ScenarioError(path: "trace", "expected a trace with columns: \(path)") }
        var names = classNames
        var requests: [Request] = []
        var previous: Double?
        for row in rows {
            let time = arrivalTime(row, after: previous, problems: &problems)
            previous = time ?? previous
            let prompt = problems.tokens(row.values[.prompt, default: ""], TraceColumn.prompt.field, line: row.line)
            let output = problems.tokens(row.values[.output, default: ""], TraceColumn.output.field, line: row.line)
            var className = "trace"
            if let given = row.values[.requestClass] {
                guard !given.isEmpty else {
                    problems.add(line: row.line, "class must not be empty")
                    continue
                }
                className = given
            }
            guard let time, let prompt, let output else { continue }
            let classIndex = names.firstIndex(of: className) ?? names.count
            if classIndex == names.count { names.append(className) }
            requests.append(Request(
                id: requests.count, classIndex: classIndex, arrivalTime: time, promptTokens: prompt, outputTokens: output))
        }
        try problems.throwIfAny()
        guard !requests.isEmpty else { throw ScenarioError(path: "trace", "the trace has no requests: \(path)") }
        classNames = names
        return requests
    }

    private static func arrivalTime(_ row: TraceText.Row, after previous: Double?, problems: inout LineProblems) -> Double? {
        let text = row.values[.arrival, default: ""]
        guard let time = Double(text), time.isFinite else {
            problems.add(line: row.line, "arrival time '\(text)' is not a number")
            return nil
        }
        guard time >= 0 else {
            problems.add(line: row.line, "arrival time \(ConfigNode.format(time)) is negative")
            return nil
        }
        guard time <= ScenarioMaxima.seconds else {
            problems.add(line: row.line, "arrival time must be <= \(ConfigNode.format(ScenarioMaxima.seconds)) seconds, "
                + "got \(ConfigNode.format(time))")
            return nil
        }
        if let previous, time < previous {
            problems.add(line: row.line, "arrival time \(ConfigNode.format(time)) is before the previous \(ConfigNode.format(previous))")
            return nil
        }
        return time
    }
}

/// What a reader made of a file: its requests and classes, or its issues.
private enum Outcome: Equatable {
    case requests([Request], [String])
    case issues([String])

    init(_ body: (inout [String]) throws -> [Request]) {
        var names = ["known"]
        do {
            let requests = try body(&names)
            self = .requests(requests, names)
        } catch let error as ScenarioError {
            self = .issues(error.issues.map(\.description))
        } catch {
            self = .issues(["\(error)"])
        }
    }
}

/// The streaming reader against the whole-file one on random traces, good and bad: the same
/// requests and classes, or the same issues in the same order, at several chunk sizes.
@Suite struct TraceReaderDifferentialTests {
    /// A random field: mostly the row's time, sometimes spaces, quotes, other spellings or junk. In a
    /// clean file the time is a whole number of seconds from 1, every field a spelling of it (so
    /// times ascend and token counts are valid).
    private static func field(_ random: inout SeededRandom, time: Double, clean: Bool) -> String {
        if clean {
            let whole = String(Int(time))
            return [whole, " \(whole) ", "\"\(whole)\"", "\(whole)\r", "\t\(whole)"][random.integer(in: 0...4)]
        }
        switch random.integer(in: 0...24) {
        case 0: return ""
        case 1: return "abc"
        case 2: return "-1"
        case 3: return "0"
        case 4: return "1.5"
        case 5: return " \(random.integer(in: 1...900)) "
        case 6: return "\"\(random.integer(in: 1...900))\""
        case 7: return "1e3"
        case 8: return "20000000"
        case 9: return "inf"
        case 10: return ".5"
        case 11: return "\(random.integer(in: 1...900))\r"
        default: return String(format: "%.3f", time)
        }
    }

    private static func csv(_ random: inout SeededRandom) -> String {
        let headers = [
            "arrival,prompt,output", "arrived_at,num_prefill_tokens,num_decode_tokens,class", "Time,class,ARRIVAL,output,prompt",
            "arrival,prompt", "arrival,arrivalTime,prompt,output", "\"arrival\",prompt,output",
        ]
        let header = headers[random.integer(in: 0...(headers.count - 1))]
        let columns = header.split(separator: ",").count
        var text = random.integer(in: 0...4) == 0 ? "\n \n" : ""
        text += header + (random.integer(in: 0...1) == 0 ? "\r\n" : "\n")
        // A third of the files have only good rows (plain, spaced, quoted or CR-ended numbers).
        let clean = random.integer(in: 0...2) == 0
        var time = clean ? 1.0 : 0.0
        for _ in 0..<random.integer(in: 0...25) {
            time += clean ? Double(random.integer(in: 0...3)) : Double(random.integer(in: 0...2000)) / 1000 - (random.integer(in: 0...9) == 0 ? 3 : 0)
            let count = !clean && random.integer(in: 0...12) == 0 ? columns + random.integer(in: -1...1) : columns
            var fields = (0..<max(1, count)).map { _ in field(&random, time: time, clean: clean) }
            if header.contains("class"), random.integer(in: 0...3) != 0, let position = header.split(separator: ",").firstIndex(of: "class") {
                let names = clean ? ["chat", "\"a,b\"", " code "] : ["chat", "", "\"a,b\"", " code "]
                if position < fields.count { fields[position] = names[random.integer(in: 0...(names.count - 1))] }
            }
            text += fields.joined(separator: ",") + (random.integer(in: 0...5) == 0 ? "\r\n\n" : "\n")
        }
        return text
    }

    private static func jsonl(_ random: inout SeededRandom) -> String {
        var text = ""
        var time = 0.0
        for _ in 0..<random.integer(in: 1...20) {
            time += Double(random.integer(in: 0...2000)) / 1000
            let t = String(format: "%.3f", time), p = random.integer(in: 1...900), o = random.integer(in: 1...900)
            let lines = [
                "{\"arrival\": \(t), \"prompt\": \(p), \"output\": \(o)}",
                "{\"arrivalTime\": \"\(t)\", \"promptTokens\": \(p), \"outputTokens\": \"\(o)\", \"class\": \"chat\"}",
                "{\"arrival\": \(t), \"arrived_at\": \(t), \"prompt\": \(p), \"output\": \(o)}",
                "{\"arrival\": \(t), \"prompt\": \(p)}",
                "[1, 2, 3]",
                "{\"arrival\": \(t), \"prompt\": 1.5, \"output\": 0, \"class\": \"\"}",
                "{\"arrival\": -0, \"prompt\": \(p), \"output\": \(o), \"extra\": {\"k\": [true, null]}}",
                "{\"arrival\": \(t), \"prompt\": \(p), \"output\": \(o), \"class\": \"c\\u0068at\"}",
                "{\"arrival\": \(t), \"prompt\": \(p), \"output\": \(o), \"class\": 7}",
                "{\"arrival\": \(t), \"prompt\": \"12 \", \"output\": 1e2, \"ok\": false}",
                "{\"arrival\": 1e400, \"prompt\": \(p), \"output\": \(o)}",
                "{\"arrival\": \(t), \"prompt\": 0012, \"output\": \(o)}",
                "  ",
            ]
            text += lines[random.integer(in: 0...(lines.count - 1))] + (random.integer(in: 0...3) == 0 ? "\r\n" : "\n")
        }
        return text
    }

    @Test(arguments: [false, true]) func randomTracesReadAsTheWholeFileReaderReadThem(jsonl: Bool) throws {
        var random = SeededRandom(seed: jsonl ? 21 : 17)
        var kinds: Set<String> = []
        for _ in 0..<300 {
            let text = jsonl ? Self.jsonl(&random) : Self.csv(&random)
            let path = try TemporaryFiles.file(named: jsonl ? "trace.jsonl" : "trace.csv", text)
            let reference = Outcome { try WholeFileTraceReader.load(path: path, classNames: &$0) }
            for chunkBytes in [3, TraceByteStream.defaultChunkBytes] {
                let streamed = Outcome { try TraceReader.requests(path: path, classNames: &$0, label: "trace", chunkBytes: chunkBytes) }
                #expect(streamed == reference, "\(text.debugDescription)")
            }
            if case .requests = reference { kinds.insert("requests") } else { kinds.insert("issues") }
        }
        #expect(kinds == ["requests", "issues"])  // both outcomes were exercised
    }
}
