/// Streaming counters and latency histograms of one request class (or of all classes).
struct ClassMetrics {
    var ttft = LatencyHistogram()
    var tpot = LatencyHistogram()
    var e2e = LatencyHistogram()
    var queueDelay = LatencyHistogram()
    var arrived = 0
    var completed = 0
    var abandoned = 0
    /// Rejected requests by reason (`RejectionReason.rawValue` order).
    var rejected = [Int](repeating: 0, count: RejectionReason.allCases.count)
    var sloMet = 0
    var promptTokens = 0
    var outputTokens = 0
    var preemptions = 0
    /// Sum of times in system of departed requests (completed, abandoned and rejected), for Little's law.
    var sojournSum = 0.0

    mutating func recordCompletion(ttft: Double, tpot: Double?, e2e: Double, queueDelay: Double, record: RequestRecord, sloMet met: Bool) {
        completed += 1
        self.ttft.record(ttft)
        if let tpot { self.tpot.record(tpot) }
        self.e2e.record(e2e)
        self.queueDelay.record(queueDelay)
        promptTokens += Int(record.promptTokens)
        outputTokens += Int(record.outputTokens)
        preemptions += Int(record.preemptions)
        sojournSum += e2e
        if met { sloMet += 1 }
    }

    mutating func recordAbandonment(sojourn: Double) {
        abandoned += 1
        sojournSum += sojourn
    }

    mutating func recordRejection(_ reason: RejectionReason, sojourn: Double) {
        rejected[reason.index] += 1
        sojournSum += sojourn
    }

    /// The class's report over a measurement window of `window` seconds, judged against `slo`.
    func report(name: String, window: Double, slo: ServiceLevelObjective) -> ClassReport {
        let rejectedTotal = rejected.reduce(0, +)
        let departed = completed + abandoned + rejectedTotal
        return ClassReport(
            name: name, ttft: ttft.summary, tpot: tpot.summary, e2e: e2e.summary, queueDelay: queueDelay.summary,
            arrived: arrived, completed: completed, abandoned: abandoned, rejected: rejectedTotal,
            rejectedByReason: RejectionReason.counts(rejected),
            throughputRequests: Double(completed) / window,
            throughputTokens: Double(promptTokens + outputTokens) / window,
            outputTokensPerSecond: Double(outputTokens) / window,
            goodput: Double(sloMet) / window,
            sloAttainment: departed == 0 ? .nan : Double(sloMet) / Double(departed), slo: slo.targets,
            preemptions: preemptions,
            meanTimeInSystem: departed == 0 ? .nan : sojournSum / Double(departed))
    }
}
