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
public enum ConfigParser {
    /// Parses YAML (JSON is valid YAML flow syntax and goes the same way). Throws a one-line
    /// `ScenarioError` with the line and column of a syntax error, or the duplicated key and the
    /// position of its first occurrence.
    public static func parse(_ text: String) throws -> ConfigValue {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw ScenarioError(issues: [ScenarioIssue(path: "", message: describe(error))])
        } catch {
            throw ScenarioError(issues: [ScenarioIssue(path: "", message: "malformed YAML: \(error)")])
        }
        guard let root else { return .null }
        return convert(root)
    }

    /// Reads and parses a file; a missing or unreadable file is a `ScenarioError`.
    public static func parseFile(at path: String) throws -> ConfigValue {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ScenarioError(issues: [ScenarioIssue(path: "", message: "file not found: \(path)")])
        }
        guard !isDirectory.boolValue else {
            throw ScenarioError(issues: [ScenarioIssue(path: "", message: "\(path) is a directory, not a scenario file")])
        }
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw ScenarioError(issues: [ScenarioIssue(path: "", message: "cannot read \(path) as UTF-8 text")])
        }
        return try parse(text)
    }

    private static func convert(_ node: Node) -> ConfigValue {
        switch node {
        case let .scalar(scalar):
            if scalar.style == .plain || scalar.style == .any {
                if node.null != nil { return .null }
                if let bool = node.bool { return .bool(bool) }
                if let int = node.int { return .number(Double(int)) }
                if let float = node.float { return .number(float) }
            }
            return .string(scalar.string)
        case let .sequence(sequence):
            return .array(sequence.map(convert))
        case let .mapping(mapping):
            // Yams has already rejected duplicated keys (YamlError.duplicatedKeysInMapping).
            return .object(mapping.map { keyNode, valueNode in
                let key = keyNode.string ?? "\(keyNode)"
                return (key, convert(valueNode))
            })
        case .alias:
            return .null
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
