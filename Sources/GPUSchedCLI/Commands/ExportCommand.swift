import ArgumentParser

/// `gpusched export <planner> FILE`: writes a plan in a serving engine's format.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a plan in a serving engine's format.",
        discussion: """
            Example:
              gpusched export moe plan.json --format sglang
              gpusched export deploy plan.json --format k8s
            """,
        subcommands: [MoEExportCommand.self, DeployExportCommand.self]
    )
}
