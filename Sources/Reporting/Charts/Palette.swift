import Foundation

/// Series colours (Okabe–Ito, readable by colour-blind people, on light and dark backgrounds) and
/// the heat-map scale (a viridis-like ramp from dark blue to yellow).
/// ```
/// Palette.seriesClass(2)      // "c2"
/// Palette.heat(0.5)           // "#21918c"
/// ```
enum Palette {
    static let series = ["#0072b2", "#e69f00", "#009e73", "#cc79a7", "#d55e00", "#56b4e9", "#8c6d31", "#7f7f7f"]

    /// The CSS class of the `index`th series (colours repeat after eight).
    static func seriesClass(_ index: Int) -> String { "c\(index % series.count)" }

    static let heatStops: [(Double, (Double, Double, Double))] = [
        (0, (68, 1, 84)), (0.25, (59, 82, 139)), (0.5, (33, 145, 140)), (0.75, (94, 201, 98)), (1, (253, 231, 37)),
    ]

    /// The colour of a value at `fraction` (0…1, clamped) of the heat scale, as `#rrggbb`.
    static func heat(_ fraction: Double) -> String {
        let t = fraction.isFinite ? min(1, max(0, fraction)) : 0
        var lower = heatStops[0]
        var upper = heatStops[heatStops.count - 1]
        for (a, b) in zip(heatStops, heatStops.dropFirst()) where t >= a.0 && t <= b.0 {
            lower = a
            upper = b
            break
        }
        let span = upper.0 - lower.0
        let mix = span > 0 ? (t - lower.0) / span : 0
        func channel(_ a: Double, _ b: Double) -> Int { Int((a + (b - a) * mix).rounded()) }
        return String(
            format: "#%02x%02x%02x", channel(lower.1.0, upper.1.0), channel(lower.1.1, upper.1.1), channel(lower.1.2, upper.1.2))
    }
}
