import ArgumentParser
import Planning
import ServingModel

/// `gpusched validate FILE`: checks a scenario and lists every problem with its key path.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check a scenario file (YAML or JSON) and report every problem with its key path.",
        discussion: """
            Known kinds: \(ScenarioKinds.all.map(\.name).joined(separator: ", ")).
            Every scenario may carry an inline 'catalog:' section with its own GPUs and models.

            Example:
              gpusched validate examples/catalog.yaml
            """
    )

    @Argument(help: "Scenario file (.yaml, .yml or .json).")
    var file: String

    @OptionGroup var output: OutputOptions

    func run() throws {
        let loaded: (envelope: ScenarioEnvelope, summary: String)
        do {
            loaded = try ScenarioKinds.load(path: file)
        } catch let error as ScenarioError {
            // The problems as data on stdout; the error lines still go to stderr (exit 2).
            if output.json {
                try JSONOutput.print(ValidationReport(
                    file: file, valid: false,
                    problems: error.issues.map { ValidationReport.Problem(path: $0.path, message: $0.message) }),
                    kind: "validate")
            }
            throw error
        }
        if output.json {
            try JSONOutput.print(ValidationReport(
                file: file, valid: true, scenarioKind: loaded.envelope.kind, summary: loaded.summary, problems: []),
                kind: "validate")
        } else {
            print("\(file): valid \(loaded.envelope.kind) scenario: \(loaded.summary)")
        }
    }
}

/// `validate --json` output: `valid` with the kind and summary, or `valid: false` with every problem.
struct ValidationReport: Encodable {
    /// One problem: its key path (empty for the whole file) and what is wrong.
    struct Problem: Encodable {
        var path: String
        var message: String
    }

    var file: String
    var valid: Bool
    /// The scenario's `kind:` (null when the file is not valid).
    @Nullable var scenarioKind: String?
    @Nullable var summary: String?
    var problems: [Problem]
}
