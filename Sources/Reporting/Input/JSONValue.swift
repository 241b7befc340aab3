import Foundation

/// A parsed JSON document, kept as values (objects keep their keys; numbers are Doubles; null is
/// `.null`), read by reports through `JSONCursor` so every missing key is named by its path.
/// ```
/// let value = try JSONValue.parse(Data(#"{"kind":"simulate"}"#.utf8))
/// ```
public enum JSONValue: Sendable, Hashable {
    case object([String: JSONValue])
    case array([JSONValue])
    case number(Double)
    case string(String)
    case bool(Bool)
    case null

    /// Parses `data`; throws `ReportError` when it is not JSON (malformed or truncated).
    public static func parse(_ data: Data) throws(ReportError) -> JSONValue {
        do {
            return try JSONDecoder().decode(JSONValue.self, from: data)
        } catch {
            throw .badInput("not valid JSON (malformed or truncated)")
        }
    }
}

extension JSONValue: Decodable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let flag = try? container.decode(Bool.self) {
            self = .bool(flag)
        } else if let number = try? container.decode(Double.self) {
            self = .number(number)
        } else if let string = try? container.decode(String.self) {
            self = .string(string)
        } else if let items = try? container.decode([JSONValue].self) {
            self = .array(items)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }
}
