import ServingModel

/// `--plan plan-gate-route.json` (kind `plan-gate-route`, `gpusched plan gate-route --json`): the
/// LP's targets x_i*, q_{p,i}* laid over the serve config's gate-and-route pools (or its only pool,
/// which becomes one). The plan names no backends, so a serve config must be given beside it.
/// Classes keep the config's `maxPromptTokens` and the pool's other settings; a pool that was not
/// gate-and-route gets the defaults (class header `x-gpusched-class`, one prefill per backend).
enum GateRoutePlanImporter {
    @Sendable static func read(_ node: ConfigNode, base: ServeConfig?) -> PlanPools? {
        let classes: [GateRouteClassSettings]
        do {
            classes = try GateRoutePlanImport.classes(plan: node.value)
        } catch {
            for issue in error.issues { node.diagnostics.report(issue.path, issue.message) }
            return nil
        }
        let pools = base?.pools ?? []
        var targets = pools.filter { if case .gateAndRoute = $0.policy { true } else { false } }
        if targets.isEmpty, pools.count == 1 { targets = pools }
        guard !targets.isEmpty else {
            node.report("a gate-route plan names no model: give the serve config of the pool it drives "
                + "(one pool, or pools with policy gate-and-route) beside it: gpusched serve CONFIG.yaml --plan PLAN.json")
            return nil
        }
        var imported: [PlanPools.Pool] = []
        for var pool in targets {
            var settings = GateRouteSettings(classes: classes)
            if case let .gateAndRoute(current) = pool.policy {
                settings = current
                let unknown = current.classes.map(\.name).filter { name in !classes.contains { $0.name == name } }
                if !unknown.isEmpty {
                    node.report("pool \(pool.model): the config's classes \(unknown.joined(separator: ", ")) are not in the plan "
                        + "(its classes: \(classes.map(\.name).joined(separator: ", ")))")
                    return nil
                }
                settings.classes = classes.map { planned in
                    var merged = planned
                    merged.maxPromptTokens = current.classes.first { $0.name == planned.name }?.maxPromptTokens
                    return merged
                }
            }
            pool.policy = .gateAndRoute(settings)
            imported.append(PlanPools.Pool(pool: pool, backendPaths: []))
        }
        return PlanPools(pools: imported)
    }
}
