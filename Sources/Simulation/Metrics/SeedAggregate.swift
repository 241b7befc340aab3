import Planning

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
        func latency(_ pick: (ClassReport) -> LatencySummary) -> LatencySummary { .seedMean(reports.map(pick)) }
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
            sloAttainment: mean(\.sloAttainment), slo: first.slo, preemptions: reports.reduce(0) { $0 + $1.preemptions } / reports.count,
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

    /// JSON keys: latency estimates end in `Seconds` (the JSON contract).
    enum CodingKeys: String, CodingKey {
        case ttftMean = "ttftMeanSeconds", ttftP99 = "ttftP99Seconds", tpotMean = "tpotMeanSeconds"
        case tpotP99 = "tpotP99Seconds", e2eMean = "e2eMeanSeconds", e2eP99 = "e2eP99Seconds"
        case throughputRequests, goodput, sloAttainment
    }
}
