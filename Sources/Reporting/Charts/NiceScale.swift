import Foundation

/// An axis of "nice" ticks (1, 2 or 5 × 10ᵏ apart) covering every data value: the first tick is at or
/// below the smallest value, the last at or above the largest (Heckbert's labelling).
/// ```
/// let scale = NiceScale(values: [0.31, 4.7])   // ticks 0, 1, 2, 3, 4, 5
/// scale.position(2.5, from: 0, to: 100)        // 50
/// ```
public struct NiceScale: Sendable, Hashable {
    /// Tick values, increasing; the first and last are the axis's ends.
    public let ticks: [Double]
    public let step: Double

    /// The scale of the finite `values` (with `including`, e.g. 0 for bars), about `tickCount` ticks.
    public init(values: [Double], including: [Double] = [], tickCount: Int = 6) {
        let finite = (values + including).filter(\.isFinite)
        var low = finite.min() ?? 0
        var high = finite.max() ?? 1
        if high - low <= max(abs(high), abs(low)) * 1e-12 {
            let pad = low == 0 ? 1 : abs(low) * 0.1
            low -= pad
            high += pad
            if finite.allSatisfy({ $0 >= 0 }) && low < 0 && !finite.isEmpty { low = 0 }
        }
        let span = Self.nice(high - low, round: false)
        let step = Self.nice(span / Double(max(1, tickCount - 1)), round: true)
        let first = (low / step).rounded(.down) * step
        let last = (high / step).rounded(.up) * step
        let count = Int(((last - first) / step).rounded()) + 1
        ticks = (0..<max(2, count)).map { index in
            let value = first + Double(index) * step
            // Snap to the grid so 0.1 × 3 prints as 0.3 and 0 as 0.
            return (value / step).rounded() * step
        }
        self.step = step
    }

    public var lower: Double { ticks.first ?? 0 }
    public var upper: Double { ticks.last ?? 1 }

    /// The tick labels, distinct and in increasing order.
    public var labels: [String] { ticks.map { NumberText.tick($0, step: step) } }

    /// Where `value` falls between the pixel positions `start` (at `lower`) and `end` (at `upper`).
    public func position(_ value: Double, from start: Double, to end: Double) -> Double {
        guard upper > lower else { return start }
        return start + (value - lower) / (upper - lower) * (end - start)
    }

    /// Whether `value` lies on the axis.
    public func contains(_ value: Double) -> Bool { value >= lower && value <= upper }

    static func nice(_ range: Double, round: Bool) -> Double {
        guard range > 0, range.isFinite else { return 1 }
        let exponent = floor(log10(range))
        let fraction = range / pow(10, exponent)
        let niceFraction: Double
        if round {
            niceFraction = fraction < 1.5 ? 1 : fraction < 3 ? 2 : fraction < 7 ? 5 : 10
        } else {
            niceFraction = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10
        }
        return niceFraction * pow(10, exponent)
    }
}
