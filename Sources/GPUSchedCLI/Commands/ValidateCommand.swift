import ArgumentParser
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

    @Flag(name: .long, help: "Print the result as JSON.")
    var json = false

    func run() throws {
        let (envelope, summary) = try ScenarioKinds.load(path: file)
        if json {
            try JSONOutput.print(ValidationReport(file: file, valid: true, kind: envelope.kind, summary: summary))
        } else {
            print("\(file): valid \(envelope.kind) scenario: \(summary)")
        }
    }
}

/// `validate --json` output.
struct ValidationReport: Encodable {
    var file: String
    var valid: Bool
    var kind: String
    var summary: String
}
