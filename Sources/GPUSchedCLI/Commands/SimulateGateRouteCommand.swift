import ArgumentParser
import Foundation
import GateAndRoute
import ServingModel
import Simulation

/// `gpusched simulate gate-route FILE`: the policies against the fluid optimum, per policy and n.
struct SimulateGateRouteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gate-route",
        abstract: "Run the gate-and-route policies and baselines (CTMC or token level) against the LP optimum.",
        discussion: """
            Fidelity 'ctmc' is the paper's continuous-time Markov chain (exponential prefill, decode and \
            patience times; decode speed set by the GPU's current mode). Fidelity 'token' runs the \
            token-level simulator (real batches, deterministic or exponential lengths). Every policy \
            runs on the same seeds. Horizon, warm-up, seeds and cluster sizes come from the scenario's \
            'simulation:' section unless overridden.

            Examples:
              gpusched simulate gate-route examples/gate-route.yaml
              gpusched simulate gate-route examples/gate-route.yaml --policies gate-and-route,fi-wsp --gpus 50,500
              gpusched simulate gate-route examples/gate-route.yaml --fidelity token --gpus 20 --json
            """
    )

    enum Fidelity: String, ExpressibleByArgument, CaseIterable {
        case ctmc, token
    }

    @Argument(help: "Scenario file (kind: gate-route).")
    var file: String

    @Option(name: .long, help: "Comma-separated policies (default: all of the chosen fidelity).")
    var policies: String?

    @Option(name: .long, help: "Comma-separated cluster sizes n (default: the scenario's simulation.gpus).")
    var gpus: String?

    @Option(name: .long, help: "ctmc (the paper's model) or token (the token-level simulator).")
    var fidelity: Fidelity = .ctmc

    @Option(name: .long, help: "Token level only: deterministic or exponential lengths.")
    var lengths: TokenLevelExperiment.Lengths = .deterministic

    @Option(name: .long, help: "Override the number of seeds.")
    var seeds: Int?

    @Option(name: .long, help: "Override the horizon in seconds.")
    var horizon: Double?

    @Option(name: .long, help: ArgumentHelp(
        "When the gate admits classes the LP rations (q_p* > 0): always (the paper) or when-decode-idle.",
        discussion: "when-decode-idle holds rationed classes back while a decode waits for a slot."))
    var rationed: RationedAdmission = .always

    @Option(name: .long, help: ArgumentHelp(
        "κ of the static plan's mixed-GPU count M = ⌈m + κ√m⌉, m = n·Σx* (0: the paper's ⌈m⌉).",
        valueName: "kappa"))
    var staffing: Double = 0

    @Option(name: .long, help: "CTMC: classes with x* = 0 are admitted never (default) or last (when no other class waits).")
    var zeroTarget: ZeroTargetAdmission = .never

    @OptionGroup var output: OutputOptions

    @OptionGroup var workLimits: WorkLimitOptions

    func validate() throws {
        if let seeds, !(1...SimulateScenario.maxSeeds).contains(seeds) {
            throw ValidationError("--seeds must be between 1 and \(SimulateScenario.maxSeeds), got \(seeds)")
        }
        if !(staffing >= 0) || !staffing.isFinite { throw ValidationError("--staffing must be >= 0, got \(staffing)") }
        if let horizon, !(horizon > 0 && horizon.isFinite) { throw ValidationError("--horizon must be > 0, got \(horizon)") }
    }

    func run() throws {
        let limits = workLimits.limits
        let available = fidelity == .ctmc ? GateRoutePolicy.allCases.map(\.rawValue) : TokenLevelExperiment.policies
        let requested = try policies.map { try parseList($0, option: "--policies", allowed: available) }
        let sizeOverride = try gpus.map(parseSizes)
        let scenario = try ScenarioKinds.loadGateRoute(path: file, limits: limits)
        let settings = scenario.simulation
        let names = requested ?? settings.policies ?? available
        for name in names where !available.contains(name) {
            throw InputError("policy '\(name)' is not available at fidelity \(fidelity.rawValue); choose from: "
                + available.joined(separator: ", "))
        }
        let sizes = sizeOverride ?? settings.gpus
        let horizon = self.horizon ?? settings.horizon
        let warmup = min(settings.warmup, horizon / 2)
        let seedList = (1...(seeds ?? settings.seeds)).map(UInt64.init)
        let work = GateRouteWork(
            instance: scenario.instance, gpus: sizes, policies: names.count, horizon: horizon, seeds: seedList.count,
            fidelity: fidelity == .ctmc ? .ctmc : .token)
        try work.check(limits, at: gpus != nil ? "--gpus" : "simulation")
        let solution = try GateRoutePlanCommand.solve(scenario)
        let progress = output.progressReporter
        var rows: [GateRouteSimulationRow] = []
        for n in sizes {
            for name in names {
                progress.say("\(name) on n = \(n) GPUs, \(seedList.count) seeds, T = \(Format.fixed(horizon, 0)) s")
                var instance = scenario.instance
                instance.gpus = n
                switch (fidelity, GateRoutePolicy(rawValue: name)) {
                case let (.ctmc, policy?):
                    let summary: CTMCSummary
                    do {
                        summary = try CTMCExperiment.run(
                            instance: instance, plan: solution.plan, policy: policy, gpus: n,
                            horizon: horizon, warmup: warmup, seeds: seedList,
                            options: CTMCOptions(zeroTargetClasses: zeroTarget, rationedClasses: rationed, mixedSafety: staffing))
                    } catch let error as CTMCError {
                        throw InputError(error.description)
                    }
                    rows.append(GateRouteSimulationRow(summary))
                case (.ctmc, nil):
                    throw InputError("policy '\(name)' is not a CTMC policy")
                case (.token, _):
                    let result: TokenLevelExperiment.Result
                    do {
                        result = try TokenLevelExperiment.run(
                            instance: instance, plan: solution.plan, policy: name, gpus: n, horizon: horizon, warmup: warmup,
                            seeds: seedList, lengths: lengths, rationedClasses: rationed, mixedSafety: staffing)
                    } catch {
                        throw InputError(error.description)
                    }
                    rows.append(GateRouteSimulationRow(result, classNames: instance.classes.map(\.name)))
                }
            }
        }
        let report = GateRouteSimulationReport(
            fidelity: fidelity.rawValue, revenueOptimum: solution.plan.revenuePerGPU, horizon: horizon, warmup: warmup,
            seeds: seedList, rationedClasses: rationed.rawValue, staffing: staffing, rows: rows)
        if output.json {
            try JSONOutput.print(report, kind: "simulate-gate-route")
        } else {
            print(report.render(plan: solution.plan))
            if !scenario.targets.isEmpty {
                print("note: with SLIs the ratio compares simulated revenue with the SLI LP's optimum "
                    + "(\(Format.fixed(solution.revenuePerGPU, 2)) revenue, \(Format.fixed(solution.penaltyPerGPU, 2)) penalty); "
                    + "the policies follow the SLI plan's targets but are not charged penalties")
            }
        }
    }

    private func parseList(_ text: String, option: String, allowed: [String]) throws -> [String] {
        let items = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        for item in items where !allowed.contains(item) {
            throw InputError("\(option): unknown policy '\(item)'" + NameSuggestion.hint(for: item, in: allowed))
        }
        return items
    }

    /// `--gpus 5,20,50`: at least one size, each a whole number in 1...1,000,000.
    private func parseSizes(_ text: String) throws -> [Int] {
        let items = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        guard items.contains(where: { !$0.isEmpty }) else {
            throw InputError("--gpus: give at least one cluster size, e.g. --gpus 50,500")
        }
        let maximum = GateRouteScenario.Bounds.maxGPUs
        return try items.map { item in
            guard let n = Int(item), (1...maximum).contains(n) else {
                throw InputError("--gpus: '\(item)' is not a whole number of GPUs between 1 and \(maximum)")
            }
            return n
        }
    }
}

