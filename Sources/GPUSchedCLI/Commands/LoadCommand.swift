import ArgumentParser
import Foundation
import InferenceAPI
import LoadGenerator
import Planning
import ServingModel
import Simulation

/// `gpusched load SCENARIO|TRACE --target URL`: an open-loop load generator against an
/// OpenAI-compatible server, measuring TTFT, TPOT, inter-token gaps and E2E like inference-perf.
struct LoadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "load",
        abstract: "Send a scenario's or a trace's requests to an OpenAI-compatible server, open loop, and measure latency.",
        discussion: """
            A kind: simulate scenario gives exactly the requests `gpusched simulate` serves for the same \
            seed (its first seed unless --seed): arrival times, prompt and output lengths; its warm-up \
            is left out of the figures as the simulator leaves it out. A trace (.csv or .jsonl, the \
            columns `simulate` replays) is sent as recorded, or re-timed by --rate / --arrival. Each \
            request carries a prompt of exactly its prompt tokens (4 bytes a token) and max_tokens = its \
            output tokens, streams with usage, and is sent at its time whatever the server does; an \
            arrival finding --max-in-flight requests in flight is dropped and counted. Figures: TTFT \
            (send to first token), TPOT ((last − first token) / (tokens − 1)), inter-token gaps and E2E, \
            in the simulator's JSON shape. Exit 1 when every request failed.

            Examples:
              gpusched load examples/live-agreement.yaml --target http://127.0.0.1:8000
              gpusched load examples/simulate-chat.yaml --target http://127.0.0.1:8000 --duration 60 --warmup 0 --json
              gpusched load trace.csv --target http://127.0.0.1:8000 --model llama-3.1-8b --rate 20 --arrival gamma --cv 2
            """
    )

    @Argument(help: "Scenario file (kind: simulate), or a trace (.csv or .jsonl).")
    var file: String

    @Option(name: .long, help: ArgumentHelp("The server's base URL, e.g. http://127.0.0.1:8000.", valueName: "URL"))
    var target: String

    @Option(name: .long, help: "The model field of each request (default: the scenario's model; required with a trace).")
    var model: String?

    @Option(name: .long, help: ArgumentHelp("Send the arrivals of this many seconds (the scenario's horizon by default; a trace: all of it).", valueName: "SECONDS"))
    var duration: Double?

    @Option(name: .long, help: ArgumentHelp("Send at most this many requests.", valueName: "N"))
    var requests: Int?

    @Option(name: .long, help: ArgumentHelp("Leave the requests arriving in the first SECONDS out of the figures (default: the scenario's warm-up; 0 for a trace).", valueName: "SECONDS"))
    var warmup: Double?

    @Option(name: .long, help: ArgumentHelp("Total arrival rate in requests/s (classes keep their shares; a trace is re-timed).", valueName: "R"))
    var rate: Double?

    @Option(name: .long, help: "Replace the arrival process (\(ArrivalOverride.Process.choices)).", transform: ArrivalOverride.Process.choice)
    var arrival: ArrivalOverride.Process?

    @Option(name: .long, help: ArgumentHelp("Coefficient of variation of --arrival gamma's gaps (default 1).", valueName: "X"))
    var cv: Double?

    @Option(name: [.customLong("max-in-flight"), .customLong("concurrency-limit")], help: ArgumentHelp(
        "Most requests in flight; later arrivals are dropped and counted (default \(LoadSettings.defaultMaxInFlight)).", valueName: "K"))
    var maxInFlight = LoadSettings.defaultMaxInFlight

    @Option(name: .long, help: "The endpoint: completions (/v1/completions) or chat (/v1/chat/completions).", transform: LoadEndpoint.choice)
    var endpoint: LoadEndpoint = .completions

    @Flag(name: .long, inversion: .prefixedNo, help: "Stream the responses (with usage); --no-stream measures E2E only.")
    var stream = true

    @Option(name: .long, help: ArgumentHelp("Seconds a request may take before it fails as a timeout.", valueName: "SECONDS"))
    var timeout = 300.0

    @Option(name: .long, help: ArgumentHelp("Seconds to connect before a request fails.", valueName: "SECONDS"))
    var connectTimeout = 5.0

    @Option(name: .long, help: ArgumentHelp("The workload's seed (default: the scenario's first seed).", valueName: "S"))
    var seed: UInt64?

    @OptionGroup var output: OutputOptions

    @OptionGroup var workLimits: WorkLimitOptions

    func validate() throws {
        if let duration, !(duration > 0 && duration <= ScenarioMaxima.seconds) {
            throw ValidationError("--duration must be > 0 seconds, got \(duration)")
        }
        if let requests, requests < 1 { throw ValidationError("--requests must be >= 1, got \(requests)") }
        if let warmup, !(warmup >= 0 && warmup.isFinite) { throw ValidationError("--warmup must be >= 0 seconds, got \(warmup)") }
        if !(1...1_000_000).contains(maxInFlight) { throw ValidationError("--max-in-flight must be between 1 and 1000000, got \(maxInFlight)") }
        if !(timeout > 0 && timeout <= 86_400) { throw ValidationError("--timeout must be > 0 and <= 86400 seconds, got \(timeout)") }
        if !(connectTimeout > 0 && connectTimeout <= 600) {
            throw ValidationError("--connect-timeout must be > 0 and <= 600 seconds, got \(connectTimeout)")
        }
    }

    func run() throws {
        let base = try Self.checkedTarget(target)
        let (schedule, modelName, workloadSeed) = try loadSchedule()
        let settings = LoadSettings(
            target: base, endpoint: endpoint.api, model: modelName, stream: stream, maxInFlight: maxInFlight,
            requestTimeout: timeout, connectTimeout: connectTimeout, promptSeed: workloadSeed ?? 1)
        let progress = output.progressReporter
        progress.say("sending \(schedule.requests.count) requests over \(Format.fixed(schedule.horizon, 1)) s to \(settings.url)")
        let report = try AsyncCommandBridge.run { await OpenLoopRunner.run(schedule, settings: settings, seed: workloadSeed, progress: progress) }
        if output.json {
            try JSONOutput.print(report, kind: "load")
        } else {
            print(LoadTable.render(report))
        }
        if report.sent > 0 && report.completed == 0 {
            let reasons = report.errors.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", ")
            throw CommandFailure("all \(report.sent) requests sent to \(settings.url) failed (\(reasons))")
        }
    }

    /// The scenario's or the trace's requests under the flags, the model name, and the seed used.
    private func loadSchedule() throws -> (LoadSchedule, String, UInt64?) {
        let override = ArrivalOverride(rate: rate, process: arrival, cv: cv)
        let limits = workLimits.limits
        if Self.isTrace(file) {
            guard let model else { throw InputError("--model: required with a trace (\(file)); a scenario names its own") }
            var classNames: [String] = []
            let recorded = try TraceWorkload.load(path: file, classNames: &classNames)
            let traced = Workload.trace(path: file, requests: recorded, classNames: classNames)
            let firstSeed = seed ?? 1
            let workload = try override.apply(to: traced, seed: firstSeed)
            let lastArrival = Self.traceRequests(of: workload).last?.arrivalTime ?? 0
            let horizon = duration ?? lastArrival.nextUp
            let schedule = try checked(LoadSchedule(workload: workload, horizon: horizon, warmup: warmup ?? 0, seed: firstSeed, limit: requests),
                                       limits: limits)
            return (schedule, model, override.process != nil ? firstSeed : nil)
        }
        var scenario = try ScenarioKinds.loadSimulate(path: file, limits: limits)
        let firstSeed = seed ?? scenario.seeds.first ?? 1
        scenario.seeds = [firstSeed]
        scenario.workload = try override.apply(to: scenario.workload, seed: firstSeed)
        try scenario.override(horizon: duration, warmup: warmup)
        if requests == nil { try scenario.work.check(limits, at: "workload") }
        let schedule = try checked(
            LoadSchedule(workload: scenario.workload, horizon: scenario.horizon, warmup: scenario.warmup, seed: firstSeed, limit: requests),
            limits: limits)
        return (schedule, model ?? scenario.model.name, firstSeed)
    }

    /// The schedule when it has requests and is within the work limits.
    private func checked(_ schedule: LoadSchedule, limits: WorkLimits) throws -> LoadSchedule {
        guard !schedule.requests.isEmpty else { throw InputError("\(file): no request arrives within the horizon \(Format.fixed(schedule.horizon, 1)) s") }
        try limits.check(requests: Double(schedule.requests.count), what: "requests to send", at: file)
        return schedule
    }

    /// A trace workload's requests (none for synthetic classes).
    private static func traceRequests(of workload: Workload) -> [Request] {
        if case let .trace(_, requests, _) = workload { return requests }
        return []
    }

    /// Whether `path` names a trace rather than a scenario: a `.csv` or `.jsonl` file.
    static func isTrace(_ path: String) -> Bool {
        let lower = path.lowercased()
        return lower.hasSuffix(".csv") || lower.hasSuffix(".jsonl")
    }

    /// `text` as an http(s) base URL with a host, without a trailing slash; `InputError` otherwise.
    static func checkedTarget(_ text: String) throws -> String {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme),
              let host = url.host, !host.isEmpty, url.query == nil, url.fragment == nil else {
            throw InputError("--target: expected an http:// or https:// URL with a host, e.g. http://127.0.0.1:8000, got '\(text)'")
        }
        var base = text
        while base.hasSuffix("/") { base.removeLast() }
        return base
    }
}

/// `--endpoint`: which OpenAI-compatible endpoint the load is sent to.
enum LoadEndpoint: String, ChoiceArgument {
    case completions
    case chat

    var api: CompletionEndpoint { self == .chat ? .chat : .text }
}

extension ArrivalOverride.Process: ChoiceArgument {}

