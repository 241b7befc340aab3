import ArgumentParser
import Planning
import Foundation
import ServingModel

/// `gpusched calibrate FILE.csv`: fits iteration-time laws to a user's measured iterations.
struct CalibrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calibrate",
        abstract: "Fit iteration-time laws to measured engine iterations (CSV) by least squares.",
        discussion: """
            The CSV has a header line and one row per iteration: the time (a column 'seconds', \
            'iteration_seconds' or 'ms'), 'prefill_tokens' (0 for a decode-only iteration) and, \
            optionally, 'decode_streams'. Other columns are ignored.

            Fits: mixed τ = α + β·C on the rows with a prefill chunk; solo γ = 1/mean τ on the \
            decode-only rows; hinge τ = c + a·max(0, b − b0) on every row, b the prefill tokens \
            (or, for a decode-only row, the decode streams). The calibration takes α, β, γ when \
            both the mixed and the solo fit exist and α ≤ 1/γ (as the published calibrations \
            were made), the hinge fit otherwise. --out writes it as JSON, which a scenario can \
            name as its engine calibration; built-in calibrations: \
            \(Calibration.builtin.map(\.name).joined(separator: ", ")).

            JSON output is in seconds; the table shows residuals in milliseconds.

            Example:
              gpusched calibrate examples/iteration-times.csv --out my-a100.json
            """
    )

    @Argument(help: "Measured iterations (CSV with a header line).")
    var file: String

    @Option(name: .long, help: "Calibration name (default: the file name without its extension).")
    var name: String?

    @Option(name: .long, help: "Model measured, preferably a catalog name (e.g. qwen3-8b).")
    var model = "unspecified"

    @Option(name: .long, help: "GPU measured, preferably a catalog name (e.g. A100-40GB).")
    var gpu = "unspecified"

    @Option(name: .long, help: "Serving engine and version (e.g. \"vLLM 0.11.0\").")
    var engine = "unspecified"

    @Option(name: .long, help: "Write the calibration to this JSON file.")
    var out: String?

    @OptionGroup var output: OutputOptions

    func validate() throws {
        if let name, name.trimmingCharacters(in: .whitespaces).isEmpty { throw ValidationError("--name must not be empty") }
    }

    func run() throws {
        guard FileManagerProbe.isReadableFile(file) else { throw InputError("file not found: \(file)") }
        let samples: [IterationSample]
        let report: IterationLawFit.Report
        do {
            samples = try IterationTimeCSV.read(path: file)
            report = try IterationLawFit.report(samples)
        } catch {
            throw InputError("\(file): \(error.message)")
        }
        let fileName = URL(fileURLWithPath: file).lastPathComponent
        let calibration = Calibration(
            name: name ?? URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent,
            model: model, gpu: gpu, engine: engine,
            source: "gpusched calibrate \(fileName): \(samples.count) measured iterations, \(report.method.rawValue) fit",
            law: report.law, rSquared: report.rSquared)
        if let out {
            do { try calibration.write(to: out) } catch { throw InputError(error.message) }
        }
        if output.json {
            try JSONOutput.print(CalibrateReport(calibration: calibration, report: report, rows: samples.count, out: out), kind: "calibrate")
            return
        }
        print(render(calibration, report))
        if let out { print("\nwrote \(out)") }
    }

    private func render(_ calibration: Calibration, _ report: IterationLawFit.Report) -> String {
        let law = calibration.law
        var lines = [
            "calibration \(calibration.name) (\(report.method.rawValue) fit): model \(calibration.model), "
                + "GPU \(calibration.gpu), engine \(calibration.engine)",
            "",
        ]
        var parameters = TextTable(["parameter", "value", "unit"], rightAligned: [1])
        parameters.add(["α", Self.number(law.alpha), "s"])
        parameters.add(["β", Self.number(law.beta), "s/token"])
        parameters.add(["γ", Self.number(law.gamma), "tokens/s"])
        parameters.add(["c = 1/γ", Self.number(law.c), "s"])
        parameters.add(["a = β", Self.number(law.a), "s/token"])
        parameters.add(["b0", Self.number(law.b0), "tokens"])
        parameters.add(["R²", Self.number(report.rSquared), ""])
        lines.append(parameters.render())
        lines.append("")
        var fits = TextTable(["fit", "rows", "R²", "resid sd ms", "p90 ms", "max ms"])
        func add(_ label: String, _ rows: Int, _ r2: Double?, _ residuals: ResidualSummary) {
            fits.add([
                label, "\(rows)", r2.map { Format.fixed($0, 4) } ?? "-", Format.fixed(residuals.standardDeviation * 1e3, 3),
                Format.fixed(residuals.p90 * 1e3, 3), Format.fixed(residuals.maxAbsolute * 1e3, 3),
            ])
        }
        if let mixed = report.mixed {
            add("mixed τ = α + β·C", mixed.fit.observations, mixed.fit.rSquared, mixed.fit.residuals)
        }
        if let solo = report.solo { add("solo  τ = 1/γ", solo.observations, nil, solo.residuals) }
        if let hinge = report.hinge {
            add("hinge τ = c + a·max(0, b − \(Self.number(hinge.law.b0)))", hinge.fit.observations, hinge.fit.rSquared,
                hinge.fit.residuals)
        }
        lines.append(fits.render())
        lines += report.notes.map { "note: \($0)" }
        return lines.joined(separator: "\n")
    }

    /// Five significant digits.
    private static func number(_ value: Double) -> String { String(format: "%.5g", value) }
}

/// `calibrate --json` output (seconds, tokens).
struct CalibrateReport: Encodable {
    /// The calibration, as written by `--out`.
    var calibration: Calibration
    /// "paper" or "hinge".
    var method: String
    var rows: Int
    /// The paper's mixed-batch law (null for the hinge method).
    @Nullable var mixed: IterationLawFit.Mixed?
    /// The paper's solo-decode law (null for the hinge method).
    @Nullable var solo: IterationLawFit.Solo?
    /// The hinge law (null for the paper's method).
    @Nullable var hinge: IterationLawFit.Hinge?
    var notes: [String]
    /// The file written, if any.
    @Nullable var out: String?

    init(calibration: Calibration, report: IterationLawFit.Report, rows: Int, out: String?) {
        self.calibration = calibration
        method = report.method.rawValue
        self.rows = rows
        mixed = report.mixed
        solo = report.solo
        hinge = report.hinge
        notes = report.notes
        self.out = out
    }
}
