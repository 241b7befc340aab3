import Foundation
import Yams

/// A parsed scenario document: YAML or JSON, as a tree of plain values with source lines.
///
/// Keys keep their order so that messages and round trips follow the file.
public indirect enum ConfigValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([ConfigValue])
    case object([(key: String, value: ConfigValue)])

    public static func == (lhs: ConfigValue, rhs: ConfigValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case let (.bool(a), .bool(b)): return a == b
        case let (.number(a), .number(b)): return a == b
        case let (.string(a), .string(b)): return a == b
        case let (.array(a), .array(b)): return a == b
        case let (.object(a), .object(b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        default: return false
        }
    }

    /// A short name of the value's type for error messages ("a number", "a list", ...).
    public var typeName: String {
        switch self {
        case .null: return "null"
        case .bool: return "a boolean"
        case .number: return "a number"
        case .string: return "a string"
        case .array: return "a list"
        case .object: return "a mapping"
        }
    }
}

/// Parses scenario text into `ConfigValue`s.
///
/// Bounded work: a document over `maximumBytes` is refused before it is read, and one nested
/// deeper than `maximumDepth`, holding more than `maximumNodes` values once its aliases are
/// expanded, with a mapping of more than `maximumKeys` keys, or carrying a non-core YAML tag
/// (`!!python/object`, `!local`) is refused before it is composed (`YAMLPrescan`). JSON — a `.json` file, or text that starts with `{"` — is first
/// checked strictly (no trailing commas, no comments), then read like YAML.
public enum ConfigParser {
    /// The largest scenario accepted: 64 MiB.
    public static let maximumBytes = 64 * 1_048_576
    /// The deepest nesting of lists and mappings accepted: 64 levels.
    public static let maximumDepth = 64
    /// The most values (scalars, lists and mappings) a document may hold with its aliases expanded.
    public static let maximumNodes = 1_000_000
    /// The most keys one mapping may have: 10,000 (a list may hold more entries).
    public static let maximumKeys = 10_000

    /// Parses YAML, or JSON when the text starts with `{"` (see the type's notes). Throws a one-line
    /// `ScenarioError` with the line and column of a syntax error, or the duplicated key and the
    /// position of its first occurrence.
    public static func parse(_ text: String) throws -> ConfigValue {
        try parse(text, strictJSON: looksLikeJSON(text))
    }

    /// Parses `text`; with `strictJSON` the text must be valid JSON (RFC 8259) before it is read.
    public static func parse(_ text: String, strictJSON: Bool) throws -> ConfigValue {
        let utf8 = Array(text.utf8)
        guard utf8.count <= maximumBytes else { throw tooLarge(Int64(utf8.count)) }
        try YAMLPrescan.check(utf8)
        if strictJSON { try StrictJSON.check(utf8) }
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw ScenarioError(issues: [ScenarioIssue(path: "", message: describe(error))])
        } catch {
            throw ScenarioError(issues: [ScenarioIssue(path: "", message: "malformed YAML: \(error)")])
        }
        guard let root else { return .null }
        return try convert(root)
    }

    /// Reads and parses a file; a missing, unreadable or oversized file is a `ScenarioError`. A file
    /// named `*.json` is checked as strict JSON.
    public static func parseFile(at path: String) throws -> ConfigValue {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ScenarioError(issues: [ScenarioIssue(path: "", message: "file not found: \(path)")])
        }
        guard !isDirectory.boolValue else {
            throw ScenarioError(issues: [ScenarioIssue(path: "", message: "\(path) is a directory, not a scenario file")])
        }
        if let size = CSVTable.fileSize(atPath: path), size > Int64(maximumBytes) { throw tooLarge(size) }
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw ScenarioError(issues: [ScenarioIssue(path: "", message: "cannot read \(path) as UTF-8 text")])
        }
        return try parse(text, strictJSON: path.lowercased().hasSuffix(".json") || looksLikeJSON(text))
    }

    private static func tooLarge(_ bytes: Int64) -> ScenarioError {
        ScenarioError(path: "", "the file is \(bytes) bytes, over the limit of \(maximumBytes) bytes (64 MiB) for a scenario")
    }

    /// True when the first characters are `{"` or `{}` (spaces and a byte-order mark skipped): JSON,
    /// not a YAML flow mapping, whose keys are rarely quoted.
    static func looksLikeJSON(_ text: String) -> Bool {
        var characters = text.unicodeScalars.lazy.filter { !$0.properties.isWhitespace && $0 != "\u{FEFF}" }.makeIterator()
        guard characters.next() == "{" else { return false }
        let next = characters.next()
        return next == "\"" || next == "}"
    }

    private static func convert(_ node: Node) throws -> ConfigValue {
        switch node {
        case let .scalar(scalar):
            if scalar.tag.rawValue == Tag.Name.str.rawValue { return .string(scalar.string) }
            if scalar.style == .plain || scalar.style == .any {
                if node.null != nil { return .null }
                if let bool = node.bool { return .bool(bool) }
                if let int = node.int { return .number(Double(int)) }
                if let float = node.float { return .number(float) }
            }
            return .string(scalar.string)
        case let .sequence(sequence):
            return .array(try sequence.map(convert))
        case let .mapping(mapping):
            // Yams has already rejected duplicated keys (YamlError.duplicatedKeysInMapping).
            return .object(try mapping.map { keyNode, valueNode in
                let key = keyNode.string ?? "\(keyNode)"
                return (key, try convert(valueNode))
            })
        case .alias:
            // Yams.compose replaces every alias by the node it names; a bare alias node cannot come back.
            throw ScenarioError(path: "", "malformed YAML: an alias that does not name an anchor")
        }
    }

    /// libyaml's messages, reduced to one line with the position.
    private static func describe(_ error: YamlError) -> String {
        switch error {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _),
             let .composer(context, problem, mark, _):
            let during = context.map { " \($0.text)" } ?? ""
            return "malformed YAML at line \(mark.line), column \(mark.column): \(problem)\(during)"
        case let .reader(problem, _, _, _):
            return "malformed YAML: \(problem)"
        case let .duplicatedKeysInMapping(duplicates, context):
            let keys = duplicates.sorted().map { "'\($0)'" }.joined(separator: ", ")
            return "duplicate key \(keys) (first at line \(context.mark.line), column \(context.mark.column))"
        default:
            return "malformed YAML: \(error)"
        }
    }
}
