/// A timing repeated several times: the median and the range (JSON `{median, min, max}`).
///
/// ```swift
/// BenchmarkSpread([0.30, 0.10, 0.20])    // median 0.20, min 0.10, max 0.30
/// ```
struct BenchmarkSpread: Encodable, Sendable {
    var median: Double
    var min: Double
    var max: Double

    /// The spread of `values` (at least one); an even count's median is the mean of the middle two.
    init(_ values: [Double]) {
        let sorted = values.sorted()
        let middle = sorted.count / 2
        median = sorted.isEmpty ? .nan : sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
        min = sorted.first ?? .nan
        max = sorted.last ?? .nan
    }

    /// "median (min–max)" with `decimals` places, for the text output.
    func text(_ decimals: Int, scale: Double = 1) -> String {
        "\(Format.fixed(median * scale, decimals)) (\(Format.fixed(min * scale, decimals))–\(Format.fixed(max * scale, decimals)))"
    }
}