extension TokenLevelExperiment.Lengths: ExpressibleByArgument {}
extension RationedAdmission: ExpressibleByArgument {}
extension ZeroTargetAdmission: ExpressibleByArgument {}

/// One policy at one cluster size (JSON keys are stable).
struct GateRouteSimulationRow: Encodable {
    struct ClassRow: Encodable {
        var name: String
        /// CTMC: X_i/n, Y_{m,i}/n, Y_{s,i}/n, Q_{p,i}/n, Q_{d,i}/n (time averages); token level: nil.
        var prefillOccupancy: Double?
        var mixedDecodeOccupancy: Double?
        var soloDecodeOccupancy: Double?
        var prefillQueue: Double?
        var decodeQueue: Double?
        /// Completed requests per GPU per second.
        var throughputPerGPU: Double
    }

    var policy: String
    var gpus: Int
    var mixedGPUs: Int?
    var revenuePerGPU: Double
    var revenueStd: Double
    var ratioToOptimum: Double
    /// Decode buffer per GPU (CTMC only).
    var decodeBuffer: Double?
    /// Mean time per output token, seconds.
    var averageTPOT: Double
    var classes: [ClassRow]

    init(_ summary: CTMCSummary) {
        policy = summary.policy.rawValue
        gpus = summary.gpus
        mixedGPUs = summary.mixedGPUs
        revenuePerGPU = summary.revenuePerGPU.mean
        revenueStd = summary.revenuePerGPU.std
        ratioToOptimum = summary.ratioToPlan.mean
        decodeBuffer = summary.decodeBuffer.mean
        averageTPOT = summary.averageTPOT.mean
        classes = summary.classes.map {
            ClassRow(
                name: $0.name, prefillOccupancy: $0.prefillOccupancy.mean, mixedDecodeOccupancy: $0.mixedDecodeOccupancy.mean,
                soloDecodeOccupancy: $0.soloDecodeOccupancy.mean, prefillQueue: $0.prefillQueue.mean,
                decodeQueue: $0.decodeQueue.mean, throughputPerGPU: $0.throughputPerGPU.mean)
        }
    }

