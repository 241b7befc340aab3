/// A field of a trace read as a number: its finite value, or the text that is not one (kept for
/// the message). Parsed from the file's bytes without making a `String` when the field is a
/// plain decimal (the common case); anything else goes through `Double(String)`, so the values
/// and the refusals are exactly those of parsing the field's text.
///
/// ```swift
/// TraceNumber("12.5")            // .value(12.5)
/// TraceNumber("1e999")           // .text("1e999"): not a finite number
/// ```
enum TraceNumber: Equatable {
    case value(Double)
    case text(String)

    /// `text` read as `Double(text)` does; infinities and NaN are not numbers.
    init(_ text: String) {
        if let value = Double(text), value.isFinite { self = .value(value) } else { self = .text(text) }
    }

    /// The bytes `pointer[range]` read as a number (see the type).
    init(_ pointer: UnsafePointer<UInt8>, _ range: Range<Int>) {
        if let value = Self.plainDecimal(pointer, range) {
            self = .value(value)
        } else {
            self.init(String(decoding: UnsafeBufferPointer(start: pointer + range.lowerBound, count: range.count), as: UTF8.self))
        }
    }

    /// `10^k` for k in 0…22, each exactly representable.
    private static let powersOfTen: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19,
        1e20, 1e21, 1e22,
    ]

    /// The value of `-?digits(.digits)?([eE][+-]?digits)?` when it is exactly a significand of at
    /// most 2⁵³ times 10^k with |k| ≤ 22: one exact multiplication or division, so the result is
    /// the correctly rounded value `Double(String)` gives (Clinger's fast path). Nil otherwise.
    static func plainDecimal(_ pointer: UnsafePointer<UInt8>, _ range: Range<Int>) -> Double? {
        var index = range.lowerBound
        let end = range.upperBound
        guard index < end else { return nil }
        let negative = pointer[index] == UInt8(ascii: "-")
        if negative { index += 1 }
        var significand: UInt64 = 0
        var digits = 0
        var scale = 0
        let integerStart = index
        while index < end, case let digit = pointer[index] &- 0x30, digit < 10 {
            if digits > 0 || digit != 0 { digits += 1 }
            guard digits <= 19 else { return nil }
            significand = significand &* 10 &+ UInt64(digit)
            index += 1
        }
        guard index > integerStart else { return nil }
        if index < end && pointer[index] == UInt8(ascii: ".") {
            index += 1
            let fractionStart = index
            while index < end, case let digit = pointer[index] &- 0x30, digit < 10 {
                if digits > 0 || digit != 0 { digits += 1 }
                guard digits <= 19 else { return nil }
                significand = significand &* 10 &+ UInt64(digit)
                scale -= 1
                index += 1
            }
            guard index > fractionStart else { return nil }
        }
        if index < end && (pointer[index] | 0x20) == UInt8(ascii: "e") {
            index += 1
            var exponentNegative = false
            if index < end && (pointer[index] == UInt8(ascii: "+") || pointer[index] == UInt8(ascii: "-")) {
                exponentNegative = pointer[index] == UInt8(ascii: "-")
                index += 1
            }
            let exponentStart = index
            var exponent = 0
            while index < end, case let digit = pointer[index] &- 0x30, digit < 10 {
                guard exponent < 1000 else { return nil }
                exponent = exponent * 10 + Int(digit)
                index += 1
            }
            guard index > exponentStart else { return nil }
            scale += exponentNegative ? -exponent : exponent
        }
        guard index == end, significand <= 1 << 53, (-22...22).contains(scale) else { return nil }
        let magnitude = scale >= 0 ? Double(significand) * powersOfTen[scale] : Double(significand) / powersOfTen[-scale]
        return negative ? -magnitude : magnitude
    }
}
