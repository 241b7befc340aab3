import Foundation

/// The JSON contract's independent check: check-jsonschema (PyPI, installed into
/// `.deps/jsonschema` by `make test`) run on a `--json` output against `schemas/<kind>.schema.json`.
/// ```
/// let problems = try SchemaValidator.problems(in: output.stdout)   // [] when the output matches
/// ```
public enum SchemaValidator {
    /// Whether the validator is installed.
    public static var isInstalled: Bool {
        FileManager.default.fileExists(atPath: Repository.root.appendingPathComponent(".deps/jsonschema/check_jsonschema").path)
    }

    /// Runs `scripts/check-jsonschema.sh` with `arguments`; its exit code and output.
    public static func run(_ arguments: [String]) throws -> CLIRunner.Output {
        let process = Process()
        process.executableURL = Repository.root.appendingPathComponent("scripts/check-jsonschema.sh")
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = PipeReader.readAll(pipe)
        process.waitUntilExit()
        return CLIRunner.Output(exitCode: process.terminationStatus, stdout: String(decoding: data, as: UTF8.self), stderr: "")
    }

    /// The output's `kind`, or nil when it is not a JSON object with one.
    public static func kind(of json: String) -> String? {
        (try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])?["kind"] as? String
    }

    /// What is wrong with `json` against the schema its `kind` names: [] when it validates.
    public static func problems(in json: String) throws -> [String] {
        guard let kind = kind(of: json) else { return ["not a JSON object with a kind"] }
        let schema = Repository.schemas.appendingPathComponent("\(kind).schema.json").path
        guard FileManager.default.fileExists(atPath: schema) else { return ["no schema for kind '\(kind)'"] }
        let file = try TemporaryFiles.file(json, extension: "json")
        let result = try run(["--schemafile", schema, file])
        return result.exitCode == 0 ? [] : [result.stdout]
    }
}
