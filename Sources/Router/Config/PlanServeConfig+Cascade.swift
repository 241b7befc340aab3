import ServingModel

/// `--plan plan-cascade.json` (kind `plan-cascade`, `gpusched plan cascade --json`): the plan's
/// thresholds laid over the serve config's cascade (its only one, or the one with as many stages as
/// the plan uses). The plan names neither pools nor a judge, so a serve config with the cascade must
/// be given beside it; the cascade keeps its name, stage pools and judge.
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
                ? "a plan-cascade plan gives thresholds only: give the serve config with the cascade (its stages' pools and judge) "
                    + "beside it: gpusched serve CONFIG.yaml --plan PLAN.json"
                : "the serve config has \(cascades.count) cascades and \(matching.count) with the plan's \(stages.count) stages: "
                    + "keep the one the plan is for")
            return nil
        }
        guard cascade.stages.count == stages.count else {
            node.report("the plan uses \(stages.count) stages (\(stages.map(\.model).joined(separator: ", "))) but cascade "
                + "'\(cascade.name)' has \(cascade.stages.count)")
            return nil
        }
        for k in cascade.stages.indices { cascade.stages[k].threshold = stages[k].threshold }
        return PlanPools(pools: [], cascades: [cascade])
    }
}
