import ArgumentParser
import ExpertPlacement
import Foundation
import ServingModel

/// `gpusched plan moe FILE`: every placement method on the same statistics, scored on the evaluation split.
struct MoEPlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "moe",
        abstract: "Place MoE experts on a cluster topology (load-aware ILP, balance MILP, EPLB, baselines).",
        discussion: """
            Plans on the profiling split, scores on the evaluation split. Expected hops are weighted link \
            hops per token summed over MoE layers (dispatch + combine); cross-node bytes count the \
            bf16 hidden state each way; max/mean load is averaged over layers.

            Example:
              gpusched plan moe examples/moe-sparse-dragonfly.yaml --json > plan.json
              gpusched export moe plan.json --format sglang
            """
    )

    @Argument(help: "Scenario file (kind: moe-placement).")
    var file: String

    @OptionGroup var output: OutputOptions

    @OptionGroup var workLimits: WorkLimitOptions

    func run() throws {
        let scenario = try ScenarioKinds.loadMoE(path: file, limits: workLimits.limits)
        let report: MoEReport
        do {
            let progress = output.progressReporter
            report = try MoEReport.make(scenario) { progress.say($0) }
        } catch {
            throw InputError(error.message)
        }
        if output.json {
            try JSONOutput.print(report, kind: "plan-moe")
            return
        }
        print(report.summaryLine)
        print(report.table().render())
        if !report.pareto.isEmpty {
            print("")
            print("hops vs imbalance (load-aware with a balance row):")
            var table = TextTable(["max/mean limit", "expected hops", "max/mean load", "gap", "seconds"])
            for point in report.pareto {
                table.add([
                    point.maxImbalance.map { Format.fixed($0, 2) } ?? "none", Format.fixed(point.expectedHops, 3),
                    Format.fixed(point.maxMeanLoad, 3), point.gap.map { Format.fixed($0 * 100, 2) + " %" } ?? "-",
                    Format.fixed(point.solveSeconds, 2),
                ])
            }
            print(table.render())
        }
    }
}

/// The `plan moe` result: the setting, each method's figures and plan, and the Pareto sweep.
struct MoEReport: Codable {
    struct Model: Codable {
        var name: String
        var layers: Int
        var moeLayers: Int
        var experts: Int
        var expertsPerToken: Int
    }

    struct Method: Codable {
        var name: String
        var expectedHops: Double
        var dispatchHops: Double
        var combineHops: Double
        var reductionVsRoundRobin: Double?
        var crossNodeBytesPerToken: Double
        var crossNodeReductionVsRoundRobin: Double?
        var maxMeanLoad: Double
        var worstLayerMaxMeanLoad: Double
        var solveSeconds: Double
        var objective: Double?
        var bound: Double?
        var gap: Double?
        var routing: String
        /// `placement[l][g]`: logical experts on GPU g at MoE layer l.
        var placement: [[[Int]]]

