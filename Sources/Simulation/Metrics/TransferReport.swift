import Planning

/// The KV-cache transfers of a disaggregated run (requests that arrived after the warm-up).
public struct TransferReport: Sendable, Codable {
    /// How decode replicas were chosen (`DecodePolicyName`).
    public var decodePolicy: String
    /// Caches sent from prefill to decode replicas.
    public var count: Int
    /// Bytes they carried.
    public var bytes: Double
    /// From the end of a prefill to its cache usable on the decode replica (the time the decode
    /// waited for the KV cache): waiting for the interfaces, sending, latency.
    public var transferSeconds: LatencySummary
    /// Mean part of `transferSeconds` spent waiting for busy interfaces (contention).
    public var meanLinkWaitSeconds: Double
    /// Per replica group: caches sent and received.
    public var groups: [GroupTransfers]

    /// One replica group's transfers.
    public struct GroupTransfers: Sendable, Codable, Hashable {
        /// Index in the scenario's `replicas:` list.
        public var group: Int
        public var role: ReplicaRole
        public var sent: Int
        public var received: Int
        /// Mean transfer time of the caches it received (nan when none).
        public var meanReceivedSeconds: Double
    }

    /// The mean over seeds of each figure (counts rounded down, as the classes' are).
    static func mean(_ reports: [TransferReport]) -> TransferReport? {
        guard let first = reports.first else { return nil }
        func mean(_ value: (TransferReport) -> Double) -> Double { Estimate(reports.map(value)).mean }
        let groups = first.groups.indices.map { index in
            GroupTransfers(
                group: first.groups[index].group, role: first.groups[index].role,
                sent: reports.reduce(0) { $0 + $1.groups[index].sent } / reports.count,
                received: reports.reduce(0) { $0 + $1.groups[index].received } / reports.count,
                meanReceivedSeconds: mean { $0.groups[index].meanReceivedSeconds })
        }
        return TransferReport(
            decodePolicy: first.decodePolicy, count: reports.reduce(0) { $0 + $1.count } / reports.count, bytes: mean(\.bytes),
            transferSeconds: .seedMean(reports.map(\.transferSeconds)),
            meanLinkWaitSeconds: mean(\.meanLinkWaitSeconds), groups: groups)
    }
}

/// Accumulates the measured transfers of one run.
struct TransferStatistics {
    let groupCount: Int
    private var histogram = LatencyHistogram()
    private var bytes = 0.0
    private var linkWait = 0.0
    private var sent: [Int]
    private var received: [Int]
    private var receivedSeconds: [Double]

    init(groupCount: Int) {
        self.groupCount = groupCount
        sent = [Int](repeating: 0, count: groupCount)
        received = [Int](repeating: 0, count: groupCount)
        receivedSeconds = [Double](repeating: 0, count: groupCount)
    }

    mutating func record(seconds: Double, linkWait: Double, bytes: Double, fromGroup: Int, toGroup: Int) {
        histogram.record(seconds)
        self.bytes += bytes
        self.linkWait += linkWait
        sent[fromGroup] += 1
        received[toGroup] += 1
        receivedSeconds[toGroup] += seconds
    }

    func report(decodePolicy: DecodePolicyName, groupRoles: [ReplicaRole]) -> TransferReport {
        TransferReport(
            decodePolicy: decodePolicy.rawValue, count: histogram.count, bytes: bytes, transferSeconds: histogram.summary,
            meanLinkWaitSeconds: histogram.count == 0 ? .nan : linkWait / Double(histogram.count),
            groups: (0..<groupCount).map { group in
                TransferReport.GroupTransfers(
                    group: group, role: groupRoles[group], sent: sent[group], received: received[group],
                    meanReceivedSeconds: received[group] == 0 ? .nan : receivedSeconds[group] / Double(received[group]))
            })
    }
}
