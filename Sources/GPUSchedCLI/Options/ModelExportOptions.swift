import ArgumentParser
import Foundation
import Planning
import Solver

/// `--export-model FILE.mps|FILE.lp`: every LP/MILP a verb solves is written to a file before it is
/// solved, so the model can be inspected or solved elsewhere (`gpusched solve FILE`, any MPS reader).
///
/// Add to a solving command with `@OptionGroup var export: ModelExportOptions` and run the solves
/// inside `export.withSolver { solver in … }`; the files written are listed on stderr afterwards.
/// ```
/// gpusched plan geo examples/geo-clustered.yaml --export-model geo.mps
/// gpusched solve geo.mps
/// ```
struct ModelExportOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "Write every LP/MILP the verb solves to FILE before solving it (.mps or .lp; later models to FILE-2, FILE-3, …).",
        valueName: "FILE"))
    var exportModel: String?

    func validate() throws {
        if let exportModel, ModelFileFormat(path: exportModel) == nil {
            throw ValidationError("--export-model: '\(exportModel)' must end in .mps or .lp")
        }
    }

    /// Runs `body` with HiGHS (wrapped to export when `--export-model` is given), then lists the
    /// files written on stderr (also when `body` throws after writing some).
    func withSolver<Value>(_ body: (any LinearSolver) throws -> Value) throws -> Value {
        guard let exportModel else { return try body(HighsSolver()) }
        let solver = try ModelExportingSolver(wrapping: HighsSolver(), path: exportModel)
        do {
            let value = try body(solver)
            Self.announce(solver)
            return value
        } catch {
            if !solver.exported.isEmpty { Self.announce(solver) }
            throw error
        }
    }

    private static func announce(_ solver: ModelExportingSolver) {
        var line = solver.exported.isEmpty
            ? "note: --export-model: this run solved no LP or MILP, nothing was written"
            : "note: exported \(solver.exported.count) model\(solver.exported.count == 1 ? "" : "s"): "
                + solver.exported.joined(separator: ", ")
        if solver.skipped > 0 { line += " (\(solver.skipped) more not written: at most \(ModelExportingSolver.maximumFiles) files)" }
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
