import Foundation
import Planning
import Reporting
import ServingModel
import Simulation

/// `gpusched bench report`: how long the report of a large simulation takes and how big it is. A
/// scenario (default examples/simulate-chat.yaml) is simulated for one seed with its horizon
/// stretched to about `--requests` arrivals (default 1,000,000), its `--json` output encoded once,
/// and that output rendered `--repeats` times (parsing the JSON included); JSON kind `bench-report`.
/// ```
/// gpusched bench report --requests 1000000 --repeats 5
/// ```
struct ReportBenchmark: Encodable {
    var scenario: String
    /// Requests that arrived in the measured window of the simulation.
    var requests: Int
    var simulateSeconds: Double
    var jsonBytes: Int
    var htmlBytes: Int
    /// Wall time of one render (JSON in, HTML out), median and range over the repeats.
    var renderSeconds: BenchmarkSpread

    static func measure(scenarioPath: String, requests: Int, repeats: Int, limits: WorkLimits, progress: ProgressReporter) throws -> ReportBenchmark {
        var scenario = try ScenarioKinds.loadSimulate(path: scenarioPath, limits: limits)
        scenario.seeds = [scenario.seeds.first ?? 1]
        // A short run measures the scenario's arrival rate; the horizon then holds `requests` arrivals.
        var probe = scenario
        try probe.override(horizon: 60, warmup: 0)
        let rate = probe.run(progress: .silent, jobs: 1).runs.first?.arrivalRate ?? 0
        guard rate > 0 else { throw InputError("\(scenarioPath): the scenario has no arrivals to stretch") }
        try scenario.override(horizon: scenario.warmup + Double(requests) / rate)
        try scenario.work.check(limits, at: "workload")
        progress.say("simulating about \(requests) requests of \(scenarioPath)")
        let clock = Stopwatch()
        let summary = scenario.run(progress: .silent, jobs: 1)
        let simulateSeconds = clock.seconds
        let json = try JSONOutput.encoded(summary, kind: "simulate")
        var times: [Double] = []
        var html = ""
        for repeat_ in 1...repeats {
            progress.say("rendering the report, repeat \(repeat_) of \(repeats)")
            let start = Stopwatch()
            html = try ReportRenderer.html(fromJSON: json, source: scenarioPath)
            times.append(start.seconds)
        }
        return ReportBenchmark(
            scenario: scenarioPath, requests: summary.overall.arrived, simulateSeconds: simulateSeconds, jsonBytes: json.count,
            htmlBytes: html.utf8.count, renderSeconds: BenchmarkSpread(times))
    }

    func render() -> String {
        """
        report of a \(requests)-request simulation (\(scenario), simulated in \(Format.fixed(simulateSeconds, 1)) s)
          JSON output     \(Format.fixed(Double(jsonBytes) / 1024, 1)) KiB
          HTML report     \(Format.fixed(Double(htmlBytes) / 1024, 1)) KiB
          render          \(renderSeconds.text(3)) s  (median (min–max) of the repeats)
        """
    }
}
