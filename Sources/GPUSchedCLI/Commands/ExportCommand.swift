import ArgumentParser

/// `gpusched export <planner> FILE`: writes a plan in a serving engine's format.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a plan in a serving engine's format.",
        discussion: """
            Example:
              gpusched export moe plan.json --format sglang
            """,
        subcommands: [MoEExportCommand.self]
    )
}
