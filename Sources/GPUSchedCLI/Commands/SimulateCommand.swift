import ArgumentParser
import Foundation
import Planning
import ServingModel
import Simulation

/// `gpusched simulate [gate-route] FILE`: runs a scenario in a simulator.
struct SimulateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Simulate a scenario: a serving fleet (default) or the gate-and-route policies.",
        discussion: """
            Examples:
              gpusched simulate examples/simulate-chat.yaml
              gpusched simulate gate-route examples/gate-route.yaml --gpus 50,500
            """,
        subcommands: [SimulateFleetCommand.self, SimulateGateRouteCommand.self, GeoSimulateCommand.self, CascadeSimulateCommand.self, DeploySimulateCommand.self],
        defaultSubcommand: SimulateFleetCommand.self
    )
}

/// `gpusched simulate FILE`: runs a `kind: simulate` scenario in the discrete-event simulator.
struct SimulateFleetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fleet",
        abstract: "Simulate a serving fleet on a workload and report latency, throughput and SLO attainment.",
        discussion: """
            The scenario (kind: simulate) names the model, the replicas (GPU, TP, PP, count), the engine \
            limits, the workload (request classes or a trace), the routing policy, the horizon, the \
            warm-up and the seeds. Figures are means over seeds; with several seeds the 95% confidence \
            half-width follows '±'. Seeds run in parallel, --jobs at a time (the results do not depend \
            on it). Progress goes to stderr when stdout is a terminal.

            Examples:
              gpusched simulate examples/simulate-chat.yaml
              gpusched simulate examples/simulate-chat.yaml --policy power-of-two --seeds 5 --json
              gpusched simulate examples/simulate-chat.yaml --seed 7 --seeds 2
              gpusched simulate examples/simulate-chat.yaml --seeds 8 --jobs 2
              gpusched simulate examples/simulate-chat.yaml --rate-scale 1.5 --horizon 1200 --warmup 120
            """
    )

    @Argument(help: "Scenario file (kind: simulate).")
    var file: String

    @Option(name: .long, help: "Override the scenario's routing policy (\(RoutingPolicyName.choices)).", transform: RoutingPolicyName.choice)
    var policy: RoutingPolicyName?

    @Option(name: .long, help: ArgumentHelp("Override the scenario's horizon (simulated seconds of arrivals).", valueName: "SECONDS"))
    var horizon: Double?

    @Option(name: .long, help: ArgumentHelp("Override the scenario's warm-up (seconds left out of the metrics).", valueName: "SECONDS"))
    var warmup: Double?

    @Option(name: .long, help: ArgumentHelp(
        "Multiply every class's arrival rate by FACTOR (a trace's arrival times are divided by it).", valueName: "FACTOR"))
    var rateScale: Double?

    @OptionGroup var seeding: SeedOptions

    @OptionGroup var parallelism: JobsOptions

    @OptionGroup var output: OutputOptions

    @OptionGroup var reporting: ReportOptions

    @OptionGroup var workLimits: WorkLimitOptions

    func run() throws {
        let limits = workLimits.limits
        var scenario = try ScenarioKinds.loadSimulate(path: file, limits: limits)
        if let policy { scenario.policy = policy }
        scenario.seeds = seeding.seeds(default: scenario.seeds)
        try scenario.override(horizon: horizon, warmup: warmup, rateScale: rateScale)
        try scenario.work.check(limits, at: "workload")
        let progress = output.progressReporter
        let summary = scenario.run(progress: progress, jobs: parallelism.count)
        if let warning = SimulationTable.rejectionWarning(summary) {
            FileHandle.standardError.write(Data("warning: \(warning)\n".utf8))
        }
        try reporting.write(JSONOutput.encoded(summary, kind: "simulate"), source: file)
        if output.json {
            try JSONOutput.print(summary, kind: "simulate")
        } else {
            print(SimulationTable.render(summary, horizon: scenario.horizon, warmup: scenario.warmup))
        }
    }
}

extension RoutingPolicyName: ChoiceArgument {}

