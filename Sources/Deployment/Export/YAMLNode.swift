/// A YAML value, written in block style by `render()`: what the Kubernetes exporter builds its
/// manifests from. Strings are always double-quoted (JSON escapes are valid YAML), so a value such
/// as `"1"`, `"on"` or `"0.9"` stays a string; `literal` writes a multi-line string as a `|` block.
/// ```
/// let node = YAMLNode.map([YAMLEntry("kind", .string("Service")), YAMLEntry("spec", .map([YAMLEntry("replicas", .int(2))]))])
/// print(node.render())   // kind: "Service"\nspec:\n  replicas: 2\n
/// ```
public indirect enum YAMLNode: Sendable, Hashable {
    case string(String)
    /// A multi-line string kept verbatim as a literal block (`|`).
    case literal(String)
    case int(Int)
    /// A finite number, written as JSON writes it (`50`, `12.5`); a whole number without a fraction.
    case number(Double)
    case bool(Bool)
    /// Keys in the order given.
    case map([YAMLEntry])
    case list([YAMLNode])

    /// The node as a block-style YAML document body (ends with a newline).
    public func render() -> String {
        lines(indent: 0).joined(separator: "\n") + "\n"
    }

    private var isCollection: Bool {
        switch self {
        case .map(let entries): !entries.isEmpty
        case .list(let items): !items.isEmpty
        default: false
        }
    }

    /// The inline form of a scalar or an empty collection.
    private var inline: String {
        switch self {
        case .string(let text): Self.quoted(text)
        case .literal(let text): Self.quoted(text)
        case .int(let value): String(value)
        case .number(let value): value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : "\(value)"
        case .bool(let value): value ? "true" : "false"
        case .map: "{}"
        case .list: "[]"
        }
    }

    private func lines(indent: Int) -> [String] {
        let pad = String(repeating: " ", count: indent)
        switch self {
        case .map(let entries) where !entries.isEmpty:
            return entries.flatMap { entry -> [String] in
                let key = pad + Self.key(entry.key) + ":"
                if case .literal(let text) = entry.value, text.contains("\n") {
                    let body = text.hasSuffix("\n") ? String(text.dropLast()) : text
                    let marker = text.hasSuffix("\n") ? " |" : " |-"
                    return [key + marker] + body.split(separator: "\n", omittingEmptySubsequences: false).map {
                        $0.isEmpty ? "" : pad + "  " + $0
                    }
                }
                return entry.value.isCollection ? [key] + entry.value.lines(indent: indent + 2) : [key + " " + entry.value.inline]
            }
        case .list(let items) where !items.isEmpty:
            return items.flatMap { item -> [String] in
                guard item.isCollection else { return [pad + "- " + item.inline] }
                var nested = item.lines(indent: indent + 2)
                nested[0] = pad + "- " + nested[0].dropFirst(indent + 2)
                return nested
            }
        default:
            return [pad + inline]
        }
    }

    /// A key plain where YAML reads it back as the same string, quoted otherwise.
    private static func key(_ text: String) -> String {
        let plain = text.unicodeScalars.allSatisfy { scalar in
            (("0"..."9").contains(scalar) || ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar)
                || ".-_/".unicodeScalars.contains(scalar))
        }
        let first = text.unicodeScalars.first
        let startsWell = first.map { ("a"..."z").contains($0) || ("A"..."Z").contains($0) } ?? false
        let reserved = ["true", "false", "yes", "no", "on", "off", "null", "y", "n"].contains(text.lowercased())
        return plain && startsWell && !reserved ? text : quoted(text)
    }

    /// A YAML double-quoted scalar (the JSON escapes).
    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}

/// One key and value of a `YAMLNode.map`.
public struct YAMLEntry: Sendable, Hashable {
    public var key: String
    public var value: YAMLNode

    public init(_ key: String, _ value: YAMLNode) {
        self.key = key
        self.value = value
    }
}