    init(_ result: TokenLevelExperiment.Result, classNames: [String]) {
        policy = result.policy
        gpus = result.gpus
        revenuePerGPU = result.revenuePerGPU
        revenueStd = result.revenueStd
        ratioToOptimum = result.ratioToOptimum
        averageTPOT = result.meanTPOT
        classes = zip(classNames, result.completedPerGPU).map { ClassRow(name: $0, throughputPerGPU: $1) }
    }
}

/// `simulate gate-route` output.
struct GateRouteSimulationReport: Encodable {
    var fidelity: String
    /// R*, the LP optimum per GPU per second.
    var revenueOptimum: Double
    var horizon: Double
    var warmup: Double
    var seeds: [UInt64]
    /// The finite-n corrections: `always` or `when-decode-idle`, and κ of M = ⌈m + κ√m⌉.
    var rationedClasses: String
    var staffing: Double
    var rows: [GateRouteSimulationRow]

    func render(plan: GateRoutePlan) -> String {
        var lines = [
            "\(fidelity == "ctmc" ? "CTMC" : "token level"): R* = \(Format.fixed(revenueOptimum, 2)) per GPU per second; "
                + "T = \(Format.fixed(horizon, 0)) s, warm-up \(Format.fixed(warmup, 0)) s, \(seeds.count) seeds (mean ± std over seeds)",
            "",
        ]
        if rationedClasses != RationedAdmission.always.rawValue || staffing != 0 {
            lines.insert(
                "options: rationed classes admitted \(rationedClasses), mixed GPUs M = ⌈m + κ√m⌉ with κ = "
                    + Format.fixed(staffing, 2), at: 1)
        }
        let classNames = plan.classes.map(\.name)
        var headers = ["policy", "n", "revenue/GPU", "ratio to R*", "avg TPOT ms"]
        if fidelity == "ctmc" {
            headers += ["decode buffer/n"] + classNames.map { "X/n \($0)" } + classNames.map { "Q/n \($0)" }
        }
        var table = TextTable(headers, rightAligned: Set(1..<headers.count))
        for row in rows {
            var cells = [
                row.policy, "\(row.gpus)", Format.fixed(row.revenuePerGPU, 2) + " ±" + Format.fixed(row.revenueStd, 2),
                Format.fixed(row.ratioToOptimum, 4), Format.fixed(row.averageTPOT * 1000, 2),
            ]
            if fidelity == "ctmc" {
                cells.append(Format.fixed(row.decodeBuffer ?? .nan, 4))
                cells += row.classes.map { Format.fixed($0.prefillOccupancy ?? .nan, 4) }
                cells += row.classes.map { Format.fixed($0.prefillQueue ?? .nan, 4) }
            }
            table.add(cells)
        }
        lines.append(table.render())
        if fidelity == "ctmc" {
            lines.append("targets: " + plan.classes.map {
                "x*(\($0.name)) = \(Format.fixed($0.prefillOccupancy, 4)), q*(\($0.name)) = \(Format.fixed($0.prefillQueue, 4))"
            }.joined(separator: "; "))
        }
        return lines.joined(separator: "\n")
    }
}