/// Human-readable tables of a simulation summary.
enum SimulationTable {
    static func render(_ summary: SimulationSummary, horizon: Double, warmup: Double) -> String {
        let multiSeed = summary.seeds.count > 1
        func withCI(_ value: Double, _ estimate: Estimate, _ decimals: Int) -> String {
            guard value.isFinite else { return "-" }
            let text = Format.fixed(value, decimals)
            return multiSeed && estimate.halfWidth95.isFinite ? text + " ±" + Format.fixed(estimate.halfWidth95, decimals) : text
        }
        func ms(_ seconds: Double) -> Double { seconds * 1000 }
        var lines = [
            "\(summary.replicas) replicas, policy \(summary.policy), seeds \(summary.seeds.map(String.init).joined(separator: ",")), "
                + "window \(Format.fixed(warmup, 0))–\(Format.fixed(horizon, 0)) s",
            "",
        ]
        var latency = TextTable(["class", "TTFT mean ms", "TTFT p50", "TTFT p99", "TPOT mean ms", "TPOT p99", "E2E mean s", "E2E p95", "E2E p99"])
        var volume = TextTable(["class", "completed", "abandoned", "rejected", "req/s", "tokens/s", "goodput req/s", "SLO attainment"])
        let rows = zip(summary.classes, summary.classConfidence).map { ($0, $1) } + [(summary.overall, summary.overallConfidence)]
        for (report, confidence) in rows {
            latency.add([
                report.name, withCI(ms(report.ttft.mean), confidence.ttftMean.scaled(by: 1000), 1),
                Format.fixed(ms(report.ttft.p50), 1), withCI(ms(report.ttft.p99), confidence.ttftP99.scaled(by: 1000), 1),
                withCI(ms(report.tpot.mean), confidence.tpotMean.scaled(by: 1000), 2),
                withCI(ms(report.tpot.p99), confidence.tpotP99.scaled(by: 1000), 2),
                withCI(report.e2e.mean, confidence.e2eMean, 2), Format.fixed(report.e2e.p95, 2),
                withCI(report.e2e.p99, confidence.e2eP99, 2),
            ])
            volume.add([
                report.name, "\(report.completed)", "\(report.abandoned)", "\(report.rejected)",
                withCI(report.throughputRequests, confidence.throughputRequests, 2), Format.fixed(report.throughputTokens, 0),
                withCI(report.goodput, confidence.goodput, 2),
                report.sloAttainment.isFinite ? withCI(report.sloAttainment * 100, confidence.sloAttainment.scaled(by: 100), 1) + " %" : "-",
            ])
        }
        lines.append(latency.render())
        lines.append("")
        lines.append(volume.render())
        lines.append("")
        for rejection in summary.rejections {
            lines.append("rejected: \(Format.grouped(rejection.count)) requests (all seeds, warm-up included) with a "
                + "\(rejection.reason.explanation) (up to \(Format.grouped(rejection.largestNeed)) tokens needed, "
                + "\(Format.grouped(rejection.kvCapacity)) available)")
        }
        if let transfers = summary.transfers {
            lines.append("KV transfers (decode policy \(transfers.decodePolicy)): \(Format.grouped(transfers.count)) per seed, "
                + "\(Format.fixed(transfers.bytes / max(1, Double(transfers.count)) / 1e6, 1)) MB each, transfer time mean "
                + "\(Format.fixed(ms(transfers.transferSeconds.mean), 2)) ms, p99 \(Format.fixed(ms(transfers.transferSeconds.p99), 2)) ms "
                + "(waiting for the interfaces \(Format.fixed(ms(transfers.meanLinkWaitSeconds), 2)) ms)")
        }
        lines.append("\(Format.grouped(summary.runs.reduce(0) { $0 + $1.events })) events at "
            + "\(Format.grouped(Int(summary.eventsPerSecond))) events/s")
        return lines.joined(separator: "\n")
    }
}

extension SimulationTable {
    /// One line for stderr when any request was rejected (nil otherwise): how many, and why.
    static func rejectionWarning(_ summary: SimulationSummary) -> String? {
        guard !summary.rejections.isEmpty else { return nil }
        let rejected = summary.rejections.reduce(0) { $0 + $1.count }
        let reasons = summary.rejections.map {
            "\($0.count) with a \($0.reason.explanation) (up to \($0.largestNeed) tokens needed, \($0.kvCapacity) available)"
        }
        return "\(rejected) requests were rejected and never served (all seeds, warm-up included): " + reasons.joined(separator: "; ")
    }
}
