import GateAndRoute

/// Demo section: the gate-and-route paper's convergence instance, planned by the bundled fluid LP.
struct GateRouteSection {
    struct Report: Encodable {
        var revenuePerGPU: Double
        var mixedGPUs: Int
        var gpus: Int
        var prefillOccupancy: [String: Double]
        var prefillQueue: [String: Double]
    }

    /// B = 16, C = 256, Qwen-8B on A100 (α = 0.0174, β = 6.2e-5, γ = 45.45), n = 500.
    static let instance = GateRouteInstance(
        classes: [
            GateRouteClass(name: "code", promptTokens: 300, decodeTokens: 1000, arrivalRate: 0.5, abandonmentRate: 0.1),
            GateRouteClass(name: "summarize", promptTokens: 3000, decodeTokens: 400, arrivalRate: 0.5, abandonmentRate: 0.1),
        ],
        engine: GateRouteEngine(batchSize: 16, chunkSize: 256, alpha: 0.0174, beta: 6.2e-5, gamma: 45.45),
        pricing: Pricing(scheme: .bundled, prefillPrice: 0.1, decodePrice: 0.2), gpus: 500)

    let solution: GateRouteSolution

    init() throws {
        solution = try GateRoutePlanner(instance: Self.instance).solve()
    }

    var report: Report {
        let classes = solution.plan.classes
        return Report(
            revenuePerGPU: solution.revenuePerGPU, mixedGPUs: solution.mixedGPUs, gpus: Self.instance.gpus,
            prefillOccupancy: Dictionary(uniqueKeysWithValues: classes.map { ($0.name, $0.prefillOccupancy) }),
            prefillQueue: Dictionary(uniqueKeysWithValues: classes.map { ($0.name, $0.prefillQueue) }))
    }

    func render() -> String {
        GateRoutePlanReport.render(solution, instance: Self.instance)
    }
}
