import Foundation
import GPUSchedTestSupport
import Testing

/// `--export-model` through the verbs: the models land where asked, and an unwritable path is one
/// error line naming the flag, exit 2, whichever planner solves.
@Suite struct ModelExportCommandTests {
    /// Both formats: HiGHS 1.15's LP writer crashed on a path it could not open (now refused first).
    @Test(arguments: [
        ["plan", "gate-route", Repository.example("gate-route.yaml"), "--no-evaluate"],
        ["plan", "cascade", Repository.example("cascade-deepseek.yaml"), "--no-evaluate"],
    ], ["mps", "lp"])
    func unwritablePathIsBadInput(_ arguments: [String], format: String) throws {
        let path = "/nonexistent-gpusched-folder/model.\(format)"
        let output = try CLIRunner.run(arguments + ["--export-model", path])
        #expect(output.exitCode == 2)
        #expect(output.stderrLines.count == 1 && output.stderrLines[0].hasPrefix("error: --export-model: cannot write '\(path)'"),
                "\(output.stderr)")
    }

    /// The gate-and-route LP is written, then solved again from the file by `gpusched solve` to the
    /// same optimum R* = 297.70 per GPU (its objective is revenue per GPU per second).
    @Test func exportedModelSolvesToThePlansOptimum() throws {
        let folder = try TemporaryFiles.directory(prefix: "export-cli")
        let path = folder.appendingPathComponent("gate-route.mps").path
        let plan = try CLIRunner.run(["plan", "gate-route", Repository.example("gate-route.yaml"), "--no-evaluate", "--export-model", path])
        #expect(plan.exitCode == 0, "\(plan.stderr)")
        #expect(plan.stderr.contains("note: exported"))
        let solved = try CLIRunner.run(["solve", path, "--json"])
        let json = try #require(try JSONSerialization.jsonObject(with: Data(solved.stdout.utf8)) as? [String: Any])
        let objective = try #require((json["solve"] as? [String: Any])?["objective"] as? Double)
        #expect(abs(abs(objective) - 297.70) < 0.01, "\(objective)")
    }
}
