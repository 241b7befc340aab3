import Foundation
import GPUSchedTestSupport
import Testing

/// The JSON contract, checked by an independent validator (check-jsonschema from PyPI, installed
/// into .deps/jsonschema by `make test`): every `--json` output kind has a JSON Schema in
/// `schemas/`, each schema is a valid draft 2020-12 schema, and real outputs validate against the
/// schema their `kind` names.
@Suite(.serialized) struct JSONSchemaTests {
    /// The gate-and-route test scenario at n = 10 with a short evaluation (T = 300 s, 2 seeds, 2 policies).
    static let smallGateRoute = GateRoutePlanCommandTests.scenario.replacingOccurrences(of: "gpus: 500", with: "gpus: 10")
        + "\nsimulation: {horizon: 300, warmup: 100, seeds: 2, policies: [fi-wsp, gate-and-route]}\n"

    /// Verb invocations (without `--json`) whose outputs together print every kind but the ones
    /// below; the slow planners in small settings.
    static func invocations() throws -> [[String]] {
        [
            ["validate", Repository.example("gate-route.yaml")],
            ["validate", Repository.example("does-not-exist.yaml")],
            ["catalog"],
            ["catalog", "models", "--scenario", Repository.example("catalog.yaml")],
            ["calibrate", Repository.example("iteration-times.csv")],
            ["calibrate", Repository.example("iteration-times.csv"), "--out", TemporaryFiles.path(prefix: "calibration", extension: "json")],
            ["fit-workload", Repository.dataPath("traces/splitwise_code.csv")],
            ["solve", Repository.example("wyndor.lp")],
            ["simulate", Repository.example("simulate-chat.yaml"), "--seeds", "1"],
            ["simulate", Repository.example("simulate-chat.yaml"), "--seeds", "2"],
            ["simulate", Repository.example("disaggregated-qwen3-32b-h200.yaml"), "--seeds", "2", "--horizon", "40", "--warmup", "10"],
            ["plan", "gate-route", Repository.example("gate-route.yaml"), "--no-evaluate"],
            ["plan", "gate-route", try TemporaryFiles.file(smallGateRoute)],
            ["simulate", "gate-route", Repository.example("gate-route.yaml"), "--gpus", "5", "--seeds", "2", "--horizon", "200"],
            ["simulate", "gate-route", Repository.example("gate-route.yaml"), "--fidelity", "token", "--gpus", "5", "--seeds", "1",
             "--horizon", "200"],
            ["plan", "geo", Repository.example("geo-clustered.yaml")],
            ["simulate", "geo", Repository.example("geo-clustered.yaml")],
            ["plan", "cascade", Repository.example("cascade-deepseek.yaml")],
            ["plan", "cascade", Repository.example("cascade-deepseek.yaml"), "--no-evaluate", "--replan", "synthetic:8"],
            ["plan", "moe", Repository.example("moe-csv.yaml")],
            ["plan", "deploy", try TemporaryFiles.file(DeployCommandTests.scenario(modes: "[aggregated, disaggregated]"))],
            ["simulate", "deploy", try TemporaryFiles.file(DeployCommandTests.scenario())],
            ["plan", "deploy", try TemporaryFiles.file(DeployCommandTests.scenario()), "--no-evaluate", "--sweep", "slo.tpot.p90=0.02:0.04:2"],
            ["demo"],
            ["bench", "simulator", "--requests", "2000", "--replicas", "2", "--repeats", "1"],
            ["bench", "trace", "--rows", "200", "--repeats", "1"],
            ["bench", "solver", "--time-limit", "20"],
            ["bench", "router", "--requests", "200", "--concurrency", "1,4", "--repeats", "1"],
            ["bench", "report", "--scenario", Repository.example("simulate-chat.yaml"), "--requests", "2000", "--repeats", "2"],
            // Nothing listens there: every request fails (exit 1), the report is still printed. The
            // load generator's own tests validate runs against a server (LoadCommandTests).
            ["load", Repository.example("live-agreement.yaml"), "--target", "http://127.0.0.1:\(try FreePort.next())", "--requests", "2",
             "--warmup", "0", "--connect-timeout", "0.2"],
        ]
    }

