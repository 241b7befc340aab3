import Foundation
import PropertyBased
import ServingModel
import Testing
import GPUSchedTestSupport

/// Every example scenario, mutated at random (a value's type, sign or magnitude changed, a key deleted
/// or duplicated), must either run or be refused as bad input: exit 0, or exit 2 with every stderr
/// line an `error:` line and one naming a key path or a line of the file. Never a trap or a signal,
/// never past the time bound, never past the memory bound (the run is killed above it).
///
/// Shrinking is off: a failing case is reported as it was drawn, with the example, the mutation and
/// the command in the message, and the seed to repeat it.
@Suite(.serialized) struct MutatedExampleTests {
    /// Seconds one run may take (a debug build; the readers answer in well under a second).
    static let timeLimit: TimeInterval = 60
    /// Virtual memory one run may map, in KiB (ulimit -v): 8 GiB. A refused allocation ends the
    /// process with a signal, which fails the test.
    static let memoryLimitKiB = 8 * 1024 * 1024

    @Test(.shrinking(false)) func mutatedExamplesRunOrExitTwoNamingAKeyPath() async throws {
        let examples = try MutatedExampleTests.exampleFiles()
        try #require(examples.count >= 20, "examples found: \(examples.count)")
        await propertyCheck(count: 80, input: Gen.int(in: 0...(examples.count - 1)), Gen.int(in: 0...1_000_000)) { index, seed in
            let example = examples[index]
            let document = try ConfigParser.parseFile(at: example.path)
            var mutator = ScenarioMutator(seed: UInt64(seed))
            let (mutated, description) = mutator.mutate(ScenarioMutator.absolutisingPaths(document, directory: example.directory))
            let file = URL(fileURLWithPath: TemporaryFiles.path(prefix: "gpusched-mutated", extension: "json"))
            try JSONText.render(mutated, duplicating: description.duplicatedKey).write(to: file, atomically: true, encoding: .utf8)
            defer { try? FileManager.default.removeItem(at: file) }
            for arguments in MutatedExampleTests.commands(kind: example.kind, file: file.path) {
                let run = try BoundedRun.start(arguments, timeLimit: Self.timeLimit, memoryLimitKiB: Self.memoryLimitKiB)
                let context = "\(example.name) with \(description.text): gpusched \(arguments.joined(separator: " "))"
                #expect(!run.timedOut, "ran past \(Self.timeLimit) s: \(context)")
                #expect(run.exitedNormally, "ended by signal \(run.status): \(context)\n\(run.stderr.suffix(500))")
                #expect(run.status == 0 || run.status == 2, "exit \(run.status): \(context)\n\(run.stderr.suffix(500))")
                if run.exitedNormally && run.status == 2 {
                    let lines = run.stderr.split(separator: "\n").map(String.init)
                    #expect(!lines.isEmpty, "exit 2 without a message: \(context)")
                    #expect(lines.allSatisfy { $0.hasPrefix("error: ") || $0.hasPrefix("warning: ") },
                            "a line without 'error: ': \(context)\n\(run.stderr.prefix(500))")
                    #expect(lines.contains(where: Self.namesAPlace), "no line names a key path or line: \(context)\n\(run.stderr.prefix(500))")
                }
            }
        }
    }

    /// `error: classes[1].arrivalRate: …`, `error: kind: …`, or a message with a line number.
    static func namesAPlace(_ line: String) -> Bool {
        guard line.hasPrefix("error: ") else { return false }
        let message = line.dropFirst("error: ".count)
        if message.range(of: #"^[A-Za-z_][A-Za-z0-9_-]*(\[\d+\])*(\.[A-Za-z0-9_-]+(\[\d+\])*)*: "#, options: .regularExpression) != nil {
            return true
        }
        return message.range(of: #"line \d+"#, options: .regularExpression) != nil
    }

    struct Example: Sendable {
        var name: String
        var path: String
        var directory: String
        var kind: String
    }

    /// The repository's `examples/**/*.yaml`, found from the package root.
    static func exampleFiles() throws -> [Example] {
        let root = Repository.examples
        guard let enumerator = FileManager.default.enumerator(atPath: root.path) else { return [] }
        var examples: [Example] = []
        for case let relative as String in enumerator where relative.hasSuffix(".yaml") {
            let url = root.appendingPathComponent(relative)
            guard case let .object(entries) = try ConfigParser.parseFile(at: url.path),
                  case let .string(kind)? = entries.first(where: { $0.key == "kind" })?.value else { continue }
            examples.append(Example(name: relative, path: url.path, directory: url.deletingLastPathComponent().path, kind: kind))
        }
        return examples.sorted { $0.name < $1.name }
    }

    /// What runs on a mutated file: `validate` always, and the kind's own verb where it is quick under a
    /// tight work limit (the planners that solve MILPs for many seconds are covered by `validate`).
    static func commands(kind: String, file: String) -> [[String]] {
        var commands = [["validate", file]]
        switch kind {
        case "catalog": commands.append(["catalog", "models", "--scenario", file])
        case "simulate": commands.append(["simulate", file, "--max-requests", "5000"])
        case "gate-route": commands.append(["plan", "gate-route", file, "--no-evaluate"])
        default: break
        }
        return commands
    }
}

