/// Mean and 95% confidence half-width of one metric across seeds (Student's t).
public struct Estimate: Sendable, Codable, Hashable {
    public var mean: Double
    /// Half-width of the 95% confidence interval of the mean (nan with one seed).
    public var halfWidth95: Double

    /// The estimate from per-seed values (non-finite values are ignored).
    public init(_ values: [Double]) {
        let finite = values.filter(\.isFinite)
        guard !finite.isEmpty else {
            mean = .nan
            halfWidth95 = .nan
            return
        }
        let average = finite.reduce(0, +) / Double(finite.count)
        mean = average
        guard finite.count > 1 else {
            halfWidth95 = .nan
            return
        }
        let variance = finite.map { ($0 - average) * ($0 - average) }.reduce(0, +) / Double(finite.count - 1)
        halfWidth95 = Self.tQuantile975(degreesOfFreedom: finite.count - 1) * (variance / Double(finite.count)).squareRoot()
    }

    /// The 97.5% quantile of Student's t (two-sided 95%), tabulated to 30 degrees of freedom.
    static func tQuantile975(degreesOfFreedom df: Int) -> Double {
        let table: [Double] = [
            12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160, 2.145, 2.131,
            2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
        ]
        return df <= table.count ? table[df - 1] : 1.96
    }
}

/// Per-seed results of one class folded into means (`summary`, same shape as a single run's
/// `ClassReport`) and 95% confidence intervals of the headline figures.
public struct ClassAggregate: Sendable, Codable {
    /// Each field is the mean over seeds of that field.
    public var summary: ClassReport
    /// Confidence intervals across seeds.
    public var confidence: ClassConfidence

    /// Folds the reports of one class from several seeds.
    public init(_ reports: [ClassReport]) {
        func mean(_ value: (ClassReport) -> Double) -> Double { Estimate(reports.map(value)).mean }
        func latency(_ pick: (ClassReport) -> LatencySummary) -> LatencySummary {
            LatencySummary(
                mean: mean { pick($0).mean }, p50: mean { pick($0).p50 }, p90: mean { pick($0).p90 },
                p95: mean { pick($0).p95 }, p99: mean { pick($0).p99 }, maximum: reports.map { pick($0).maximum }.max() ?? .nan,
                count: reports.reduce(0) { $0 + pick($1).count })
        }
        let first = reports[0]
        summary = ClassReport(
            name: first.name, ttft: latency(\.ttft), tpot: latency(\.tpot), e2e: latency(\.e2e),
            queueDelay: latency(\.queueDelay),
            arrived: reports.reduce(0) { $0 + $1.arrived } / reports.count,
            completed: reports.reduce(0) { $0 + $1.completed } / reports.count,
            abandoned: reports.reduce(0) { $0 + $1.abandoned } / reports.count,
            rejected: reports.reduce(0) { $0 + $1.rejected } / reports.count,
            rejectedByReason: reports.reduce(into: [:]) { total, report in
                total.merge(report.rejectedByReason, uniquingKeysWith: +)
            }.mapValues { $0 / reports.count },
            throughputRequests: mean(\.throughputRequests), throughputTokens: mean(\.throughputTokens),
            outputTokensPerSecond: mean(\.outputTokensPerSecond), goodput: mean(\.goodput),
            sloAttainment: mean(\.sloAttainment), preemptions: reports.reduce(0) { $0 + $1.preemptions } / reports.count,
            meanTimeInSystem: mean(\.meanTimeInSystem))
        confidence = ClassConfidence(
            ttftMean: Estimate(reports.map(\.ttft.mean)), ttftP99: Estimate(reports.map(\.ttft.p99)),
            tpotMean: Estimate(reports.map(\.tpot.mean)), tpotP99: Estimate(reports.map(\.tpot.p99)),
            e2eMean: Estimate(reports.map(\.e2e.mean)), e2eP99: Estimate(reports.map(\.e2e.p99)),
            throughputRequests: Estimate(reports.map(\.throughputRequests)),
            goodput: Estimate(reports.map(\.goodput)), sloAttainment: Estimate(reports.map(\.sloAttainment)))
    }
}

/// 95% confidence intervals across seeds of a class's headline figures.
public struct ClassConfidence: Sendable, Codable {
    public var ttftMean: Estimate
    public var ttftP99: Estimate
    public var tpotMean: Estimate
    public var tpotP99: Estimate
    public var e2eMean: Estimate
    public var e2eP99: Estimate
    public var throughputRequests: Estimate
    public var goodput: Estimate
    public var sloAttainment: Estimate
}
