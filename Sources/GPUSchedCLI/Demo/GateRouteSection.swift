import GateAndRoute
import Planning

/// Demo section: the gate-and-route paper's convergence instance, planned by `GateRoutePlanner`
/// (the bundled fluid LP) and checked by a short CTMC run of `GateRouteEvaluator`.
struct GateRouteSection {
    struct Report: Encodable {
        var revenuePerGPU: Double
        var mixedGPUs: Int
        var gpus: Int
        var prefillOccupancy: [String: Double]
        var prefillQueue: [String: Double]
        /// Revenue per GPU over R* in a short CTMC run (n = 100, T = 2,000 s, one seed), by policy;
        /// `gate-and-route+corrections` adds decode back-pressure and square-root staffing (κ = 1).
        var simulatedRatio: [String: Double]
    }

    /// The CTMC check: a short run of the paper's policy (as written, then with the finite-n
    /// corrections) and two baselines, labelled as the report shows them.
    static let checkRuns: [(label: String, policy: GateRoutePolicy, options: CTMCOptions)] = [
        ("gate-and-route", .gateAndRoute, CTMCOptions()),
        ("gate-and-route+corrections", .gateAndRoute, CTMCOptions(rationedClasses: .whenDecodeIdle, mixedSafety: 1)),
        ("fi-wsp", .fiWSP, CTMCOptions()),
        ("gi-wsp", .giWSP, CTMCOptions()),
    ]

    /// B = 16, C = 256, Qwen-8B on A100 (α = 0.0174, β = 6.2e-5, γ = 45.45), n = 500.
    static let instance = GateRouteInstance(
        classes: [
            GateRouteClass(name: "code", promptTokens: 300, decodeTokens: 1000, arrivalRate: 0.5, abandonmentRate: 0.1),
            GateRouteClass(name: "summarize", promptTokens: 3000, decodeTokens: 400, arrivalRate: 0.5, abandonmentRate: 0.1),
        ],
        engine: GateRouteEngine(batchSize: 16, chunkSize: 256, alpha: 0.0174, beta: 6.2e-5, gamma: 45.45),
        pricing: Pricing(scheme: .bundled, prefillPrice: 0.1, decodePrice: 0.2), gpus: 500)

    let solution: GateRouteSolution
    let check: [(label: String, evaluation: GateRouteEvaluation)]

    init(context: PlanningContext) throws {
        let solution = try GateRoutePlanner().plan(GateRouteProblem(instance: Self.instance), context: context).plan
        self.solution = solution
        check = try Self.checkRuns.map { run in
            let evaluator = GateRouteEvaluator(
                instance: Self.instance, plan: solution.plan, gpus: 100, horizon: 2_000, warmup: 500, options: run.options)
            return (run.label, try evaluator.evaluate(run.policy, named: run.label, seeds: [1], progress: .silent))
        }
    }

    var report: Report {
        let classes = solution.plan.classes
        return Report(
            revenuePerGPU: solution.revenuePerGPU, mixedGPUs: solution.mixedGPUs, gpus: Self.instance.gpus,
            prefillOccupancy: Dictionary(uniqueKeysWithValues: classes.map { ($0.name, $0.prefillOccupancy) }),
            prefillQueue: Dictionary(uniqueKeysWithValues: classes.map { ($0.name, $0.prefillQueue) }),
            simulatedRatio: Dictionary(uniqueKeysWithValues: check.map { ($0.label, $0.evaluation.ratioToOptimum) }))
    }

    func render() -> String {
        let simulated = check.map { "\($0.label) \(Format.fixed($0.evaluation.ratioToOptimum, 4))" }.joined(separator: ", ")
        return solution.text()
            + "\nCTMC check (n = 100, T = 2,000 s, 1 seed), revenue / R*: \(simulated)"
            + "\n(full comparison: gpusched simulate gate-route examples/gate-route.yaml [--rationed when-decode-idle --staffing 1])"
    }
}