/// One random change to a scenario document, reproducible from its seed.
struct ScenarioMutator {
    struct Description {
        var text: String
        /// A key to write twice in the JSON text (a duplicated key).
        var duplicatedKey: (path: [PathStep], key: String)?
    }

    enum PathStep: Equatable {
        case key(String)
        case index(Int)
    }

    private var state: UInt64

    init(seed: UInt64) { state = seed &* 0x9E37_79B9_7F4A_7C15 | 1 }

    private mutating func next(_ bound: Int) -> Int {
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        return Int(state % UInt64(max(1, bound)))
    }

    /// Replaces each string naming an existing file next to the example with its absolute path, so
    /// the mutated copy can live in a temporary folder.
    static func absolutisingPaths(_ value: ConfigValue, directory: String) -> ConfigValue {
        switch value {
        case let .string(text) where text.contains("/") || text.hasSuffix(".csv") || text.hasSuffix(".json"):
            let candidate = URL(fileURLWithPath: directory).appendingPathComponent(text).standardizedFileURL.path
            return FileManager.default.fileExists(atPath: candidate) ? .string(candidate) : value
        case let .array(items): return .array(items.map { absolutisingPaths($0, directory: directory) })
        case let .object(entries): return .object(entries.map { ($0.key, absolutisingPaths($0.value, directory: directory)) })
        default: return value
        }
    }

    /// Every node's path, the root first.
    private static func paths(of value: ConfigValue, prefix: [PathStep] = []) -> [[PathStep]] {
        var result = [prefix]
        switch value {
        case let .array(items):
            for (index, item) in items.enumerated() { result += paths(of: item, prefix: prefix + [.index(index)]) }
        case let .object(entries):
            for entry in entries { result += paths(of: entry.value, prefix: prefix + [.key(entry.key)]) }
        default: break
        }
        return result
    }

    mutating func mutate(_ document: ConfigValue) -> (ConfigValue, Description) {
        let candidates = Self.paths(of: document).filter { !$0.isEmpty && $0 != [.key("kind")] }
        guard !candidates.isEmpty else { return (document, Description(text: "no change")) }
        let path = candidates[next(candidates.count)]
        let label = Self.label(path)
        let original = Self.value(at: path, in: document)
        let replacements: [(ConfigValue?, String)] = [
            (.string("x"), "a string"), (.bool(true), "true"), (.array([]), "an empty list"),
            (.object([]), "an empty mapping"), (.null, "null"), (.number(-1), "-1"), (.number(0), "0"),
            (.number(1e15), "1e15"), (.number(1e300), "1e300"), (.number(0.5), "0.5"),
            (Self.scaled(original, by: -1), "its negative"), (Self.scaled(original, by: 1e6), "× 1e6"),
            (Self.scaled(original, by: 1e12), "× 1e12"), (Self.scaled(original, by: 1e-9), "× 1e-9"),
            (.number(9.3e18), "above Int.max"),
        ]
        switch next(4) {
        case 0:
            return (Self.removing(path, from: document), Description(text: "\(label) deleted"))
        case 1:
            if case let .key(key)? = path.last {
                return (document, Description(text: "\(label) duplicated", duplicatedKey: (Array(path.dropLast()), key)))
            }
            fallthrough
        default:
            let usable = replacements.compactMap { value, text in value.map { ($0, text) } }
            let (replacement, text) = usable[next(usable.count)]
            return (Self.replacing(path, in: document, with: replacement), Description(text: "\(label) set to \(text)"))
        }
    }

    private static func label(_ path: [PathStep]) -> String {
        path.reduce("") { text, step in
            switch step {
            case let .key(key): return text.isEmpty ? key : "\(text).\(key)"
            case let .index(index): return "\(text)[\(index)]"
            }
        }
    }