        // Encode absent optionals as null so that every method has the same keys.
        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(name, forKey: .name)
            try c.encode(expectedHops, forKey: .expectedHops)
            try c.encode(dispatchHops, forKey: .dispatchHops)
            try c.encode(combineHops, forKey: .combineHops)
            try c.encode(reductionVsRoundRobin, forKey: .reductionVsRoundRobin)
            try c.encode(crossNodeBytesPerToken, forKey: .crossNodeBytesPerToken)
            try c.encode(crossNodeReductionVsRoundRobin, forKey: .crossNodeReductionVsRoundRobin)
            try c.encode(maxMeanLoad, forKey: .maxMeanLoad)
            try c.encode(worstLayerMaxMeanLoad, forKey: .worstLayerMaxMeanLoad)
            try c.encode(solveSeconds, forKey: .solveSeconds)
            try c.encode(objective, forKey: .objective)
            try c.encode(bound, forKey: .bound)
            try c.encode(gap, forKey: .gap)
            try c.encode(routing, forKey: .routing)
            try c.encode(placement, forKey: .placement)
        }
    }

    var model: Model
    var topology: String
    var gpus: Int
    var nodes: Int
    var slotsPerGPU: Int
    var redundantExperts: Int
    var evaluationHeldOut: Bool
    var methods: [Method]
    var pareto: [ParetoPoint]

    /// Runs every method of the scenario (and its sweep); `progress` hears what runs next.
    static func make(
        _ scenario: MoEScenario, progress: (String) -> Void = { _ in }
    ) throws(PlacementError) -> MoEReport {
        let (problem, data) = try scenario.instance()
        var comparison = MethodComparison(
            problem: problem, evaluation: data.evaluation, bytesPerActivation: scenario.bytesPerActivation,
            timeLimit: scenario.timeLimit)
        comparison.nodeLimit = scenario.nodeLimit
        let results = try comparison.run(methods: scenario.methods, maxImbalance: scenario.maxImbalance) {
            progress("\($0) on \(problem.gpus) GPUs, \(problem.layers) layers")
        }
        let reference: MethodResult
        if let listed = results.first(where: { $0.name == "round-robin" }) { reference = listed } else { reference = try comparison.run(RoundRobinPlacer()) }
        let methods = results.map { result in
            Method(
                name: result.name, expectedHops: result.metrics.expectedHops, dispatchHops: result.metrics.dispatchHops,
                combineHops: result.metrics.combineHops,
                reductionVsRoundRobin: MethodComparison.reduction(result.metrics.expectedHops, versus: reference.metrics.expectedHops),
                crossNodeBytesPerToken: result.metrics.crossNodeBytes,
                crossNodeReductionVsRoundRobin: MethodComparison.reduction(
                    result.metrics.crossNodeBytes, versus: reference.metrics.crossNodeBytes),
                maxMeanLoad: result.metrics.maxMeanLoad, worstLayerMaxMeanLoad: result.metrics.worstLayerMaxMeanLoad,
                solveSeconds: result.solveSeconds, objective: result.objective, bound: result.bound, gap: result.gap,
                routing: result.plan.routing.rawValue, placement: result.plan.layers)
        }
        let model = scenario.model, moe = scenario.moe
        return MoEReport(
            model: Model(name: model.name, layers: model.layers, moeLayers: moe.moeLayers, experts: moe.routedExperts,
                         expertsPerToken: moe.expertsPerToken),
            topology: scenario.topology.label, gpus: problem.gpus, nodes: problem.distances.nodeCount,
            slotsPerGPU: problem.slotsPerGPU, redundantExperts: problem.redundantExperts, evaluationHeldOut: data.heldOut,
            methods: methods,
            pareto: scenario.sweep.isEmpty ? [] : try comparison.paretoFront(limits: scenario.sweep, progress: progress))
    }

    var summaryLine: String {
        "\(model.name): \(model.moeLayers) MoE layers × \(model.experts) experts (top-\(model.expertsPerToken)) on \(topology) "
            + "(\(gpus) GPUs, \(slotsPerGPU) slots each" + (redundantExperts > 0 ? ", \(redundantExperts) redundant" : "") + "); "
            + (evaluationHeldOut ? "scored on the held-out evaluation split" : "no evaluation split: scored on the profile")
    }

    func table() -> TextTable {
        var table = TextTable([
            "method", "hops/token", "vs RR", "cross-node KB/token", "max/mean load", "worst layer", "seconds", "gap",
        ])
        for m in methods {
            table.add([
                m.name, Format.fixed(m.expectedHops, 3), m.reductionVsRoundRobin.map { Format.fixed(-$0 * 100 + 0, 1) + " %" } ?? "-",
                Format.fixed(m.crossNodeBytesPerToken / 1024, 1), Format.fixed(m.maxMeanLoad, 3), Format.fixed(m.worstLayerMaxMeanLoad, 3),
                Format.fixed(m.solveSeconds, 3), m.gap.map { Format.fixed($0 * 100, 2) + " %" } ?? "-",
            ])
        }
        return table
    }
}

