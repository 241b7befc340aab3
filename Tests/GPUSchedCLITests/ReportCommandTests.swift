import Foundation
import GPUSchedTestSupport
import Testing

/// `gpusched report` and `--report`: the same page from a run and from its saved JSON, and bad input
/// (not GPUSched JSON, an unknown schemaVersion, a truncated file, an unwritable path) as one line, exit 2.
@Suite struct ReportCommandTests {
    /// The report without its "From" line (a run names its scenario, `report` the JSON file).
    static func withoutSource(_ html: String) -> String {
        html.replacingOccurrences(of: #"<dt>From</dt><dd>[^<]*</dd>"#, with: "", options: .regularExpression)
    }

    @Test func runReportEqualsTheReportOfItsJSON() throws {
        let folder = try TemporaryFiles.directory(prefix: "report")
        let direct = folder.appendingPathComponent("direct.html").path
        let run = try CLIRunner.run([
            "simulate", Repository.example("simulate-chat.yaml"), "--seeds", "2", "--horizon", "120", "--warmup", "10",
            "--json", "--report", direct,
        ])
        #expect(run.exitCode == 0, "\(run.stderr)")
        let json = folder.appendingPathComponent("run.json").path
        try run.stdout.write(toFile: json, atomically: true, encoding: .utf8)
        let later = folder.appendingPathComponent("later.html").path
        let rendered = try CLIRunner.run(["report", json, "-o", later])
        #expect(rendered.exitCode == 0 && rendered.stderr.isEmpty, "\(rendered.stderr)")
        let first = try String(contentsOfFile: direct, encoding: .utf8)
        let second = try String(contentsOfFile: later, encoding: .utf8)
        #expect(Self.withoutSource(first) == Self.withoutSource(second))
        #expect(first.contains("Simulation report") && first.contains("<svg "))
        // Rendering again gives the same bytes.
        let again = try CLIRunner.run(["report", json, "-o", later])
        #expect(again.exitCode == 0)
        #expect(try String(contentsOfFile: later, encoding: .utf8) == second)
        // Without -o the report goes beside the JSON.
        #expect(try CLIRunner.run(["report", json]).exitCode == 0)
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("run.html").path))
    }

    @Test func badFilesGetOneLineAndExitTwo() throws {
        let folder = try TemporaryFiles.directory(prefix: "report-bad")
        func check(_ content: String, _ expected: String) throws {
            let file = folder.appendingPathComponent("input-\(abs(content.hashValue)).json").path
            try content.write(toFile: file, atomically: true, encoding: .utf8)
            let output = try CLIRunner.run(["report", file, "-o", folder.appendingPathComponent("out.html").path])
            #expect(output.exitCode == 2)
            #expect(output.stderrLines == ["error: \(file): \(expected)"], "\(output.stderr)")
        }
        try check("name,value\n1,2\n", "not valid JSON (malformed or truncated)")
        try check(#"{"schemaVersion": 9, "kind": "simulate"}"#, "unknown schemaVersion 9 (this gpusched reads 2)")
        try check(#"{"schemaVersion": 2, "kind": "simulate", "classes": [{"name": "#, "not valid JSON (malformed or truncated)")
        try check(#"{"openapi": "3.0"}"#, "not GPUSched JSON (no schemaVersion and kind at the top)")
        let missing = try CLIRunner.run(["report", folder.appendingPathComponent("absent.json").path])
        #expect(missing.exitCode == 2 && missing.stderrLines.count == 1 && missing.stderr.contains("no such readable file"))
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("out.html").path))
    }

    /// An unwritable --report fails at once, before the planner runs (plan moe on this example takes minutes).
    @Test func unwritableReportPathFailsBeforeTheRun() throws {
        let start = Date()
        let output = try CLIRunner.run(["plan", "moe", Repository.example("moe-balance.yaml"), "--report", "/nonexistent-folder/moe.html"])
        #expect(output.exitCode == 2)
        #expect(output.stderrLines == ["error: --report: folder /nonexistent-folder does not exist"], "\(output.stderr)")
        #expect(output.stdout.isEmpty)
        #expect(Date().timeIntervalSince(start) < 30)
        let folder = try TemporaryFiles.directory(prefix: "report-dir")
        let directory = try CLIRunner.run(["simulate", Repository.example("simulate-chat.yaml"), "--report", folder.path])
        #expect(directory.exitCode == 2)
        #expect(directory.stderrLines == ["error: --report: \(folder.path) is a directory"], "\(directory.stderr)")
        let json = folder.appendingPathComponent("x.json").path
        try "{}".write(toFile: json, atomically: true, encoding: .utf8)
        let output2 = try CLIRunner.run(["report", json, "-o", "/nonexistent-folder/x.html"])
        #expect(output2.exitCode == 2 && output2.stderrLines == ["error: -o: folder /nonexistent-folder does not exist"], "\(output2.stderr)")
    }
}