    private static func scaled(_ value: ConfigValue, by factor: Double) -> ConfigValue? {
        switch value {
        case let .number(number): return .number(number * factor)
        case let .string(text):
            guard let number = Double(text) else { return nil }
            return .number(number * factor)
        default: return nil
        }
    }

    static func value(at path: [PathStep], in value: ConfigValue) -> ConfigValue {
        guard let step = path.first else { return value }
        switch (step, value) {
        case let (.key(key), .object(entries)):
            return entries.first { $0.key == key }.map { Self.value(at: Array(path.dropFirst()), in: $0.value) } ?? .null
        case let (.index(index), .array(items)) where items.indices.contains(index):
            return Self.value(at: Array(path.dropFirst()), in: items[index])
        default: return .null
        }
    }

    private static func replacing(_ path: [PathStep], in value: ConfigValue, with replacement: ConfigValue?) -> ConfigValue {
        guard let step = path.first else { return replacement ?? .null }
        let rest = Array(path.dropFirst())
        switch (step, value) {
        case let (.key(key), .object(entries)):
            if rest.isEmpty && replacement == nil { return .object(entries.filter { $0.key != key }) }
            return .object(entries.map { $0.key == key ? ($0.key, replacing(rest, in: $0.value, with: replacement)) : $0 })
        case let (.index(index), .array(items)) where items.indices.contains(index):
            var copy = items
            if rest.isEmpty && replacement == nil {
                copy.remove(at: index)
            } else {
                copy[index] = replacing(rest, in: items[index], with: replacement)
            }
            return .array(copy)
        default: return value
        }
    }

    private static func removing(_ path: [PathStep], from value: ConfigValue) -> ConfigValue {
        replacing(path, in: value, with: nil)
    }
}

/// A `ConfigValue` written as JSON text, optionally with one key written twice.
enum JSONText {
    static func render(_ value: ConfigValue, duplicating duplicate: (path: [ScenarioMutator.PathStep], key: String)? = nil) -> String {
        render(value, at: [], duplicate: duplicate)
    }

    private static func render(_ value: ConfigValue, at path: [ScenarioMutator.PathStep],
                               duplicate: (path: [ScenarioMutator.PathStep], key: String)?) -> String {
        switch value {
        case .null: return "null"
        case let .bool(flag): return flag ? "true" : "false"
        case let .number(number):
            guard number.isFinite else { return number > 0 ? "1e308" : "-1e308" }
            return number == number.rounded() && abs(number) < 1e15 ? String(Int(number)) : "\(number)"
        case let .string(text): return quote(text)
        case let .array(items):
            let parts = items.enumerated().map { render($1, at: path + [.index($0)], duplicate: duplicate) }
            return "[" + parts.joined(separator: ", ") + "]"
        case let .object(entries):
            var parts: [String] = []
            for entry in entries {
                let text = quote(entry.key) + ": " + render(entry.value, at: path + [.key(entry.key)], duplicate: duplicate)
                parts.append(text)
                if let duplicate, duplicate.path == path, duplicate.key == entry.key { parts.append(text) }
            }
            return "{" + parts.joined(separator: ", ") + "}"
        }
    }

    private static func quote(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 { out += String(format: "\\u%04x", scalar.value) } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out + "\""
    }
}

/// A `gpusched` run with a wall-clock and a memory bound; output goes to files (no pipe can fill).
struct BoundedRun {
    var status: Int32
    var exitedNormally: Bool
    var timedOut: Bool
    var stderr: String

    static func start(_ arguments: [String], timeLimit: TimeInterval, memoryLimitKiB: Int) throws -> BoundedRun {
        let folder = try TemporaryFiles.directory(prefix: "gpusched-run")
        defer { try? FileManager.default.removeItem(at: folder) }
        let outURL = folder.appendingPathComponent("stdout"), errURL = folder.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-c", "ulimit -v \(memoryLimitKiB); exec \"$0\" \"$@\"", CLIRunner.executable.path] + arguments
        process.standardOutput = try FileHandle(forWritingTo: outURL)
        process.standardError = try FileHandle(forWritingTo: errURL)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(timeLimit)
        var timedOut = false
        while process.isRunning {
            if Date() > deadline {
                timedOut = true
                process.terminate()
                kill(process.processIdentifier, SIGKILL)
                break
            }
            Thread.sleep(forTimeInterval: 0.02)
        }
        process.waitUntilExit()
        let stderr = String(decoding: (try? Data(contentsOf: errURL)) ?? Data(), as: UTF8.self)
        return BoundedRun(
            status: process.terminationStatus, exitedNormally: process.terminationReason == .exit,
            timedOut: timedOut, stderr: stderr)
    }
}
