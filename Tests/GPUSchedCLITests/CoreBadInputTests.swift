import Foundation
import Testing
import GPUSchedTestSupport

/// The malformed inputs of issue 12 that reach the parsing core and the generic verbs: each exits
/// with code 2 and the exact `error:` lines, never a trap, within seconds.
@Suite struct CoreBadInputTests {
    /// Runs `arguments` and checks a clean bad-input exit with exactly `lines` on stderr.
    @discardableResult
    func expectBadInput(
        _ arguments: [String], _ lines: [String], sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> CLIRunner.Output {
        let output = try CLIRunner.run(arguments)
        #expect(output.exitCode == 2, "exit code", sourceLocation: sourceLocation)
        #expect(output.stderrLines == lines, sourceLocation: sourceLocation)
        return output
    }

    /// Seconds a run of `arguments` takes, with its output.
    func timed(_ arguments: [String]) throws -> (output: CLIRunner.Output, seconds: Double) {
        let start = Date()
        let output = try CLIRunner.run(arguments)
        return (output, Date().timeIntervalSince(start))
    }

    // MARK: Catalog values that used to trap

    static let hugeShapes = """
        kind: catalog
        catalog:
          gpus:
            - {name: X, base: H100-80GB, memory: 1e300}
          models:
            - {name: m, base: llama-3.1-8b, layers: 8e15, hiddenSize: 8e15, headDim: 8e15}
        """

    static let hugeShapeErrors = [
        "error: catalog.gpus[0].memory: must be <= 10000000000000, got 1e+300",
        "error: catalog.models[0].layers: must be <= 1000, got 8e+15",
        "error: catalog.models[0].hiddenSize: must be <= 1000000, got 8e+15",
        "error: catalog.models[0].headDim: must be <= 4096, got 8e+15",
    ]

    @Test func validateRejectsWhatCatalogWouldTrapOn() throws {
        let path = try TemporaryFiles.file(Self.hugeShapes)
        try expectBadInput(["validate", path], Self.hugeShapeErrors)
        try expectBadInput(["catalog", "models", "--scenario", path], Self.hugeShapeErrors)
    }

    @Test func duplicateCatalogNamesAreReported() throws {
        let path = try TemporaryFiles.file("""
            kind: catalog
            catalog:
              gpus: [{name: A, base: H100-80GB}, {name: A, base: A100-40GB}]
              models: [{name: m, base: llama-3.1-8b}, {name: n, base: qwen3-8b}, {name: M, base: qwen3-4b}]
            """)
        try expectBadInput(["validate", path], [
            "error: catalog.gpus[1].name: duplicate GPU name 'A': catalog.gpus[0] and catalog.gpus[1] both define it",
            "error: catalog.models[2].name: duplicate model name 'M': catalog.models[0] and catalog.models[2] both define it",
        ])
    }

    @Test func promptTokensBeyondTheMaximumAreBadInput() throws {
        let path = try TemporaryFiles.file("""
            kind: simulate
            model: llama-3.1-8b
            replicas: [{gpu: H100-80GB, tp: 1, count: 1}]
            engine: {batchSize: 16, chunkSize: 256}
            workload:
              classes: [{name: a, arrivalRate: 1, promptTokens: 1e15, outputTokens: 10}]
            horizon: 10
            """)
        try expectBadInput(["validate", path], ["error: workload.classes[0].promptTokens: must be <= 10000000, got 1e+15"])
        try expectBadInput(["simulate", path], ["error: workload.classes[0].promptTokens: must be <= 10000000, got 1e+15"])
    }

    @Test func aCalibrationFileWithAnImpossibleLawIsRefused() throws {
        let law = try TemporaryFiles.file(
            #"{"name": "bad", "model": "qwen3-8b", "gpu": "A100-40GB", "engine": "e", "source": "s", "law": {"alpha": 0.05, "beta": 6.2e-5, "gamma": 45.45}}"#,
            extension: "json")
        let path = try TemporaryFiles.file("""
            kind: simulate
            model: qwen3-8b
            replicas: [{gpu: A100-40GB, tp: 1, count: 1}]
            engine: {calibration: \(law), batchSize: 16, chunkSize: 256}
            workload:
              classes: [{name: a, arrivalRate: 1, promptTokens: 100, outputTokens: 10}]
            horizon: 10
            """)
        try expectBadInput(["validate", path], [
            "error: engine.calibration: \(law): not a calibration: law: alpha (0.05 s) must be <= 1/gamma "
                + "(0.022002200220022 s), so that the knee b0 = (1/gamma - alpha)/beta is >= 0",
        ])
    }

    // MARK: Runaway parsing

    @Test func billionLaughsFailsFast() throws {
        var lines = ["kind: catalog", "a0: &a0 [lol]"]
        for level in 1...12 {
            lines.append("a\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: 9).joined(separator: ", ") + "]")
        }
        let path = try TemporaryFiles.file(lines.joined(separator: "\n") + "\n")
        let (output, seconds) = try timed(["validate", path])
        #expect(output.exitCode == 2)
        #expect(output.stderrLines == [
            "error: at alias *a5 at line 8 the document would hold more than 1000000 values with its aliases "
                + "expanded; a scenario needs far fewer",
        ])
        #expect(seconds < 10)
    }

    @Test func tenMegabytesOfJunkAnswerInSeconds() throws {
        let line = "%% junk :: [ not yaml at all ] ## {{ \n"
        let path = try TemporaryFiles.file(String(repeating: line, count: 10_000_000 / line.utf8.count))
        let (output, seconds) = try timed(["validate", path])
        #expect(output.exitCode == 2)
        #expect(output.stderrLines.count == 1)
        #expect(output.stderr.hasPrefix("error: malformed YAML at line 1"))
        #expect(seconds < 10)
    }

    @Test func deepNestingAndForeignTagsAreRefused() throws {
        let deep = try TemporaryFiles.file("kind: catalog\nx: " + String(repeating: "[", count: 100) + String(repeating: "]", count: 100) + "\n")
        try expectBadInput(["validate", deep], ["error: line 2: nesting deeper than 64 levels; a scenario needs far fewer"])
        let tagged = try TemporaryFiles.file("kind: catalog\ndescription: !!python/object/apply:os.system [ls]\n")
        try expectBadInput(["validate", tagged], [
            "error: line 2: YAML tag '!!python/object/apply:os.system' is not supported; scenarios hold plain values (remove the tag)",
        ])
    }

    @Test func oversizedScenarioIsRefusedBeforeReading() throws {
        let path = try TemporaryFiles.file("kind: catalog\n" + String(repeating: "#", count: 64 * 1_048_576) + "\n")
        try expectBadInput(["validate", path], [
            "error: the file is 67108879 bytes, over the limit of 67108864 bytes (64 MiB) for a scenario",
        ])
    }

    @Test func jsonWithATrailingCommaIsMalformed() throws {
        let trailing = try TemporaryFiles.file(#"{"kind": "catalog",}"#, extension: "json")
        try expectBadInput(["validate", trailing], ["error: malformed JSON at line 1, column 20: trailing comma before '}'"])
        let unclosed = try TemporaryFiles.file(#"{"kind": "catalog", "catalog": {"gpus": [}"#, extension: "json")
        try expectBadInput(["validate", unclosed], ["error: malformed JSON at line 1, column 42: expected a value, got '}'"])
    }

    @Test func twentyThousandInlineGPUsValidateQuickly() throws {
        let entries = (0..<20_000).map { "    - {name: G\($0), base: H100-80GB, memory: \(80 + $0 % 50)GB}" }
        let path = try TemporaryFiles.file("kind: catalog\ncatalog:\n  gpus:\n" + entries.joined(separator: "\n") + "\n")
        let (output, seconds) = try timed(["validate", path])
        #expect(output.exitCode == 0)
        #expect(output.stdout.contains("catalog with \(20_000 + 5) GPUs (20000 new)"))
        // Quadratic merging took over 120 s (release) and 245 s (debug, loaded machine).
        #expect(seconds < 60)
    }

    // MARK: Error output

    @Test func problemsBeyondTwentyAreCounted() throws {
        let keys = (0..<5_000).map { "unknown\($0): 1" }
        let path = try TemporaryFiles.file("kind: catalog\n" + keys.joined(separator: "\n") + "\n")
        let output = try CLIRunner.run(["validate", path])
        #expect(output.exitCode == 2)
        #expect(output.stderrLines == (0..<20).map { "error: unknown\($0): unknown key" } + ["error: … and 4980 more problems"])
    }

    @Test func validateJSONReportsProblemsAsData() throws {
        let path = try TemporaryFiles.file(Self.hugeShapes)
        let invalid = try CLIRunner.run(["validate", path, "--json"])
        #expect(invalid.exitCode == 2)
        #expect(invalid.stderrLines == Self.hugeShapeErrors)
        let report = try #require(try JSONSerialization.jsonObject(with: Data(invalid.stdout.utf8)) as? [String: Any])
        #expect(report["schemaVersion"] as? Int == 2)
        #expect(report["kind"] as? String == "validate")
        #expect(report["valid"] as? Bool == false)
        let problems = try #require(report["problems"] as? [[String: String]])
        #expect(problems.map { "error: \($0["path"] ?? ""): \($0["message"] ?? "")" } == Self.hugeShapeErrors)

        let valid = try CLIRunner.run(["validate", try TemporaryFiles.file("kind: catalog\n"), "--json"])
        #expect(valid.exitCode == 0)
        let validReport = try #require(try JSONSerialization.jsonObject(with: Data(valid.stdout.utf8)) as? [String: Any])
        #expect(validReport["schemaVersion"] as? Int == 2)
        #expect(validReport["valid"] as? Bool == true)
        #expect(validReport["scenarioKind"] as? String == "catalog")
        #expect((validReport["problems"] as? [Any])?.isEmpty == true)
    }

    // MARK: Flags

    @Test(arguments: [
        (["--gap", "2"], "error: --gap must be a relative gap between 0 and 1, got 2"),
        (["--gap", "-0.5"], "error: --gap must be a relative gap between 0 and 1, got -0.5"),
        (["--time-limit", "-5"], "error: --time-limit must be > 0 and <= 1000000000 seconds, got -5"),
        (["--time-limit", "nan"], "error: --time-limit must be > 0 and <= 1000000000 seconds, got nan"),
        (["--time-limit", "inf"], "error: --time-limit must be > 0 and <= 1000000000 seconds, got inf"),
        (["--threads", "-1"], "error: --threads must be between 1 and 1024, got -1"),
        (["--threads", "100000"], "error: --threads must be between 1 and 1024, got 100000"),
        (["--threads", "abc"], "error: The value 'abc' is invalid for '--threads <threads>'"),
        (["--no-such-flag"], "error: Unknown option '--no-such-flag'"),
    ])
    func solveFlagsAreValidatedOnOneLine(flags: [String], line: String) throws {
        try expectBadInput(["solve", "model.mps"] + flags, [line])
    }

    @Test func negativeValuesReachValidationInOtherVerbs() throws {
        let output = try CLIRunner.run(["simulate", "scenario.yaml", "--seeds", "-1"])
        #expect(output.exitCode == 2)
        #expect(output.stderrLines.count == 1)
        #expect(output.stderr.hasPrefix("error: --seeds") && output.stderr.contains("-1"))
        #expect(!output.stderr.contains("Missing value"))
    }

    @Test func helpAndVersionStillExitZero() throws {
        let help = try CLIRunner.run(["solve", "--help"])
        #expect(help.exitCode == 0)
        #expect(help.stdout.contains("USAGE: gpusched solve"))
        let version = try CLIRunner.run(["--version"])
        #expect(version.exitCode == 0)
        #expect(version.stdout == "0.1.0\n")
    }
}
