/// A syntax check of JSON text against RFC 8259, with the line and column of the first problem:
/// what a YAML parser (and Foundation's JSON reader) would let through — a trailing comma, a comment,
/// a single-quoted string, an unquoted key — is an error here.
///
/// Only the syntax is checked; the text is then read like YAML (`ConfigParser`). Nesting is bounded
/// by the caller (`YAMLPrescan` runs first), so the recursion is shallow.
struct StrictJSON {
    private let bytes: [UInt8]
    private var index = 0

    /// Throws `ScenarioError` "malformed JSON at line L, column C: …" at the first problem.
    static func check(_ utf8: [UInt8]) throws(ScenarioError) {
        var checker = StrictJSON(bytes: utf8)
        if checker.bytes.starts(with: [0xEF, 0xBB, 0xBF]) { checker.index = 3 }
        try checker.value()
        checker.skipSpace()
        if checker.index < checker.bytes.count { throw checker.failure("unexpected text after the JSON value") }
    }

    private init(bytes: [UInt8]) { self.bytes = bytes }

    private var current: UInt8? { index < bytes.count ? bytes[index] : nil }

    private mutating func skipSpace() {
        while let byte = current, byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D { index += 1 }
    }

    private mutating func value() throws(ScenarioError) {
        skipSpace()
        guard let byte = current else { throw failure("expected a value, got the end of the file") }
        switch byte {
        case UInt8(ascii: "{"): try container(close: UInt8(ascii: "}"), keyed: true)
        case UInt8(ascii: "["): try container(close: UInt8(ascii: "]"), keyed: false)
        case UInt8(ascii: "\""): try string()
        case UInt8(ascii: "t"): try literal("true")
        case UInt8(ascii: "f"): try literal("false")
        case UInt8(ascii: "n"): try literal("null")
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try number()
        default: throw failure("expected a value, got '\(Character(Unicode.Scalar(byte)))'")
        }
    }

    /// An object or array after its opening bracket: members separated by commas, none trailing.
    private mutating func container(close: UInt8, keyed: Bool) throws(ScenarioError) {
        index += 1
        skipSpace()
        if current == close {
            index += 1
            return
        }
        while true {
            if keyed {
                skipSpace()
                guard current == UInt8(ascii: "\"") else {
                    throw failure(current == close ? "trailing comma before '}'" : "expected a key in double quotes")
                }
                try string()
                skipSpace()
                guard current == UInt8(ascii: ":") else { throw failure("expected ':' after the key") }
                index += 1
            } else {
                skipSpace()
                if current == close { throw failure("trailing comma before ']'") }
            }
            try value()
            skipSpace()
            switch current {
            case UInt8(ascii: ","): index += 1
            case close:
                index += 1
                return
            default:
                throw failure("expected ',' or '\(Character(Unicode.Scalar(close)))'")
            }
        }
    }

    private mutating func string() throws(ScenarioError) {
        index += 1
        while let byte = current {
            switch byte {
            case UInt8(ascii: "\""):
                index += 1
                return
            case UInt8(ascii: "\\"):
                index += 1
                guard let escaped = current else { break }
                if escaped == UInt8(ascii: "u") {
                    let digits = bytes[(index + 1)..<min(index + 5, bytes.count)]
                    guard digits.count == 4, digits.allSatisfy(Self.isHex) else {
                        throw failure("\\u must be followed by four hexadecimal digits")
                    }
                    index += 5
                } else {
                    guard Array("\"\\/bfnrt".utf8).contains(escaped) else { throw failure("invalid escape in a string") }
                    index += 1
                }
            case 0..<0x20:
                throw failure("control character in a string (write it escaped)")
            default:
                index += 1
            }
        }
        throw failure("unterminated string")
    }

    private mutating func number() throws(ScenarioError) {
        func digits() -> Int {
            let start = index
            while let byte = current, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) { index += 1 }
            return index - start
        }
        if current == UInt8(ascii: "-") { index += 1 }
        if current == UInt8(ascii: "0") {
            index += 1
        } else if digits() == 0 {
            throw failure("expected a digit")
        }
        if current == UInt8(ascii: ".") {
            index += 1
            if digits() == 0 { throw failure("expected a digit after '.'") }
        }
        if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
            index += 1
            if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { index += 1 }
            if digits() == 0 { throw failure("expected a digit in the exponent") }
        }
    }

    private mutating func literal(_ word: String) throws(ScenarioError) {
        let expected = Array(word.utf8)
        guard bytes[index..<min(index + expected.count, bytes.count)].elementsEqual(expected) else {
            throw failure("expected a value (true, false, null, a number, a string, an object or an array)")
        }
        index += expected.count
    }

    private static func isHex(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
            || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(byte)
    }

    /// The error at the current position: 1-based line and column (in bytes).
    private func failure(_ problem: String) -> ScenarioError {
        let upTo = bytes[..<min(index, bytes.count)]
        let line = upTo.reduce(1) { $0 + ($1 == 0x0A ? 1 : 0) }
        let lineStart = upTo.lastIndex(of: 0x0A).map { $0 + 1 } ?? 0
        return ScenarioError(path: "", "malformed JSON at line \(line), column \(index - lineStart + 1): \(problem)")
    }
}
