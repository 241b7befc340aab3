import Simulation

/// A model's SLO judged on simulation reports pooled over seeds.
///
/// Attainment pools exactly (requests meeting both targets over requests departed, all seeds).
/// The reports carry latency summaries, not every request, so a percentile level is read from
/// each seed's p50/p90/p95/p99/max (linear between the two levels around it) and pooled as the
/// mean weighted by the seed's measured requests; so is each point of the distribution (`cdf`).
/// ```
/// let verdict = SimulatedSLO(slo: slo).verification(rate: 12, reports: reports, seeds: [1, 2])
/// ```
struct SimulatedSLO {
    var slo: DeploySLO

    func verification(rate: Double, reports: [SimulationReport], seeds: [UInt64]) -> Verification {
        let overall = reports.map(\.overall)
        let departed = overall.map { $0.completed + $0.abandoned + $0.rejected }
        let total = departed.reduce(0, +)
        var met = 0.0
        for (report, count) in zip(overall, departed) where count > 0 && report.sloAttainment.isFinite {
            met += report.sloAttainment * Double(count)
        }
        let attainment = total > 0 ? met / Double(total) : 0
        func pooled(_ pick: (ClassReport) -> LatencySummary, _ q: Double) -> Double? {
            let summaries = overall.map(pick).filter { $0.count > 0 }
            let weight = summaries.reduce(0) { $0 + $1.count }
            guard weight > 0 else { return nil }
            return summaries.reduce(0.0) { $0 + Self.level($1, q) * Double($1.count) } / Double(weight)
        }
        let ttftAt = pooled(\.ttft, slo.ttftQuantile)
        let tpotAt = pooled(\.tpot, slo.tpotQuantile)
        // Every measured request must have completed (none abandoned or rejected).
        let incomplete = overall.contains { $0.rejected > 0 || $0.abandoned > 0 }
        let meets = total > 0 && !incomplete && attainment >= slo.attainment
            && (ttftAt.map { $0 <= slo.ttftSeconds } ?? false) && (tpotAt.map { $0 <= slo.tpotSeconds } ?? true)
        func percentiles(_ pick: (ClassReport) -> LatencySummary) -> LatencyPercentiles {
            let summaries = overall.map(pick)
            return LatencyPercentiles(
                p50: pooled(pick, 0.5), p90: pooled(pick, 0.9), p99: pooled(pick, 0.99),
                cdf: LatencyCDF.mean(summaries.map(\.cdf), weights: summaries.map { Double($0.count) }))
        }
        return Verification(
            rate: rate, sloAttainment: attainment, ttft: percentiles(\.ttft), tpot: percentiles(\.tpot), meetsSLO: meets,
            seeds: seeds, requests: total)
    }

    /// The `q` level of one summary, linear between the levels it holds.
    static func level(_ summary: LatencySummary, _ q: Double) -> Double {
        let points: [(Double, Double)] = [
            (0.5, summary.p50), (0.9, summary.p90), (0.95, summary.p95), (0.99, summary.p99), (1, summary.maximum),
        ]
        if q <= 0.5 { return summary.p50 }
        for (lower, upper) in zip(points, points.dropFirst()) where q <= upper.0 {
            let fraction = (q - lower.0) / (upper.0 - lower.0)
            return lower.1 + (upper.1 - lower.1) * fraction
        }
        return summary.maximum
    }
}
