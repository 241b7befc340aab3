import ArgumentParser
import ExpertPlacement
import Foundation
import Planning
import ServingModel

/// `gpusched plan moe FILE`: every placement method on the same statistics, scored on the evaluation split.
struct MoEPlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "moe",
        abstract: "Place MoE experts on a cluster topology (load-aware ILP, balance MILP, EPLB, baselines).",
        discussion: """
            Plans on the profiling split, scores on the evaluation split. The plan is the first listed \
            method that optimises (load-aware, its balance variant or unweighted); the other methods are \
            its baselines. Expected hops are weighted link hops per token summed over MoE layers \
            (dispatch + combine); cross-node bytes count the bf16 hidden state each way; max/mean load \
            is averaged over layers. --no-evaluate prints the placements and their solves without the \
            scores; --export-model writes the balance MILPs (the load-aware ILP is solved exactly as a \
            transportation problem, without the LP backend).

            Example:
              gpusched plan moe examples/moe-sparse-dragonfly.yaml --json > plan.json
              gpusched export moe plan.json --format sglang
            """
    )

    @Argument(help: "Scenario file (kind: moe-placement).")
    var file: String

    @OptionGroup var output: OutputOptions

    @OptionGroup var reporting: ReportOptions

    @OptionGroup var evaluation: EvaluationOptions

    @OptionGroup var export: ModelExportOptions

    @OptionGroup var workLimits: WorkLimitOptions

    func run() throws {
        let scenario = try ScenarioKinds.loadMoE(path: file, limits: workLimits.limits)
        let problem = try MoEProblem(scenario)
        let report = try export.withSolver { solver in
            let context = PlanningContext(solver: solver, progress: output.progressReporter, limits: workLimits.limits)
            let planned = try MoEPlanner().plan(problem, context: context)
            return try MoEPlanReport(planned, evaluator: evaluation.evaluate ? try MoEEvaluator(problem) : nil, progress: context.progress)
        }
        try reporting.write(JSONOutput.encoded(report), source: file)
        if output.json {
            try JSONOutput.print(report)
            return
        }
        print(MoEPlanText.render(report))
    }
}

/// The text of `plan moe`: the setting, one row per method (the plan first), and the sweep.
enum MoEPlanText {
    static func render(_ report: MoEPlanReport) -> String {
        let setting = report.plan.setting, model = setting.model
        let scored = report.evaluations.first.map {
            $0.heldOut ? "scored on the held-out evaluation split" : "no evaluation split: scored on the profile"
        } ?? "not scored (--no-evaluate)"
        var lines = [
            "\(model.name): \(model.moeLayers) MoE layers × \(model.experts) experts (top-\(model.expertsPerToken)) on \(setting.topology) "
                + "(\(setting.gpus) GPUs, \(setting.slotsPerGPU) slots each"
                + (setting.redundantExperts > 0 ? ", \(setting.redundantExperts) redundant" : "") + "); " + scored,
            methods(report).render(),
        ]
        if !report.plan.front.isEmpty {
            lines += ["", "hops vs imbalance (load-aware with a balance row):", front(report.plan.front).render()]
        }
        return lines.joined(separator: "\n")
    }

    private static func gap(_ solve: SolveSummary, decimals: Int = 2) -> String {
        solve.relativeGap.map { Format.fixed($0 * 100, decimals) + " %" } ?? "-"
    }

    private static func methods(_ report: MoEPlanReport) -> TextTable {
        let candidates = [report.plan] + report.baselines
        guard report.evaluations.count == candidates.count else {
            var table = TextTable(["method", "seconds", "gap"])
            for c in candidates { table.add([c.method.rawValue, Format.fixed(c.solve.wallSeconds, 3), gap(c.solve)]) }
            return table
        }
        var table = TextTable([
            "method", "hops/token", "vs RR", "cross-node KB/token", "max/mean load", "worst layer", "seconds", "gap",
        ])
        for (c, e) in zip(candidates, report.evaluations) {
            table.add([
                c.method.rawValue, Format.fixed(e.expectedHops, 3),
                e.reductionVsRoundRobin.map { Format.fixed(-$0 * 100 + 0, 1) + " %" } ?? "-",
                Format.fixed(e.crossNodeBytesPerToken / 1024, 1), Format.fixed(e.maxMeanLoad, 3), Format.fixed(e.worstLayerMaxMeanLoad, 3),
                Format.fixed(c.solve.wallSeconds, 3), gap(c.solve),
            ])
        }
        return table
    }

