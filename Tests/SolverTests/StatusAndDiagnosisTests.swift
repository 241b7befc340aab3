import Foundation
import Testing
@testable import Solver
import GPUSchedTestSupport

/// Infeasible and unbounded outcomes, infeasibility diagnosis, errors, export and the library locator.
@Suite struct StatusAndDiagnosisTests {
    let solver = HighsSolver()

    @Test func infeasibleModelIsAStatusAndNamesItsFamilies() throws {
        var model = LinearModel()
        let x = model.addVariable(name: "x")
        let y = model.addVariable(name: "y")
        model.addConstraint(x + y >= 5, name: "need", family: "demand")
        model.addConstraint(x <= 1, name: "capX", family: "capacity")
        model.addConstraint(y <= 2, name: "capY", family: "capacity")
        model.addConstraint(x - y <= 10, name: "spread", family: "balance")
        model.minimize(x + y)
        let result = try solver.solve(model)
        #expect(result.status == .infeasible)
        #expect(result.objectiveValue == nil)
        let diagnosis = try solver.diagnoseInfeasibility(of: model)
        #expect(diagnosis.conflictingFamilies == ["demand", "capacity"])
        #expect(!diagnosis.boundsAreInfeasible)
        #expect(diagnosis.description.contains("'demand'") && diagnosis.description.contains("'capacity'"))
    }

    @Test func infeasibleIntegralityIsDiagnosedAsBounds() throws {
        var model = LinearModel()
        _ = model.addVariable(lower: 0.2, upper: 0.8, kind: .integer)
        #expect(try solver.solve(model).status == .infeasible)
        #expect(try solver.diagnoseInfeasibility(of: model).boundsAreInfeasible)
    }

    @Test func unboundedModelIsAStatus() throws {
        var model = LinearModel()
        let x = model.addVariable()
        let y = model.addVariable()
        model.addConstraint(x - y <= 1)
        model.maximize(x + y)
        #expect(try solver.solve(model).status == .unbounded)
    }

    @Test func malformedModelsAreErrors() throws {
        var crossed = LinearModel()
        _ = crossed.addVariable(name: "load", lower: 3, upper: 1)
        #expect(throws: SolverError.invalidModel("variable 'load' has lower bound 3.0 above upper bound 1.0")) {
            try solver.solve(crossed)
        }
        var nanModel = LinearModel()
        let x = nanModel.addVariable()
        nanModel.addConstraint(Double.nan * x <= 1, name: "bad")
        #expect(throws: SolverError.invalidModel("constraint 'bad' has coefficient nan")) {
            try solver.solve(nanModel)
        }
        var valid = LinearModel()
        _ = valid.addVariable(upper: 1)
        #expect(throws: SolverError.invalidOption(name: "no_such_option", value: "1")) {
            try solver.solve(valid, options: SolveOptions(backendOptions: ["no_such_option": "1"]))
        }
    }

    /// Exported MPS and LP files read back into HiGHS give the same optimum.
    @Test(arguments: ["mps", "lp"]) func exportRoundTrip(format: String) throws {
        let model = BenchmarkModels.generalizedAssignment(items: 12, bins: 4, type: .c, seed: 3)
        let direct = try solver.solve(model, options: SolveOptions(relativeGap: 0))
        let path = TemporaryFiles.path(prefix: "gpusched", extension: format)
        defer { try? FileManager.default.removeItem(atPath: path) }
        try solver.export(model, to: path)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(!text.isEmpty)
        let solved = try solver.solveFile(at: path, options: SolveOptions(relativeGap: 0))
        let reread = solved.result
        #expect(reread.status == .optimal)
        #expect(abs(try #require(reread.objectiveValue) - #require(direct.objectiveValue)) < 1e-9)
        // The file's names come back in column order: the model's own (they have no spaces).
        #expect(solved.variableNames == (0..<model.variableCount).map { model.name(of: Variable(index: $0)) })
        #expect(throws: SolverError.self) { try solver.export(model, to: path + ".txt") }
    }

    @Test func locatorSearchOrder() {
        let candidates = HighsLibraryLocator.candidates(
            environment: ["GPUSCHED_HIGHS_LIBRARY": "/opt/custom/libhighs.so"],
            workingDirectory: "/nonexistent/project", executablePath: "/nonexistent/project/.build/debug/gpusched")
        #expect(candidates.first == .init(path: "/opt/custom/libhighs.so", origin: "GPUSCHED_HIGHS_LIBRARY"))
        #expect(candidates.contains { $0.path == "/nonexistent/project/.deps/highs/highspy/libhighs.so.1" })
        #expect(candidates.suffix(2).map(\.path) == ["libhighs.so.1", "libhighs.so"])
        let message = SolverError.libraryNotFound(tried: ["a: missing"]).description
        #expect(message.contains("make setup") && message.contains("GPUSCHED_HIGHS_LIBRARY"))
    }

    @Test func loadedLibraryIsTheWheelVersion() throws {
        let (version, _) = try HighsSolver.libraryVersion()
        #expect(version.hasPrefix("1.15"))
    }
}
