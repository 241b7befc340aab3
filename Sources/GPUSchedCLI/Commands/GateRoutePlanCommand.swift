import ArgumentParser
import Foundation
import GateAndRoute
import ServingModel

/// `gpusched plan gate-route FILE`: the fluid LP of the prefill–decode contention model.
struct GateRoutePlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gate-route",
        abstract: "Solve the gate-and-route fluid LP (bundled or separate pricing, optional SLIs).",
        discussion: """
            Prints the revenue per GPU R*, each class's prefill and decode occupancies and queue masses, \
            the number of mixed GPUs M = ceil(n·Σx*), the binding constraints with their shadow prices, \
            and warnings (e.g. when γτ < (B−1)/B).

            Example:
              gpusched plan gate-route examples/gate-route.yaml
              gpusched plan gate-route examples/gate-route.yaml --json
            """
    )

    @Argument(help: "Scenario file (kind: gate-route).")
    var file: String

    @OptionGroup var output: OutputOptions

    /// Solves the scenario's LP; planning failures become bad-input errors (exit code 2).
    static func solve(_ scenario: GateRouteScenario) throws -> GateRouteSolution {
        do {
            return try GateRoutePlanner(instance: scenario.instance, targets: scenario.targets).solve()
        } catch let error as GateRoutePlanningError {
            throw ScenarioError(issues: error.lines.map { ScenarioIssue(path: "", message: $0) })
        }
    }

    func run() throws {
        let scenario = try ScenarioKinds.loadGateRoute(path: file)
        let solution = try GateRoutePlanCommand.solve(scenario)
        if output.json {
            try JSONOutput.print(GateRoutePlanReport(solution, gpus: scenario.instance.gpus), kind: "plan-gate-route")
        } else {
            print(GateRoutePlanReport.render(solution, instance: scenario.instance))
        }
    }
}

/// The JSON form of a gate-and-route plan (stable keys).
struct GateRoutePlanReport: Encodable {
    struct ClassRow: Encodable {
        var name: String
        var prefillOccupancy: Double
        var mixedDecodeOccupancy: Double
        var soloDecodeOccupancy: Double
        var prefillQueue: Double
        var decodeQueue: Double
        var completionsPerGPU: Double
    }

    var scheme: String
    var gpus: Int
    var revenuePerGPU: Double
    var objectivePerGPU: Double
    var penaltyPerGPU: Double
    var mixedFraction: Double
    var mixedGPUs: Int
    var classes: [ClassRow]
    var bindingConstraints: [BindingConstraint]
    var warnings: [String]
    var mixedIterationSeconds: Double
    var soloToMixedSpeedRatio: Double
    var solveSeconds: Double

    init(_ solution: GateRouteSolution, gpus: Int) {
        scheme = solution.scheme.rawValue
        self.gpus = gpus
        revenuePerGPU = solution.revenuePerGPU
        objectivePerGPU = solution.objectivePerGPU
        penaltyPerGPU = solution.penaltyPerGPU
        mixedFraction = solution.plan.mixedFraction
        mixedGPUs = solution.mixedGPUs
        classes = zip(solution.plan.classes, solution.completionsPerGPU).map { plan, completions in
            ClassRow(
                name: plan.name, prefillOccupancy: plan.prefillOccupancy, mixedDecodeOccupancy: plan.mixedDecodeOccupancy,
                soloDecodeOccupancy: plan.soloDecodeOccupancy, prefillQueue: plan.prefillQueue, decodeQueue: plan.decodeQueue,
                completionsPerGPU: completions)
        }
        bindingConstraints = solution.bindingConstraints
        warnings = solution.warnings
        mixedIterationSeconds = solution.mixedIterationSeconds
        soloToMixedSpeedRatio = solution.soloToMixedSpeedRatio
        solveSeconds = solution.solveSeconds
    }

    static func render(_ solution: GateRouteSolution, instance: GateRouteInstance) -> String {
        var lines: [String] = []
        let penalty = solution.penaltyPerGPU > 1e-12 ? " (objective \(Format.fixed(solution.objectivePerGPU, 4)) after SLI penalties)" : ""
        lines.append("\(solution.scheme.rawValue) pricing, n = \(instance.gpus) GPUs: R* = \(Format.fixed(solution.revenuePerGPU, 4)) per GPU per second\(penalty)")
        lines.append("mixed GPUs M = ⌈n·Σx*⌉ = ⌈\(instance.gpus) × \(Format.fixed(solution.plan.mixedFraction, 5))⌉ = \(solution.mixedGPUs); "
            + "τ = \(Format.fixed(solution.mixedIterationSeconds, 6)) s, γτ = \(Format.fixed(solution.soloToMixedSpeedRatio, 4))")
        lines.append("")
        var table = TextTable(["class", "x* prefill", "y_m* mixed", "y_s* solo", "q_p* queue", "q_d* buffer", "completions/GPU/s"])
        for (plan, completions) in zip(solution.plan.classes, solution.completionsPerGPU) {
            table.add([
                plan.name, Format.fixed(plan.prefillOccupancy, 5), Format.fixed(plan.mixedDecodeOccupancy, 4),
                Format.fixed(plan.soloDecodeOccupancy, 4), Format.fixed(plan.prefillQueue, 4), Format.fixed(plan.decodeQueue, 4),
                Format.fixed(completions, 4),
            ])
        }
        lines.append(table.render())
        lines.append("")
        var binding = TextTable(["binding constraint", "shadow price"])
        for row in solution.bindingConstraints { binding.add([row.name, Format.fixed(row.shadowPrice, 4)]) }
        lines.append(binding.render())
        for warning in solution.warnings { lines.append("warning: \(warning)") }
        return lines.joined(separator: "\n")
    }
}
