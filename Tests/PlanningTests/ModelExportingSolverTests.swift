import Foundation
import GPUSchedTestSupport
import Planning
import Solver
import Testing

@Suite struct ModelExportingSolverTests {
    /// A backend that records the paths it exported to and returns a fixed optimum.
    final class RecordingSolver: LinearSolver, @unchecked Sendable {
        var exports: [String] = []
        func solve(_ model: LinearModel, options: SolveOptions) throws -> SolveResult {
            SolveResult(status: .optimal, objectiveValue: 1, bestBound: 1, relativeGap: 0, solveSeconds: 0, nodeCount: 0,
                        values: [], rowDuals: [], reducedCosts: [])
        }
        func export(_ model: LinearModel, to path: String) throws { exports.append(path) }
    }

    @Test func numbersEveryModelAfterTheFirst() throws {
        let base = RecordingSolver()
        let solver = try ModelExportingSolver(wrapping: base, path: "out/plan.v1.mps")
        let model = LinearModel()
        for _ in 0..<3 { _ = try solver.solve(model) }
        #expect(base.exports == ["out/plan.v1.mps", "out/plan.v1-2.mps", "out/plan.v1-3.mps"])
        #expect(solver.exported == base.exports && solver.skipped == 0)
    }

    @Test func refusesAnUnknownExtension() {
        #expect(throws: PlanningError.badInput("--export-model: 'plan.txt' must end in .mps or .lp")) {
            _ = try ModelExportingSolver(wrapping: RecordingSolver(), path: "plan.txt")
        }
    }

    /// A file HiGHS cannot write (its folder does not exist) is bad input naming the flag, and is
    /// not listed as exported.
    @Test func anUnwritablePathIsBadInput() throws {
        let path = "/nonexistent-gpusched-folder/plan.lp"
        let solver = try ModelExportingSolver(wrapping: HighsSolver(), path: path)
        var model = LinearModel()
        let x = model.addVariable(name: "x", lower: 0, upper: 4)
        model.maximize(2 * x)
        do {
            _ = try solver.solve(model)
            Issue.record("an unwritable export path was accepted")
        } catch let error as PlanningError {
            #expect(error.cause == .badInput)
            #expect(error.lines.count == 1 && error.lines[0].hasPrefix("--export-model: cannot write '\(path)'"), "\(error)")
        }
        #expect(solver.exported.isEmpty)
    }

    @Test func writesARealModelThroughHiGHS() throws {
        let directory = try TemporaryFiles.directory(prefix: "export")
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("tiny.lp").path
        var model = LinearModel()
        let x = model.addVariable(name: "x", lower: 0, upper: 4)
        model.maximize(2 * x)
        let result = try ModelExportingSolver(wrapping: HighsSolver(), path: path).solve(model)
        #expect(result.objectiveValue == 8)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.contains("x"))
    }
}
