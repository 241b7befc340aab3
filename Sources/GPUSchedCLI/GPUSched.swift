import ArgumentParser

/// The `gpusched` command: operations research for LLM serving fleets.
public struct GPUSched: ParsableCommand {
    /// The version printed by `gpusched --version`.
    public static let version = "0.1.0"

    public static let configuration = CommandConfiguration(
        commandName: "gpusched",
        abstract: "Plan LLM serving fleets with exact LP/MILP models, checked in simulation.",
        discussion: """
            Exit codes: 0 success, 1 internal failure, 2 bad input (scenario, flags, files, \
            infeasible models).

            Examples:
              gpusched catalog gpus
              gpusched validate scenario.yaml
              gpusched demo
            """,
        version: version,
        subcommands: [
            CatalogCommand.self, ValidateCommand.self, PlanCommand.self, SimulateCommand.self, FitWorkloadCommand.self, CalibrateCommand.self,
            SolveCommand.self, DemoCommand.self, BenchCommand.self, ExportCommand.self, ReportCommand.self,
            ServeCommand.self, MockEngineCommand.self, LoadCommand.self,
        ]
    )

    public init() {}
}
