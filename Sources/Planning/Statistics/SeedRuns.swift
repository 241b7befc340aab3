/// The one seed loop: runs `body` once per seed, in order, announcing each to `progress`.
/// ```
/// let runs = try SeedRuns.map([1, 2, 3], progress: progress, label: "plan") { seed in try simulate(seed: seed) }
/// let revenue = SeedRuns.estimate(runs, \.revenue)
/// ```
public enum SeedRuns {
    /// `body` for every seed, in order; with more than one seed each start is announced as
    /// "`label`: seed k of n".
    public static func map<Result, Failure: Error>(
        _ seeds: [UInt64], progress: ProgressReporter = .silent, label: String = "",
        _ body: (UInt64) throws(Failure) -> Result
    ) throws(Failure) -> [Result] {
        var results: [Result] = []
        results.reserveCapacity(seeds.count)
        for (index, seed) in seeds.enumerated() {
            if seeds.count > 1 { progress.say("\(label.isEmpty ? "" : label + ": ")seed \(index + 1) of \(seeds.count)") }
            results.append(try body(seed))
        }
        return results
    }

    /// The estimate of one figure over per-seed results.
    public static func estimate<Result>(_ results: [Result], _ figure: (Result) -> Double) -> Estimate {
        Estimate(results.map(figure))
    }

    /// The seeds `first`, `first + 1`, … (`count` of them), saturating at the largest seed.
    public static func consecutive(from first: UInt64, count: Int) -> [UInt64] {
        (0..<max(0, count)).map { first.addingReportingOverflow(UInt64($0)).overflow ? UInt64.max : first + UInt64($0) }
    }
}
