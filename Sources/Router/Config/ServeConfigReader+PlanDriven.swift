import ServingModel

// The plan-driven parts of a serve config: a pool's `gateAndRoute` block (read by
// `GateRouteSettingsReader`) and the `cascades` list (each entry read by `CascadeConfigReader`),
// and the checks that tie cascades to the pools.
extension ServeConfigReader {
    /// The gate-and-route settings of a pool whose policy is `gate-and-route` (its `gateAndRoute`
    /// block is required: it names the classes or the plan that gives them).
    static func readGateAndRoute(_ pool: ConfigObject, policyNode: ConfigNode?, baseDirectory: String) -> GateRouteSettings? {
        guard let block = pool["gateAndRoute"] else {
            pool.report(key: "gateAndRoute", "missing required key: policy gate-and-route needs its classes (classes: or plan:)")
            return nil
        }
        return GateRouteSettingsReader.read(block, baseDirectory: baseDirectory)
    }

    /// The cascades of the config.
    static func readCascades(_ node: ConfigNode, baseDirectory: String, environment: [String: String]) -> [CascadeConfig]? {
        guard let list = node.list() else { return nil }
        let read = list.map { CascadeConfigReader.read($0, baseDirectory: baseDirectory, environment: environment) }
        let cascades = read.compactMap { $0 }
        return cascades.count == list.count ? cascades : nil
    }

    /// Reports a cascade whose name is a pool's model or another cascade's, or whose stage has no pool.
    static func checkCascades(_ cascades: [CascadeConfig], pools: [PoolConfig], report: (Int, String) -> Void) {
        let models = pools.map(\.model)
        var seen: [String: Int] = [:]
        for (index, cascade) in cascades.enumerated() {
            if models.contains(cascade.name) {
                report(index, "the cascade's name '\(cascade.name)' is also a pool's model; clients could not tell them apart")
            }
            if let first = seen[cascade.name] { report(index, "duplicate cascade '\(cascade.name)' (also cascades[\(first)])") }
            seen[cascade.name] = seen[cascade.name] ?? index
            for stage in cascade.stages where !models.contains(stage.model) {
                report(index, "stage model '\(stage.model)' has no pool" + NameSuggestion.hint(for: stage.model, in: models)
                    + "; pools: " + models.joined(separator: ", "))
            }
        }
    }
}