    private static func front(_ points: [ParetoPoint]) -> TextTable {
        var table = TextTable(["max/mean limit", "expected hops", "max/mean load", "gap", "seconds"])
        for point in points {
            // The gap column is the balance MILP's; the point without a balance row has none.
            table.add([
                point.maxImbalance.map { Format.fixed($0, 2) } ?? "none", Format.fixed(point.expectedHops, 3),
                Format.fixed(point.maxMeanLoad, 3), point.maxImbalance == nil ? "-" : gap(point.solve),
                Format.fixed(point.solve.wallSeconds, 2),
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

            The method is looked up among the plan and its baselines. Its placement is checked before \
            anything is written: its shape (MoE layers × GPUs × slots) against the model it names (when \
            the built-in catalog has it) and, with --scenario, against that scenario's model and \
            cluster; every expert id in range; every expert placed at least once per layer.

            Example:
              gpusched plan moe examples/moe-sparse-dragonfly.yaml --json > plan.json
              gpusched export moe plan.json --format sglang --method load-aware --out expert-location.json \
                --scenario examples/moe-sparse-dragonfly.yaml
            """
    )

    @Argument(help: "A `plan moe --json` output file.")
    var plan: String

    @Option(name: .long, help: "Output format (\(ExpertMapFormat.choices)).", transform: ExpertMapFormat.choice)
    var format: ExpertMapFormat = .sglang

    @Option(name: .long, help: "Which method's placement to export (\(PlacementMethod.choices)).", transform: PlacementMethod.choice)
    var method: PlacementMethod = .loadAware

    @Option(name: .long, help: ArgumentHelp("Write to FILE instead of standard output.", valueName: "FILE"))
    var out: String?

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
        let file: MoEPlanFile
        do {
            file = try JSONDecoder().decode(MoEPlanFile.self, from: data)
        } catch {
            throw InputError("'\(plan)' is not a `gpusched plan moe --json` output: \(error)")
        }
        guard file.kind == MoEPlanFile.kind else {
            throw InputError("'\(plan)' is a `\(file.kind)` output, not a `gpusched plan moe --json` one (kind \(MoEPlanFile.kind))")
        }
        let candidates = [file.plan] + file.baselines
        guard let chosen = candidates.first(where: { $0.method == method }) else {
            let names = candidates.map(\.method.rawValue)
            throw InputError("no method '\(method)' in '\(plan)'" + NameSuggestion.hint(for: method.rawValue, in: names)
                + "; it has: " + names.joined(separator: ", "))
        }
        let setting = chosen.setting
        try MoEPlanMatch.check(setting, planPath: plan, scenarioPath: scenario, limits: workLimits.limits)
        do {
            try ExpertPlanCheck.check(
                placement: chosen.placement, moeLayers: setting.model.moeLayers, experts: setting.model.experts, gpus: setting.gpus,
                slotsPerGPU: setting.slotsPerGPU)
        } catch {
            throw InputError("\(plan): \(method): \(error.message)")
        }
        let map: [[Int]]
        do {
            map = try SGLangExpertMap.physicalToLogical(
                placement: chosen.placement, layers: setting.model.layers, experts: setting.model.experts)
        } catch {
            throw InputError("\(method): \(error.message)")
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let text = try encoder.encode(["physical_to_logical_map": map])
        if let out {
            guard FileManager.default.createFile(atPath: out, contents: text + Data("\n".utf8)) else {
                throw InputError("cannot write '\(out)'")
            }
        } else {
            FileHandle.standardOutput.write(text + Data("\n".utf8))
        }
    }
}

/// The engines `export moe` writes an expert map for.
enum ExpertMapFormat: String, ChoiceArgument {
    /// SGLang's `--init-expert-location` file.
    case sglang
}

extension PlacementMethod: ChoiceArgument {}

/// The part of a `plan moe --json` output that `export moe` reads: its kind, the plan and the
/// baselines (each placement with its setting).
struct MoEPlanFile: Decodable {
    static let kind = "plan-moe"

    var kind: String
    var plan: MoEPlacementPlan
    var baselines: [MoEPlacementPlan]
}

/// Whether a placement from `plan moe --json` belongs to the model it names and, when given, to a scenario.
enum MoEPlanMatch {
    /// Throws `InputError` naming the first field where the placement's setting differs from the
    /// built-in catalog's model of the same name, or from the scenario at `scenarioPath` (model,
    /// topology, GPUs, slots, redundant experts), which is loaded within `limits`.
    static func check(_ setting: PlacementSetting, planPath: String, scenarioPath: String?, limits: WorkLimits) throws {
        var expected: [(field: String, plan: String, reference: String)] = []
        var reference = "the catalog's \(setting.model.name)"
        if let scenarioPath {
            let scenario = try ScenarioKinds.loadMoE(path: scenarioPath, limits: limits)
            reference = "scenario '\(scenarioPath)'"
            expected = [
                ("model", setting.model.name, scenario.model.name), ("topology", setting.topology, scenario.topology.label),
                ("gpus", "\(setting.gpus)", "\(scenario.distances.count)"), ("slotsPerGPU", "\(setting.slotsPerGPU)", "\(scenario.slotsPerGPU)"),
                ("redundantExperts", "\(setting.redundantExperts)", "\(scenario.redundantExperts)"),
            ] + shape(setting.model, scenario.model)
        } else if let model = Catalog.builtin.model(named: setting.model.name) {
            expected = shape(setting.model, model)
        }
        if let mismatch = expected.first(where: { $0.plan != $0.reference }) {
            throw InputError("'\(planPath)' does not match \(reference): its \(mismatch.field) is \(mismatch.plan), "
                + "expected \(mismatch.reference)")
        }
    }

    private static func shape(_ planned: PlacementSetting.Model, _ model: ModelSpec) -> [(field: String, plan: String, reference: String)] {
        [
            ("model.layers", "\(planned.layers)", "\(model.layers)"),
            ("model.moeLayers", "\(planned.moeLayers)", "\(model.moe?.moeLayers ?? 0)"),
            ("model.experts", "\(planned.experts)", "\(model.moe?.routedExperts ?? 0)"),
            ("model.expertsPerToken", "\(planned.expertsPerToken)", "\(model.moe?.expertsPerToken ?? 0)"),
        ]
    }
}
