/// The highest arrival rate that still meets a condition which holds at low rates and fails at high
/// ones (latency within a budget, attainment above a target).
enum RateSearch {
    /// Doubles from `start` until `meets` fails (up to 10⁶), then bisects to `tolerance` of the
    /// bracket's upper end; 0 when even 10⁻⁹ fails.
    static func highest(start: Double, tolerance: Double, where meets: (Double) -> Bool) -> Double {
        guard meets(1e-9) else { return 0 }
        var low = 0.0, high = start
        while meets(high) && high < 1e6 {
            low = high
            high *= 2
        }
        while high - low > tolerance * high {
            let middle = (low + high) / 2
            if meets(middle) { low = middle } else { high = middle }
        }
        return low
    }
}
