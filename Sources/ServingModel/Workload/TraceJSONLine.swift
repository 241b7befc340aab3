/// One JSONL trace line read straight from its bytes, when it is the common flat kind: an object
/// whose keys are plain ASCII, whose values are strings without escapes, plain numbers (see
/// `TraceNumber.plainDecimal`) or `true`/`false`/`null` for keys that are not trace columns, with
/// each column given once and the three required ones present. Anything else (escapes, nested
/// values, a repeated column, a missing key, a syntax error) makes `init` return nil and the line
/// goes through `JSONSerialization`, whose reading and messages are the reference.
///
/// ```swift
/// // {"arrival": 0.5, "prompt": 812, "output": 64, "class": "chat"}
/// FlatJSONRow(bytes, range, classNames: &cache)   // arrival .value(0.5), …, className "chat"
/// ```
struct FlatJSONRow {
    var arrival: TraceNumber
    var prompt: TraceNumber
    var output: TraceNumber
    var className: String?

    /// The accepted names of each column, lowercased, as bytes.
    private static let names: [(column: TraceColumn, name: [UInt8])] = TraceColumn.allCases.flatMap { column in
        column.names.map { (column, Array($0.lowercased().utf8)) }
    }

    init?(_ bytes: UnsafePointer<UInt8>, _ range: Range<Int>, classNames: inout ClassNameCache) {
        var index = range.lowerBound
        let end = range.upperBound
        func skipSpace() {
            while index < end, case let byte = bytes[index], byte == 0x20 || byte == 0x09 || byte == 0x0D { index += 1 }
        }
        /// A string's contents (after the opening quote), or nil on an escape or control character.
        func string() -> Range<Int>? {
            let start = index
            while index < end {
                let byte = bytes[index]
                if byte == 0x22 {
                    index += 1
                    return start..<(index - 1)
                }
                guard byte != 0x5C && byte >= 0x20 else { return nil }
                index += 1
            }
            return nil
        }
        guard index < end, bytes[index] == UInt8(ascii: "{") else { return nil }
        index += 1
        var arrival: TraceNumber?, prompt: TraceNumber?, output: TraceNumber?, className: String?
        var seen: UInt8 = 0
        skipSpace()
        guard index < end, bytes[index] != UInt8(ascii: "}") else { return nil }
        while true {
            guard index < end, bytes[index] == 0x22 else { return nil }
            index += 1
            guard let key = string(), !key.contains(where: { bytes[$0] >= 0x80 }) else { return nil }
            skipSpace()
            guard index < end, bytes[index] == UInt8(ascii: ":") else { return nil }
            index += 1
            skipSpace()
            guard index < end else { return nil }
            let column = Self.column(bytes, key)
            if let column {
                guard seen & Self.bit(column) == 0 else { return nil }
                seen |= Self.bit(column)
            }
            let first = bytes[index]
            if first == 0x22 {
                index += 1
                guard let value = string() else { return nil }
                switch column {
                case .arrival: arrival = TraceNumber(bytes, value)
                case .prompt: prompt = TraceNumber(bytes, value)
                case .output: output = TraceNumber(bytes, value)
                case .requestClass: className = classNames.name(bytes, value)
                case nil: break
                }
            } else if first == UInt8(ascii: "-") || (first &- 0x30) < 10 {
                let start = index
                while index < end, case let byte = bytes[index],
                      (byte &- 0x30) < 10 || byte == 0x2E || byte == 0x2D || byte == 0x2B || byte | 0x20 == 0x65 {
                    index += 1
                }
                guard Self.isJSONNumber(bytes, start..<index) else { return nil }
                if let column {
                    // A negative zero is left to JSONSerialization, whose reading of it is the reference.
                    guard column != .requestClass, let value = TraceNumber.plainDecimal(bytes, start..<index),
                          value != 0 || first != UInt8(ascii: "-") else { return nil }
                    switch column {
                    case .arrival: arrival = .value(value)
                    case .prompt: prompt = .value(value)
                    case .output: output = .value(value)
                    case .requestClass: return nil
                    }
                }
            } else {
                guard column == nil, let literal = Self.literal(bytes, from: index, end: end) else { return nil }
                index += literal
            }
            skipSpace()
            guard index < end else { return nil }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
                skipSpace()
                continue
            }
            guard bytes[index] == UInt8(ascii: "}") else { return nil }
            index += 1
            break
        }
        skipSpace()
        guard index == end, let arrival, let prompt, let output else { return nil }
        self.arrival = arrival
        self.prompt = prompt
        self.output = output
        self.className = className
    }

    /// A column's flag in the set of those seen on a line.
    private static func bit(_ column: TraceColumn) -> UInt8 {
        switch column {
        case .arrival: return 1
        case .prompt: return 2
        case .output: return 4
        case .requestClass: return 8
        }
    }

    /// The column an ASCII key names (any case), if any.
    private static func column(_ bytes: UnsafePointer<UInt8>, _ key: Range<Int>) -> TraceColumn? {
        for (column, name) in names where name.count == key.count {
            var same = true
            for (offset, expected) in name.enumerated() {
                let byte = bytes[key.lowerBound + offset]
                let lower = byte >= 0x41 && byte <= 0x5A ? byte + 0x20 : byte
                if lower != expected {
                    same = false
                    break
                }
            }
            if same { return column }
        }
        return nil
    }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`, JSON's number grammar.
    private static func isJSONNumber(_ bytes: UnsafePointer<UInt8>, _ range: Range<Int>) -> Bool {
        var index = range.lowerBound
        let end = range.upperBound
        func digits() -> Int {
            let start = index
            while index < end && (bytes[index] &- 0x30) < 10 { index += 1 }
            return index - start
        }
        if index < end && bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard index < end else { return false }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
        } else if digits() == 0 {
            return false
        }
        if index < end && bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard digits() > 0 else { return false }
        }
        if index < end && bytes[index] | 0x20 == UInt8(ascii: "e") {
            index += 1
            if index < end && (bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-")) { index += 1 }
            guard digits() > 0 else { return false }
        }
        return index == end
    }

    /// JSON's literal values.
    private static let literals: [[UInt8]] = ["true", "false", "null"].map { Array($0.utf8) }

    /// The length of `true`, `false` or `null` at `start`, or nil.
    private static func literal(_ bytes: UnsafePointer<UInt8>, from start: Int, end: Int) -> Int? {
        for word in literals where end - start >= word.count {
            if word.indices.allSatisfy({ bytes[start + $0] == word[$0] }) { return word.count }
        }
        return nil
    }
}
