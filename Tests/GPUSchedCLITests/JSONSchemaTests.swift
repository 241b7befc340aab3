import Foundation
import Testing

/// The JSON contract, checked by an independent validator: every `--json` output kind has a JSON
/// Schema in `schemas/`, each schema is a valid draft 2020-12 schema, and the outputs of the verbs
/// below validate against the schema their `kind` names (check-jsonschema from PyPI, installed into
/// .deps/jsonschema by `make test`).
@Suite(.serialized) struct JSONSchemaTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let schemas = root.appendingPathComponent("schemas")

    /// Verb invocations whose outputs together print every kind (the slow planners in their
    /// smallest settings; `make examples` validates every example's output as well).
    static let invocations: [[String]] = [
        ["validate", "examples/gate-route.yaml"],
        ["validate", "examples/does-not-exist.yaml"],
        ["catalog"],
        ["catalog", "models", "--scenario", "examples/catalog.yaml"],
        ["calibrate", "examples/iteration-times.csv"],
        ["solve", "examples/wyndor.lp"],
        ["fit-workload", "data/traces/splitwise_code.csv"],
        ["simulate", "examples/simulate-chat.yaml", "--seeds", "1"],
        ["simulate", "examples/simulate-chat.yaml", "--seeds", "2"],
        ["bench", "simulator", "--requests", "2000", "--replicas", "2"],
        ["bench", "solver", "--time-limit", "20"],
    ]

    /// Runs `scripts/check-jsonschema.sh` with `arguments`; the validator's exit code and output.
    static func checkJSONSchema(_ arguments: [String]) throws -> CLIRunner.Output {
        let process = Process()
        process.executableURL = root.appendingPathComponent("scripts/check-jsonschema.sh")
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return CLIRunner.Output(exitCode: process.terminationStatus, stdout: String(decoding: data, as: UTF8.self), stderr: "")
    }

    static var schemaFiles: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: schemas.path)) ?? [])
            .filter { $0.hasSuffix(".schema.json") }.sorted()
    }

    @Test func validatorIsInstalled() {
        let installed = FileManager.default.fileExists(atPath: Self.root.appendingPathComponent(".deps/jsonschema/check_jsonschema").path)
        #expect(installed, "run scripts/install-jsonschema.sh (make test does)")
    }

    @Test func everySchemaIsAValidSchema() throws {
        let paths = Self.schemaFiles.map { Self.schemas.appendingPathComponent($0).path }
        #expect(paths.count > 1)
        let result = try Self.checkJSONSchema(["--check-metaschema"] + paths)
        #expect(result.exitCode == 0, "\(result.stdout)")
    }

    /// The validator is not a rubber stamp: a string where the contract wants a number fails.
    @Test func aStringInANumericFieldFails() throws {
        let file = try CLIRunner.temporaryFile(
            #"{"schemaVersion": 2, "kind": "solve", "solve": {"status": "optimal", "objective": "nan", "bestBound": null, "#
                + #""relativeGap": null, "solveSeconds": 0, "wallSeconds": 0, "nodes": 0, "solves": 1}, "variables": []}"#,
            extension: "json")
        let result = try Self.checkJSONSchema(["--schemafile", Self.schemas.appendingPathComponent("solve.schema.json").path, file])
        #expect(result.exitCode != 0)
        #expect(result.stdout.contains("objective"))
    }

    /// Each invocation's output validates against the schema its `kind` names, and every schema
    /// in `schemas/` is some invocation's (so none drifts from its output unseen).
    @Test func everyOutputMatchesItsSchemaAndEverySchemaIsExercised() throws {
        var kinds: Set<String> = []
        for arguments in Self.invocations {
            let output = try CLIRunner.run(arguments + ["--json"], workingDirectory: Self.root)
            let command = "gpusched " + arguments.joined(separator: " ") + " --json"
            let json = try #require(try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any], "\(command): \(output.stderr)")
            let kind = try #require(json["kind"] as? String, "\(command)")
            kinds.insert(kind)
            #expect(json["schemaVersion"] as? Int == 2, "\(command)")
            let schema = Self.schemas.appendingPathComponent("\(kind).schema.json").path
            guard FileManager.default.fileExists(atPath: schema) else {
                Issue.record("\(command): no schema for kind '\(kind)'")
                continue
            }
            let file = try CLIRunner.temporaryFile(output.stdout, extension: "json")
            let result = try Self.checkJSONSchema(["--schemafile", schema, file])
            #expect(result.exitCode == 0, "\(command): \(result.stdout)")
        }
        let documented = Set(Self.schemaFiles.map { String($0.dropLast(".schema.json".count)) }).subtracting(["defs"])
        #expect(documented.subtracting(kinds).isEmpty, "schemas no invocation prints: \(documented.subtracting(kinds).sorted())")
    }
}