/// `gpusched export moe PLAN.json --format sglang`: one method's placement as an engine's expert map.
struct MoEExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "moe",
        abstract: "Write a placement from `plan moe --json` as SGLang's physical-to-logical expert map.",
        discussion: """
            The output is the JSON that SGLang's --init-expert-location reads: \
            {"physical_to_logical_map": [[...], ...]}, one row per transformer layer (num_hidden_layers), \
            physical expert p on EP rank p / (experts per GPU). Dense layers (the first layers − MoE \
            layers) get the trivial map p mod experts. Every GPU must hold the same number of experts. \
            vLLM has no equivalent start-up file (its EPLB rebalances online), so sglang is the only format.

            The plan is checked before anything is written: its shape (MoE layers × GPUs × slots) \
            against the model it names (when the built-in catalog has it) and, with --scenario, \
            against that scenario's model and cluster; every expert id in range; every expert placed \
            at least once per layer.

            Example:
              gpusched plan moe examples/moe-sparse-dragonfly.yaml --json > plan.json
              gpusched export moe plan.json --format sglang --method load-aware --output expert-location.json \
                --scenario examples/moe-sparse-dragonfly.yaml
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case sglang
    }

    @Argument(help: "A `plan moe --json` output file.")
    var plan: String

    @Option(name: .long, help: "Output format (sglang).")
    var format: Format = .sglang

    @Option(name: .long, help: "Which method's placement to export.")
    var method: String = "load-aware"

    @Option(name: .long, help: "Write to this file instead of standard output.")
    var output: String?

    @Option(name: .long, help: "The scenario (kind: moe-placement) the plan was made for; its model and cluster must match.")
    var scenario: String?

    @OptionGroup var workLimits: WorkLimitOptions

    /// Largest plan file read (a `plan moe --json` of the largest scenario the limits allow is far smaller).
    static let maxPlanBytes = 256 * 1_048_576

    func run() throws {
        let size = try? FileManager.default.attributesOfItem(atPath: plan)[.size] as? Int
        if let size, size > Self.maxPlanBytes {
            throw InputError("'\(plan)' has \(size) bytes; a plan file may have at most \(Self.maxPlanBytes)")
        }
        guard let data = FileManager.default.contents(atPath: plan) else { throw InputError("cannot read '\(plan)'") }
        let report: MoEReport
        do {
            report = try JSONDecoder().decode(MoEReport.self, from: data)
        } catch {
            throw InputError("'\(plan)' is not a `gpusched plan moe --json` output: \(error)")
        }
        guard let chosen = report.methods.first(where: { $0.name == method }) else {
            let names = report.methods.map(\.name)
            throw InputError("no method '\(method)' in '\(plan)'" + NameSuggestion.hint(for: method, in: names)
                + "; it has: " + names.joined(separator: ", "))
        }
        try MoEPlanMatch.check(report, planPath: plan, scenarioPath: scenario, limits: workLimits.limits)
        do {
            try ExpertPlanCheck.check(
                placement: chosen.placement, moeLayers: report.model.moeLayers, experts: report.model.experts, gpus: report.gpus,
                slotsPerGPU: report.slotsPerGPU)
        } catch {
            throw InputError("\(plan): \(method): \(error.message)")
        }
        let map: [[Int]]
        do {
            map = try SGLangExpertMap.physicalToLogical(
                placement: chosen.placement, layers: report.model.layers, experts: report.model.experts)
        } catch {
            throw InputError("\(method): \(error.message)")
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let text = try encoder.encode(["physical_to_logical_map": map])
        if let output {
            guard FileManager.default.createFile(atPath: output, contents: text + Data("\n".utf8)) else {
                throw InputError("cannot write '\(output)'")
            }
        } else {
            FileHandle.standardOutput.write(text + Data("\n".utf8))
        }
    }
}

/// Whether a `plan moe --json` report belongs to the model it names and, when given, to a scenario.
enum MoEPlanMatch {
    /// Throws `InputError` naming the first field where the plan differs from the built-in catalog's
    /// model of the same name, or from the scenario at `scenarioPath` (model, topology, GPUs, slots,
    /// redundant experts), which is loaded within `limits`.
    static func check(_ report: MoEReport, planPath: String, scenarioPath: String?, limits: WorkLimits) throws {
        var expected: [(field: String, plan: String, reference: String)] = []
        var reference = "the catalog's \(report.model.name)"
        if let scenarioPath {
            let scenario = try ScenarioKinds.loadMoE(path: scenarioPath, limits: limits)
            reference = "scenario '\(scenarioPath)'"
            expected = [
                ("model", report.model.name, scenario.model.name), ("topology", report.topology, scenario.topology.label),
                ("gpus", "\(report.gpus)", "\(scenario.distances.count)"), ("slotsPerGPU", "\(report.slotsPerGPU)", "\(scenario.slotsPerGPU)"),
                ("redundantExperts", "\(report.redundantExperts)", "\(scenario.redundantExperts)"),
            ] + shape(report, scenario.model)
        } else if let model = Catalog.builtin.model(named: report.model.name) {
            expected = shape(report, model)
        }
        if let mismatch = expected.first(where: { $0.plan != $0.reference }) {
            throw InputError("'\(planPath)' does not match \(reference): its \(mismatch.field) is \(mismatch.plan), "
                + "expected \(mismatch.reference)")
        }
    }

    private static func shape(_ report: MoEReport, _ model: ModelSpec) -> [(field: String, plan: String, reference: String)] {
        [
            ("model.layers", "\(report.model.layers)", "\(model.layers)"),
            ("model.moeLayers", "\(report.model.moeLayers)", "\(model.moe?.moeLayers ?? 0)"),
            ("model.experts", "\(report.model.experts)", "\(model.moe?.routedExperts ?? 0)"),
            ("model.expertsPerToken", "\(report.model.expertsPerToken)", "\(model.moe?.expertsPerToken ?? 0)"),
        ]
    }
}
