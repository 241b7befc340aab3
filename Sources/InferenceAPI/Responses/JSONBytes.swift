/// A small JSON writer for the hot paths that build OpenAI response bodies: appends bytes,
/// escapes strings as RFC 8259 requires. Callers write keys in a fixed order.
struct JSONBytes {
    var bytes: [UInt8] = []

    init(capacity: Int = 256) { bytes.reserveCapacity(capacity) }

    mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    mutating func integer(_ value: Int) { bytes.append(contentsOf: String(value).utf8) }

    /// A JSON string literal, quotes included.
    mutating func string(_ text: String) {
        bytes.append(34)
        for byte in text.utf8 {
            switch byte {
            case 34: bytes.append(contentsOf: [92, 34])
            case 92: bytes.append(contentsOf: [92, 92])
            case 10: bytes.append(contentsOf: [92, 110])
            case 13: bytes.append(contentsOf: [92, 114])
            case 9: bytes.append(contentsOf: [92, 116])
            case 0..<32:
                let hex: [UInt8] = Array("0123456789abcdef".utf8)
                bytes.append(contentsOf: [92, 117, 48, 48, hex[Int(byte >> 4)], hex[Int(byte & 15)]])
            default: bytes.append(byte)
            }
        }
        bytes.append(34)
    }

    /// A string, or `null` when nil.
    mutating func optionalString(_ text: String?) {
        if let text { string(text) } else { raw("null") }
    }
}
