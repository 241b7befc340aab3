import Foundation
import Testing
import GPUSchedTestSupport

/// Bad `engine.profile`, `engine.allReduce` and `engine.hostOverheadSeconds` input to `simulate`:
/// exit code 2 and exactly one line per problem, naming the key path, the file and the shapes.
@Suite struct ProfileBadInputTests {
    static let fleet = """
        kind: simulate
        model: llama-3.1-8b
        replicas: [{gpu: A100-80GB, tp: 1, count: 1}]
        engine: {batchSize: 32, chunkSize: 512, ENGINE}
        workload:
          classes:
            - {name: chat, arrivalRate: 4, promptTokens: 500, outputTokens: 50}
        horizon: 100
        """

    static let bundle = Repository.dataPath("profiles/vidur-a100-llama3-8b-with-synthetic-attention")

    /// Runs `simulate` on the fleet with `engine` in place of ENGINE, written into `directory`.
    private func simulate(_ engine: String, model: String = "llama-3.1-8b", tp: Int = 1, in directory: URL? = nil) throws -> CLIRunner.Output {
        let text = Self.fleet.replacingOccurrences(of: "ENGINE", with: engine)
            .replacingOccurrences(of: "llama-3.1-8b", with: model).replacingOccurrences(of: "tp: 1", with: "tp: \(tp)")
        let path: String
        if let directory {
            path = directory.appendingPathComponent("scenario.yaml").path
            try text.write(toFile: path, atomically: true, encoding: .utf8)
        } else {
            path = try TemporaryFiles.file(text)
        }
        return try CLIRunner.run(["simulate", path])
    }

    private func expectBadInput(_ output: CLIRunner.Output, _ lines: [String], sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(output.exitCode == 2, "\(output.stderr)", sourceLocation: sourceLocation)
        #expect(output.stderrLines == lines, sourceLocation: sourceLocation)
    }

    @Test func missingDirectoryAndTableAreNamed() throws {
        expectBadInput(try simulate("profile: {vidur: /nonexistent/profile}"),
                       ["error: engine.profile.vidur: profile directory '/nonexistent/profile' not found"])
        // A relative path is resolved against the scenario's folder; mlp.csv is the missing table.
        let directory = try TemporaryFiles.directory(prefix: "profile-scenario")
        let profile = directory.appendingPathComponent("tables")
        try FileManager.default.createDirectory(at: profile, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: Self.bundle + "/attention.csv", toPath: profile.appendingPathComponent("attention.csv").path)
        expectBadInput(try simulate("profile: {vidur: tables}", in: directory),
                       ["error: engine.profile.vidur: mlp.csv not found in \(profile.path)"])
    }

    @Test func uncoveredShapesAreListed() throws {
        expectBadInput(try simulate("profile: {vidur: \(Self.bundle)}", model: "llama-3.1-70b", tp: 4), [
            "error: engine.profile.vidur: mlp.csv has no rows for num_tensor_parallel_workers 4 with n_embd 8192 (n_head 64, n_kv_head 8, n_expanded_embd 28672)",
        ])
    }

    @Test func malformedNumbersNameFileLineAndColumn() throws {
        let directory = try TemporaryFiles.directory(prefix: "profile-malformed")
        let mlp = try String(contentsOfFile: Self.bundle + "/mlp.csv", encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        var broken = mlp.prefix(3).map(String.init)
        broken[2] = broken[2].replacingOccurrences(of: ",32768,1", with: ",32k,1")  // the num_tokens field of line 3
        try broken.joined(separator: "\n").write(to: directory.appendingPathComponent("mlp.csv"), atomically: true, encoding: .utf8)
        try FileManager.default.copyItem(atPath: Self.bundle + "/attention.csv", toPath: directory.appendingPathComponent("attention.csv").path)
        expectBadInput(try simulate("profile: {vidur: \(directory.path)}"),
                       ["error: engine.profile.vidur: mlp.csv:3 column 'num_tokens': '32k' is not a number"])
    }

    @Test func costKeysAreChecked() throws {
        expectBadInput(try simulate("allReduce: nccl"), ["error: engine.allReduce: 'nccl' needs measured tables: set engine.profile"])
        expectBadInput(try simulate("allReduce: ring"), ["error: engine.allReduce: unknown value 'ring'; expected one of: roofline, nccl, custom"])
        expectBadInput(try simulate("hostOverheadSeconds: -1"), ["error: engine.hostOverheadSeconds: must be between 0 and 1, got -1"])
        expectBadInput(try simulate("profile: {vidur: \(Self.bundle)}, alpha: 0.01, beta: 0.0001, gamma: 50"),
                       ["error: engine: give either profile or calibration/alpha/beta/gamma, not both"])
        expectBadInput(try simulate("profile: {vidur: a, aiconfigurator: b}"),
                       ["error: engine.profile: give exactly one of vidur or aiconfigurator"])
        expectBadInput(try simulate("profile: {aiconfigurator: \(Repository.dataPath("profiles/aiconfigurator-h200-vllm")), lookup: vidur}"),
                       ["error: engine.profile.lookup: lookup 'vidur' applies to a vidur profile only"])
    }
}
