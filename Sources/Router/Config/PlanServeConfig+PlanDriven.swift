import ServingModel

/// `--plan` with a `plan gate-route --json` output (kind `plan-gate-route`): the plan's classes and
/// targets (`GateRoutePlanImport`) become the gate-and-route settings of the config's pool. A
/// gate-route plan names no model, so the config must say which pool: its one `gate-and-route` pool
/// (keeping that pool's class header, prompt bounds by class name and other settings), or else its
/// only pool. Per-pool plans go in each pool's `gateAndRoute.plan` instead.
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
        let gated = pools.filter { if case .gateAndRoute = $0.policy { true } else { false } }
        guard let target = gated.count == 1 ? gated[0] : (gated.isEmpty && pools.count == 1 ? pools[0] : nil) else {
            node.report("a gate-route plan names no model: give a serve config with one pool (or one gate-and-route pool) "
                + "beside --plan, or name the plan in each pool's gateAndRoute.plan; the config has \(pools.count) pools, "
                + "\(gated.count) of them gate-and-route")
            return nil
        }
        var settings = GateRouteSettings(classes: classes)
        if case let .gateAndRoute(current) = target.policy {
            settings = current
            settings.classes = classes.map { planned in
                var merged = planned
                merged.maxPromptTokens = current.classes.first { $0.name == planned.name }?.maxPromptTokens
                return merged
            }
        }
        var pool = target
        pool.policy = .gateAndRoute(settings)
        return PlanPools(pools: [PlanPools.Pool(pool: pool, backendPaths: [])])
    }
}

/// `--plan` with a `plan cascade --json` output (kind `plan-cascade`): the plan's stages and
/// thresholds (`CascadePlanImport`) replace the stages of the config's one cascade, whose judge
/// stays (a plan has no judge, so a config with a cascade must come beside it). Several cascades:
/// name each plan in its `cascades[].plan`.
enum CascadePlanImporter {
    @Sendable static func read(_ node: ConfigNode, base: ServeConfig?) -> PlanPools? {
        let stages: [CascadeStage]
        do {
            stages = try CascadePlanImport.stages(plan: node.value)
        } catch {
            for issue in error.issues { node.diagnostics.report(issue.path, issue.message) }
            return nil
        }
        guard let cascades = base?.cascades, cascades.count == 1 else {
            node.report("a cascade plan has no judge: give a serve config with one cascade (its name and judge) beside --plan, "
                + "or name the plan in each cascade's plan:; the config has \(base?.cascades.count ?? 0) cascades")
            return nil
        }
        var cascade = cascades[0]
        cascade.stages = stages
        return PlanPools(pools: [], cascades: [cascade])
    }
}