    /// Kinds whose outputs take minutes to make, and where they are validated instead.
    static let validatedElsewhere: [String: String] = [
        "simulate-cascade": "CascadeCommandTests.simulateFindsSustainableRates",
        "bench-cascade": "scripts/run-examples.sh (make examples)",
        "bench-deploy": "scripts/run-examples.sh (make examples)",
        "bench-gate-route": "scripts/run-examples.sh (make examples)",
        "bench-geo": "scripts/run-examples.sh (make examples)",
        "bench-moe": "scripts/run-examples.sh (make examples)",
        "bench-roofline": "scripts/run-examples.sh (make examples)",
    ]

    static var schemaKinds: Set<String> {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: Repository.schemas.path)) ?? []
        return Set(files.filter { $0.hasSuffix(".schema.json") }.map { String($0.dropLast(".schema.json".count)) })
            .subtracting(["defs"])
    }

    @Test func validatorIsInstalled() {
        #expect(SchemaValidator.isInstalled, "run scripts/install-jsonschema.sh (make test does)")
    }

    @Test func everySchemaIsAValidSchema() throws {
        let paths = (Self.schemaKinds.sorted() + ["defs"]).map { Repository.schemas.appendingPathComponent("\($0).schema.json").path }
        #expect(paths.count > 10)
        let result = try SchemaValidator.run(["--check-metaschema"] + paths)
        #expect(result.exitCode == 0, "\(result.stdout)")
    }

    /// The validator is not a rubber stamp: a string where the contract wants a number fails, and
    /// so does an omitted key.
    @Test func brokenOutputsFail() throws {
        let solve = #"{"status": "optimal", "objective": "nan", "bestBound": null, "relativeGap": null, "#
            + #""solveSeconds": 0, "wallSeconds": 0, "nodes": 0, "solves": 1}"#
        let stringNumber = try SchemaValidator.problems(in: #"{"schemaVersion": 2, "kind": "solve", "solve": \#(solve), "variables": []}"#)
        #expect(stringNumber.count == 1 && stringNumber.joined().contains("objective"))
        let omitted = try SchemaValidator.problems(in: #"{"schemaVersion": 2, "kind": "solve", "variables": []}"#)
        #expect(omitted.count == 1 && omitted.joined().contains("solve"))
    }

    /// Each invocation's output validates against the schema its `kind` names, and every schema
    /// in `schemas/` is printed by some invocation or validated where `validatedElsewhere` says.
    @Test func everyOutputMatchesItsSchemaAndEverySchemaIsExercised() throws {
        var kinds: Set<String> = []
        for arguments in try Self.invocations() {
            let output = try CLIRunner.run(arguments + ["--json"], workingDirectory: Repository.root)
            let command = "gpusched " + arguments.joined(separator: " ") + " --json"
            let kind = try #require(SchemaValidator.kind(of: output.stdout), "\(command): \(output.stderr)")
            kinds.insert(kind)
            #expect(try SchemaValidator.problems(in: output.stdout) == [], "\(command)")
        }
        let unexercised = Self.schemaKinds.subtracting(kinds).subtracting(Self.validatedElsewhere.keys)
        #expect(unexercised.isEmpty, "schemas no invocation prints: \(unexercised.sorted())")
    }

    /// `make examples` validates the benchmark kinds listed above: its script runs each suite.
    @Test func examplesScriptRunsTheBenchmarksValidatedThere() throws {
        let script = try String(contentsOf: Repository.root.appendingPathComponent("scripts/run-examples.sh"), encoding: .utf8)
        for (kind, place) in Self.validatedElsewhere where place.hasPrefix("scripts/run-examples.sh") {
            let suite = kind.dropFirst("bench-".count)
            #expect(script.contains("bench \(suite)"), "run-examples.sh does not run bench \(suite)")
        }
    }
}
