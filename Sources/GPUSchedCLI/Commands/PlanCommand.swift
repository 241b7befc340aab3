import ArgumentParser

/// `gpusched plan <planner> FILE`: solves a planner's optimisation model for a scenario.
struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Solve a planner's model for a scenario, then evaluate the plan and its baselines the same way (--no-evaluate: solve only).",
        discussion: """
            Example:
              gpusched plan gate-route examples/gate-route.yaml --json
              gpusched plan geo examples/geo-clustered.yaml
              gpusched plan cascade examples/cascade-deepseek.yaml
              gpusched plan moe examples/moe-sparse-dragonfly.yaml
              gpusched plan deploy examples/deploy-fleet.yaml
            """,
        subcommands: [GateRoutePlanCommand.self, GeoPlanCommand.self, CascadePlanCommand.self, MoEPlanCommand.self, DeployPlanCommand.self]
    )
}
