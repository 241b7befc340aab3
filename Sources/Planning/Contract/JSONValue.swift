/// A JSON document as values, for reading fields whose types must be checked (a boolean is not a
/// number, a missing key is not null): the router's cascade judge reads answers with it, reports
/// read `--json` outputs with it.
/// ```
/// let value = try JSONDecoder().decode(JSONValue.self, from: Data(#"{"score": 0.8}"#.utf8))
/// if case .object(let fields) = value, case .number(let score)? = fields["score"] { … }
/// ```
public enum JSONValue: Decodable, Sendable, Hashable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let flag = try? container.decode(Bool.self) {
            self = .bool(flag)
        } else if let number = try? container.decode(Double.self) {
            self = .number(number)
        } else if let text = try? container.decode(String.self) {
            self = .string(text)
        } else if let items = try? container.decode([JSONValue].self) {
            self = .array(items)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }
}
