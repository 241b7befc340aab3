import ServingModel

/// `--plan plan-cascade.json` (kind `plan-cascade`, `gpusched plan cascade --json`): the plan's
/// stages (each a pool of the serve config, by the plan's model names) and thresholds laid over the
/// serve config's cascade (its only one, or the one with as many stages as the plan uses), which
/// keeps its name and judge. The plan names no judge, so a serve config with the cascade must be
/// given beside it.
enum CascadePlanImporter {
    @Sendable static func read(_ node: ConfigNode, base: ServeConfig?) -> PlanPools? {
        let stages: [CascadeStage]
        do {
            stages = try CascadePlanImport.stages(plan: node.value)
        } catch {
            for issue in error.issues { node.diagnostics.report(issue.path, issue.message) }
            return nil
        }
        let cascades = base?.cascades ?? []
        let matching = cascades.count == 1 ? cascades : cascades.filter { $0.stages.count == stages.count }
        guard matching.count == 1, var cascade = matching.first else {
            node.report(cascades.isEmpty
                ? "a cascade plan has no judge: give the serve config with the cascade (its judge) beside it: "
                    + "gpusched serve CONFIG.yaml --plan PLAN.json"
                : "the serve config has \(cascades.count) cascades and \(matching.count) with the plan's \(stages.count) stages: "
                    + "keep the one the plan is for")
            return nil
        }
        let pools = base?.pools.map(\.model) ?? []
        var valid = true
        for stage in stages where !pools.contains(stage.model) {
            node.report("stage model '\(stage.model)' has no pool; pools: \(pools.joined(separator: ", "))")
            valid = false
        }
        guard valid else { return nil }
        cascade.stages = stages
        return PlanPools(pools: [], cascades: [cascade])
    }
}
