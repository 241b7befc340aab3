import Planning

/// A position in a `JSONValue` with the path that led to it, so a report reading a missing or
/// mistyped key fails with that key's path (`plan.stages[2].gpus: missing`).
/// ```
/// let root = JSONCursor(value)
/// let gpus = try root["plan"]["stages"].array().map { try $0["gpus"].number() }
/// let cdf = root["overall"]["ttftSeconds"]["cdf"].optionalArray()   // nil when absent
/// ```
public struct JSONCursor: Sendable {
    public let value: JSONValue?
    public let path: String

    public init(_ value: JSONValue, path: String = "") {
        self.value = value
        self.path = path
    }

    init(value: JSONValue?, path: String) {
        self.value = value
        self.path = path
    }

    public subscript(key: String) -> JSONCursor {
        let next = path.isEmpty ? key : "\(path).\(key)"
        guard case .object(let object)? = value else { return JSONCursor(value: nil, path: next) }
        return JSONCursor(value: object[key], path: next)
    }

    /// Whether the key exists with a non-null value.
    public var isPresent: Bool {
        switch value {
        case nil, .null?: false
        default: true
        }
    }

    /// The elements of an array; throws when missing or not an array.
    public func array() throws(ReportError) -> [JSONCursor] {
        guard case .array(let items)? = value else { throw failure("an array") }
        return items.enumerated().map { JSONCursor(value: $0.element, path: "\(path)[\($0.offset)]") }
    }

    /// The elements of an array, or nil when the key is absent or null.
    public func optionalArray() throws(ReportError) -> [JSONCursor]? {
        guard isPresent else { return nil }
        return try array()
    }

    /// A number; throws when missing, null or not a number.
    public func number() throws(ReportError) -> Double {
        guard case .number(let number)? = value else { throw failure("a number") }
        return number
    }

    /// A number, or nil when absent or null (the contract writes missing and non-finite numbers as null).
    public func optionalNumber() throws(ReportError) -> Double? {
        guard isPresent else { return nil }
        return try number()
    }

    public func string() throws(ReportError) -> String {
        guard case .string(let string)? = value else { throw failure("a string") }
        return string
    }

    public func optionalString() throws(ReportError) -> String? {
        guard isPresent else { return nil }
        return try string()
    }

    public func bool() throws(ReportError) -> Bool {
        guard case .bool(let flag)? = value else { throw failure("true or false") }
        return flag
    }

    /// The keys of an object (sorted), or empty when not an object.
    public var keys: [String] {
        guard case .object(let object)? = value else { return [] }
        return object.keys.sorted()
    }

    func failure(_ expected: String) -> ReportError {
        switch value {
        case nil: .badInput("\(path): missing (expected \(expected))")
        default: .badInput("\(path): expected \(expected)")
        }
    }
}
