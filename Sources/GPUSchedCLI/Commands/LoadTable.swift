import LoadGenerator

/// The text tables of a load run: what was sent and how late, latency by class (TTFT, TPOT,
/// inter-token gaps in ms, E2E in s), and volume (completed, failed, dropped, rates).
enum LoadTable {
    static func render(_ report: LoadReport) -> String {
        func ms(_ seconds: Double) -> String { seconds.isFinite ? Format.fixed(seconds * 1000, 1) : "-" }
        func s(_ seconds: Double) -> String { seconds.isFinite ? Format.fixed(seconds, 2) : "-" }
        var lines = [
            "\(report.target)\(report.endpoint), model \(report.model), \(report.stream ? "streaming" : "not streaming"), "
                + "seed \(report.seed.map(String.init) ?? "-"), window \(Format.fixed(report.warmup, 0))–\(Format.fixed(report.horizon, 0)) s",
            "\(Format.grouped(report.scheduled)) scheduled, \(Format.grouped(report.sent)) sent, \(Format.grouped(report.completed)) completed, "
                + "\(Format.grouped(report.failed)) failed, \(Format.grouped(report.dropped)) dropped (max in flight "
                + "\(Format.grouped(report.maxInFlight)), peak \(Format.grouped(report.peakInFlight))); wall \(Format.fixed(report.wallSeconds, 1)) s; "
                + "send lag p50 \(ms(report.sendLag.p50)) ms, p99 \(ms(report.sendLag.p99)) ms",
            "",
        ]
        var latency = TextTable([
            "class", "TTFT mean ms", "TTFT p50", "TTFT p90", "TTFT p99", "TPOT mean ms", "TPOT p50", "TPOT p90", "TPOT p99",
            "ITL p99 ms", "E2E mean s", "E2E p99",
        ])
        var volume = TextTable(["class", "arrived", "completed", "failed", "dropped", "req/s", "output tokens/s"])
        for row in report.classes + [report.overall] {
            latency.add([
                row.name, ms(row.ttft.mean), ms(row.ttft.p50), ms(row.ttft.p90), ms(row.ttft.p99),
                ms(row.tpot.mean), ms(row.tpot.p50), ms(row.tpot.p90), ms(row.tpot.p99), ms(row.interToken.p99),
                s(row.e2e.mean), s(row.e2e.p99),
            ])
            volume.add([
                row.name, Format.grouped(row.arrived), Format.grouped(row.completed), Format.grouped(row.failed),
                Format.grouped(row.dropped), s(row.throughputRequests),
                row.outputTokensPerSecond.isFinite ? Format.fixed(row.outputTokensPerSecond, 0) : "-",
            ])
        }
        lines.append(latency.render())
        lines.append("")
        lines.append(volume.render())
        if !report.errors.isEmpty {
            lines.append("")
            lines.append("errors: " + report.errors.sorted { $0.key < $1.key }.map { "\($0.key) \(Format.grouped($0.value))" }.joined(separator: ", "))
        }
        if report.usageMismatches > 0 {
            lines.append("\(Format.grouped(report.usageMismatches)) completed streams reported a usage count different from the tokens received")
        }
        return lines.joined(separator: "\n")
    }
}
