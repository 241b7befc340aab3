import Foundation
import Testing
import GPUSchedTestSupport

/// Bad input gets one clear line per problem on stderr and exit code 2, never a crash.
@Suite struct BadInputTests {
    /// Every failure must be clean: `error:` lines only, no Swift runtime crash text.
    func expectClean(_ output: CLIRunner.Output, lines: Int? = nil, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(output.exitCode == 2, "exit code", sourceLocation: sourceLocation)
        #expect(!output.stderr.contains("Fatal error") && !output.stderr.contains("Stack dump"), sourceLocation: sourceLocation)
        if let lines {
            #expect(output.stderrLines.count == lines, "\(output.stderr)", sourceLocation: sourceLocation)
        }
    }

    @Test func malformedYAML() throws {
        let path = try TemporaryFiles.file("kind: catalog\ncatalog: {gpus: [\n")
        let output = try CLIRunner.run(["validate", path])
        expectClean(output, lines: 1)
        #expect(output.stderr.hasPrefix("error: malformed YAML at line"))
    }

    @Test func wrongTypeNamesTheKeyPath() throws {
        let path = try TemporaryFiles.file("""
            kind: catalog
            catalog:
              gpus:
                - {name: X1, base: H100-80GB, memory: [80]}
            """)
        let output = try CLIRunner.run(["validate", path])
        expectClean(output, lines: 1)
        #expect(output.stderr.hasPrefix("error: catalog.gpus[0].memory: must be a number or a quantity with a unit, got a list"))
    }

    @Test func unknownKeySuggestsTheNearest() throws {
        let path = try TemporaryFiles.file("""
            kind: catalog
            catalog:
              gpus:
                - {name: X1, base: H100-80GB, memoryBandwith: 3TB/s}
            """)
        let output = try CLIRunner.run(["validate", path])
        expectClean(output, lines: 1)
        #expect(output.stderr == "error: catalog.gpus[0].memoryBandwith: unknown key (did you mean 'memoryBandwidth'?)\n")
    }

    @Test func missingFile() throws {
        let output = try CLIRunner.run(["validate", "/nonexistent/scenario.yaml"])
        expectClean(output, lines: 1)
        #expect(output.stderr == "error: file not found: /nonexistent/scenario.yaml\n")
    }

    @Test func negativeAndZeroValuesAreAllReported() throws {
        let path = try TemporaryFiles.file("""
            kind: catalog
            catalog:
              gpus:
                - {name: X1, base: H100-80GB, bf16FLOPS: -1, memory: 0}
              models:
                - {name: m1, base: llama-3.1-8b, layers: 0}
            """)
        let output = try CLIRunner.run(["validate", path])
        expectClean(output, lines: 3)
        #expect(output.stderrLines.contains("error: catalog.gpus[0].bf16FLOPS: must be > 0, got -1"))
        #expect(output.stderrLines.contains("error: catalog.gpus[0].memory: must be > 0, got 0"))
        #expect(output.stderrLines.contains("error: catalog.models[0].layers: must be >= 1, got 0"))
    }

    @Test func unknownCatalogNamesSuggestTheNearest() throws {
        let path = try TemporaryFiles.file("""
            kind: catalog
            catalog:
              models:
                - {name: m1, base: lama-3.1-70b}
            """)
        let output = try CLIRunner.run(["validate", path])
        expectClean(output, lines: 1)
        #expect(output.stderr.hasPrefix("error: catalog.models[0].base: unknown model 'lama-3.1-70b' (did you mean 'llama-3.1-70b'"))

        let demo = try CLIRunner.run(["demo", "--gpu", "H100"])
        expectClean(demo, lines: 1)
        #expect(demo.stderr.hasPrefix("error: unknown GPU 'H100' (did you mean 'H100-80GB'"))
    }

    @Test func unknownKindAndMissingKind() throws {
        let unknown = try CLIRunner.run(["validate", try TemporaryFiles.file("kind: catalogue\n")])
        expectClean(unknown, lines: 1)
        #expect(unknown.stderr.hasPrefix("error: kind: unknown value 'catalogue' (did you mean 'catalog'?)"))
        let missing = try CLIRunner.run(["validate", try TemporaryFiles.file("catalog: {}\n")])
        expectClean(missing, lines: 1)
        #expect(missing.stderr.hasPrefix("error: kind: missing required key"))
        let notAMapping = try CLIRunner.run(["validate", try TemporaryFiles.file("- 1\n- 2\n")])
        expectClean(notAMapping, lines: 1)
    }

    @Test func malformedJSON() throws {
        let path = try TemporaryFiles.file(#"{"kind": "catalog", "catalog": {"gpus": [}"#, extension: "json")
        let output = try CLIRunner.run(["validate", path])
        expectClean(output, lines: 1)
        #expect(output.stderrLines == ["error: malformed JSON at line 1, column 42: expected a value, got '}'"])
    }

    @Test func badFlagsExitWithTwo() throws {
        let unknownFlag = try CLIRunner.run(["catalog", "--no-such-flag"])
        #expect(unknownFlag.exitCode == 2)
        #expect(unknownFlag.stderr.contains("Unknown option '--no-such-flag'"))
        let badValue = try CLIRunner.run(["solve", "model.mps", "--time-limit=-3"])
        #expect(badValue.exitCode == 2)
        #expect(badValue.stderr.contains("--time-limit must be > 0"))
        let badSection = try CLIRunner.run(["catalog", "cpus"])
        #expect(badSection.exitCode == 2)
        #expect(badSection.stderrLines == [
            "error: The value 'cpus' is invalid for '<section>': unknown value 'cpus' (did you mean 'gpus'?); choose from: gpus, models",
        ])
        let badSuite = try CLIRunner.run(["bench", "simulatr"])
        #expect(badSuite.exitCode == 2)
        #expect(badSuite.stderr.contains("unknown value 'simulatr' (did you mean 'simulator'?)"))
    }

    @Test func solveRejectsMissingAndInfeasibleModels() throws {
        let missing = try CLIRunner.run(["solve", "/nonexistent/model.mps"])
        expectClean(missing, lines: 1)
        let lp = try TemporaryFiles.file("Minimize\n obj: x\nSubject To\n c1: x >= 5\n c2: x <= 3\nEnd\n", extension: "lp")
        let infeasible = try CLIRunner.run(["solve", lp])
        #expect(infeasible.exitCode == 2)
        #expect(infeasible.stdout.contains("status      infeasible"))
        #expect(infeasible.stderr == "error: the model is infeasible\n")
    }
}
