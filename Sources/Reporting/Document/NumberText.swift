import Foundation

/// How numbers become text in a report, the same bytes on every machine: table values to six
/// significant digits, SVG coordinates to a tenth of a pixel, tick labels to the decimals their step
/// needs. Non-finite or missing values are written as an em dash.
/// ```
/// NumberText.value(0.123456789)       // "0.123457"
/// NumberText.tick(2.5, step: 0.5)     // "2.5"
/// ```
public enum NumberText {
    /// A value for a table cell or a label: six significant digits, no exponent between 1e-4 and 1e9.
    public static func value(_ number: Double?) -> String {
        guard let number, number.isFinite else { return "—" }
        if number == 0 { return "0" }
        let magnitude = abs(number)
        if magnitude >= 1e-4 && magnitude < 1e9 {
            let digits = max(0, 5 - Int(floor(log10(magnitude))))
            return trimmed(String(format: "%.\(digits)f", number))
        }
        return String(format: "%.5e", number)
    }

    /// An SVG coordinate: one decimal, no trailing ".0".
    static func coordinate(_ number: Double) -> String {
        let rounded = (number * 10).rounded() / 10
        if rounded == rounded.rounded() { return String(Int(rounded)) }
        return String(format: "%.1f", rounded)
    }

    /// A tick label for a value on a grid of `step`: as many decimals as the step needs, thousands as
    /// "k" and millions as "M" when the step allows it.
    public static func tick(_ number: Double, step: Double) -> String {
        let value = abs(number) < step * 1e-9 ? 0 : number
        if value == 0 { return "0" }
        if abs(step) >= 1e6 { return tick(value / 1e6, step: step / 1e6) + "M" }
        if abs(step) >= 1000 { return tick(value / 1000, step: step / 1000) + "k" }
        let stepExponent = Int(floor(log10(abs(step)) + 1e-9))
        if stepExponent < -6 {
            // A fine grid: a mantissa with the digits down to the step's, so labels stay distinct.
            let digits = max(0, Int(floor(log10(abs(value)) + 1e-9)) - stepExponent)
            return String(format: "%.\(digits)e", value)
        }
        let text = String(format: "%.\(max(0, -stepExponent))f", value)
        return text == "-0" ? "0" : text
    }

    private static func trimmed(_ text: String) -> String {
        guard text.contains(".") else { return text }
        var result = Substring(text)
        while result.hasSuffix("0") { result = result.dropLast() }
        if result.hasSuffix(".") { result = result.dropLast() }
        return result == "-0" ? "0" : String(result)
    }
}
