import Foundation
import Testing

@testable import ServingModel
import GPUSchedTestSupport

// Fitted iteration-time laws: least squares, the hinge law, the published calibrations, the
// measurements CSV and calibration files.

// MARK: - Helpers

/// The `CalibrationError` message a throwing call fails with, or nil when it succeeds.
private func failure<T>(_ body: () throws -> T) -> String? {
    do {
        _ = try body()
        return nil
    } catch let error as CalibrationError {
        return error.message
    } catch {
        return "unexpected error: \(error)"
    }
}

/// |actual − expected| ≤ tolerance·max(1, |expected|).
private func close(_ actual: Double, _ expected: Double, _ tolerance: Double = 1e-9) -> Bool {
    abs(actual - expected) <= tolerance * max(1, abs(expected))
}

private let qwen8B = Calibration.builtin[0]

/// `examples/iteration-times.csv` is synthetic, not measured: the Qwen-8B law of the paper
/// (α = 0.0174 s, β = 6.2e-5 s/token, γ = 45.45 tokens/s) with 1 % Gaussian noise drawn from
/// `SeededRandom(seed: 2602)`, written to the microsecond. 27 mixed iterations (chunks of 128 to
/// 2048 tokens, three each, with 0–15 decodes the law ignores) and 12 decode-only ones.
private func syntheticQwen8BSamples() -> [IterationSample] {
    var random = SeededRandom(seed: 2602)
    let law = qwen8B.law
    func noisy(_ seconds: Double) -> Double { ((seconds * (1 + 0.01 * random.standardNormal())) * 1e6).rounded() / 1e6 }
    var samples: [IterationSample] = []
    for chunk in [128, 192, 256, 384, 512, 768, 1024, 1536, 2048] {
        for _ in 0..<3 {
            samples.append(IterationSample(
                seconds: noisy(law.mixedIterationSeconds(chunk: chunk)), prefillTokens: chunk,
                decodeStreams: samples.count * 7 % 16))
        }
    }
    for streams in [1, 2, 4, 6, 8, 10, 12, 13, 14, 15, 16, 16] {
        samples.append(IterationSample(seconds: noisy(law.soloIterationSeconds), prefillTokens: 0, decodeStreams: streams))
    }
    return samples
}

// MARK: - Least squares

@Suite struct CalibrationLeastSquaresTests {
    @Test func noiselessLineIsRecoveredExactly() throws {
        let x = [16.0, 64, 128, 256, 512, 1024, 2048, 4096]
        let fit = try LeastSquaresFit.line(x: x, y: x.map { 0.0174 + 6.2e-5 * $0 })
        #expect(close(fit.coefficients[0], 0.0174))
        #expect(abs(fit.coefficients[1] - 6.2e-5) <= 1e-9 * 6.2e-5)
        #expect(abs(fit.rSquared - 1) < 1e-12)
        #expect(fit.residuals.maxAbsolute < 1e-15)
    }

    @Test func noiselessPlaneIsRecoveredExactly() throws {
        var design: [[Double]] = []
        for x in stride(from: 0.0, through: 10, by: 2) {
            for z in [1.0, 1e3, 1e6] { design.append([1, x, z]) }
        }
        let fit = try LeastSquaresFit(design: design, response: design.map { 1.5 + 2 * $0[1] - 3e-4 * $0[2] })
        for (found, expected) in zip(fit.coefficients, [1.5, 2, -3e-4]) {
            #expect(abs(found - expected) <= 1e-9 * abs(expected))
        }
        #expect(abs(fit.rSquared - 1) < 1e-12)
    }

    @Test func noisyLineIsRecoveredWithinTolerance() throws {
        var random = SeededRandom(seed: 7)
        let x = (0..<400).map { Double(64 + ($0 % 32) * 64) }
        let y = x.map { 0.0174 + 6.2e-5 * $0 + 2e-4 * random.standardNormal() }
        let fit = try LeastSquaresFit.line(x: x, y: y)
        // Standard errors here are about 2e-5 s and 1.7e-8 s/token; allow 5 of them.
        #expect(abs(fit.coefficients[0] - 0.0174) < 1e-4)
        #expect(abs(fit.coefficients[1] - 6.2e-5) < 1e-7)
        #expect(abs(fit.residuals.standardDeviation - 2e-4) < 2e-5)
        #expect(fit.rSquared > 0.99 && fit.rSquared < 1)
        #expect(fit.residuals.p50 < fit.residuals.p90 && fit.residuals.p90 < fit.residuals.p99)
        #expect(fit.residuals.p99 <= fit.residuals.maxAbsolute)
    }

    @Test func residualPercentilesInterpolate() {
        let summary = ResidualSummary([-4, 3, -2, 1, 0], parameters: 2)
        #expect(summary.p50 == 2)
        #expect(close(summary.p90, 3.6))
        #expect(summary.maxAbsolute == 4)
        #expect(close(summary.standardDeviation, (30.0 / 3).squareRoot()))
    }

    @Test func degenerateInputIsAnError() {
        #expect(failure { try LeastSquaresFit.line(x: [5, 5, 5], y: [1, 2, 3]) }
            == "a line needs at least 2 distinct x values, got 1")
        #expect(failure { try LeastSquaresFit.line(x: [1, .nan], y: [1, 2]) }
            == "x value 2 is not a finite number (nan)")
        #expect(failure { try LeastSquaresFit.line(x: [1, 2], y: [1, .infinity]) }
            == "observation 2 is not a finite number (inf)")
        #expect(failure { try LeastSquaresFit(design: [[1, 2, 4], [1, 3, 6], [1, 5, 10]], response: [1, 2, 3]) }
            == "the fit is degenerate: regressor 3 is (nearly) constant or a combination of the others, "
            + "so the coefficients are not determined")
        #expect(failure { try LeastSquaresFit(design: [[1, 2]], response: [1]) }
            == "a fit of 2 coefficients needs at least 2 observations, got 1")
    }
}

// MARK: - Iteration-time laws

@Suite struct CalibrationLawTests {
    @Test func shippedQwen8BLawReproducesThePaper() {
        let law = qwen8B.law
        #expect(qwen8B.name == "qwen3-8b-a100-vllm0.11")
        #expect(close(law.mixedIterationSeconds(chunk: 256), 0.0174 + 256 * 6.2e-5, 1e-12))
        #expect(abs(law.mixedIterationSeconds(chunk: 256) - 0.03327) < 5e-6)
        #expect(abs(law.soloIterationSeconds - 0.022) < 5e-6)
        #expect(close(law.alpha, 0.0174, 1e-12) && close(law.beta, 6.2e-5, 1e-12) && close(law.gamma, 45.45, 1e-12))
        #expect(abs(law.b0 - 74.2) < 0.05)  // (1/45.45 − 0.0174) / 6.2e-5 = 74.19
        #expect(qwen8B.rSquared == 0.998)
        // γτ of the convergence instance (C = 256): 1.512.
        #expect(abs(law.gamma * law.mixedIterationSeconds(chunk: 256) - 1.512) < 5e-4)
    }

    @Test func shippedQwen4BLaw() {
        let calibration = Calibration.builtin[1]
        #expect(calibration.name == "qwen3-4b-a100-vllm0.11")
        #expect(abs(calibration.law.soloIterationSeconds - 0.019) < 5e-6)
        #expect(abs(calibration.law.b0 - 105.6) < 0.05)
        #expect(close(calibration.law.mixedIterationSeconds(chunk: 512), 0.0152 + 512 * 3.6e-5, 1e-12))
    }

    @Test func batchShapes() {
        let law = qwen8B.law
        let mixed = law.iterationSeconds(BatchShape(prefillTokens: 256, decodeStreams: 15))
        #expect(mixed == law.mixedIterationSeconds(chunk: 256))  // the paper ignores the 15 decodes
        let counting = FittedIterationLaw(c: law.c, a: law.a, b0: law.b0, countsDecodesInMixedBatch: true)
        #expect(close(counting.iterationSeconds(BatchShape(prefillTokens: 256, decodeStreams: 15)), mixed + 15 * law.a, 1e-12))
        #expect(law.iterationSeconds(BatchShape(decodeStreams: 16)) == law.c)
        #expect(close(law.iterationSeconds(BatchShape(decodeStreams: 100)), law.c + (100 - law.b0) * law.a, 1e-12))
        #expect(law.mixedIterationSeconds(chunk: 32) == law.c)  // below the knee
    }

    @Test func invalidValuesAreReported() {
        #expect(failure { try FittedIterationLaw.validated(alpha: 0.03, beta: 6.2e-5, gamma: 45.45) }
            == "alpha (0.03 s) must be <= 1/gamma (0.022002200220022 s), so that the knee b0 = (1/gamma - alpha)/beta is >= 0")
        #expect(failure { try FittedIterationLaw.validated(alpha: 0.01, beta: 0, gamma: 45.45) }
            == "beta must be > 0 seconds per token, got 0")
        #expect(failure { try FittedIterationLaw.validated(c: 0.02, a: -1e-5, b0: 10) }
            == "a must be >= 0 seconds per token, got -1e-05")
        #expect(failure { try FittedIterationLaw.validated(c: .nan, a: 1e-5, b0: 10) } == "c must be a finite number, got nan")
    }

    @Test func mixedAndSoloFitsRecoverThePaperLaw() throws {
        let chunks = [128, 256, 512, 1024, 2048]
        let samples = chunks.map { IterationSample(seconds: 0.0174 + 6.2e-5 * Double($0), prefillTokens: $0, decodeStreams: 15) }
            + [IterationSample(seconds: 0.022, prefillTokens: 0, decodeStreams: 16)]
        let mixed = try IterationLawFit.mixed(samples)
        #expect(close(mixed.alpha, 0.0174) && abs(mixed.beta - 6.2e-5) < 1e-14)
        #expect(try IterationLawFit.solo(samples).gamma == 1 / 0.022)
        let report = try IterationLawFit.report(samples)
        #expect(report.method == .paper)
        #expect(report.notes.isEmpty)
        #expect(close(report.law.b0, (0.022 - 0.0174) / 6.2e-5, 1e-9))
    }

    @Test func hingeFitFindsTheKnee() throws {
        let truth = FittedIterationLaw(c: 0.022, a: 6.2e-5, b0: 74)
        let sizes = [1, 8, 16, 32, 50, 74, 100, 128, 256, 512, 1024]
        let samples = sizes.map { IterationSample(seconds: truth.seconds(tokens: Double($0)), prefillTokens: $0) }
        let hinge = try IterationLawFit.hinge(samples)
        #expect(hinge.law.b0 == 74)
        #expect(close(hinge.law.c, 0.022) && abs(hinge.law.a - 6.2e-5) < 1e-14)
        #expect(abs(hinge.fit.rSquared - 1) < 1e-12)
        // No decode-only rows: the report falls back to the hinge fit and says why.
        let report = try IterationLawFit.report(samples)
        #expect(report.method == .hinge)
        #expect(report.notes == [
            "the solo fit needs decode-only rows (prefill_tokens = 0) to estimate gamma, got none",
            "the calibration uses the hinge fit",
        ])
    }

    @Test func degenerateMeasurementsAreErrors() {
        let oneChunk = [IterationSample(seconds: 0.03, prefillTokens: 256), IterationSample(seconds: 0.031, prefillTokens: 256)]
        #expect(failure { try IterationLawFit.mixed(oneChunk) }
            == "the mixed fit τ = α + β·C needs rows with at least 2 distinct prefill_tokens > 0, got only 256")
        #expect(failure { try IterationLawFit.report(oneChunk) }
            == "cannot fit a law: the mixed fit τ = α + β·C needs rows with at least 2 distinct prefill_tokens > 0, "
            + "got only 256; the solo fit needs decode-only rows (prefill_tokens = 0) to estimate gamma, got none; "
            + "the hinge fit needs at least 2 distinct batch sizes b (prefill_tokens + decode_streams), got only 256")
        #expect(failure { try IterationLawFit.hinge([IterationSample(seconds: -1, prefillTokens: 8)]) }
            == "iteration 1: seconds must be a finite number > 0, got -1")
        #expect(failure { try IterationLawFit.solo([IterationSample(seconds: .nan, prefillTokens: 0)]) }
            == "iteration 1: seconds must be a finite number > 0, got nan")
    }
}

// MARK: - Measurements CSV

@Suite struct CalibrationCSVTests {
    @Test func readsColumnsInAnyOrderAndUnits() throws {
        let samples = try IterationTimeCSV.parse("""
            run,Decode_Streams,ms,prefill_tokens\r
            a,12,33.25,256\r
            \r
            b,16,22.0,0\r
            """)
        #expect(samples == [
            IterationSample(seconds: 0.03325, prefillTokens: 256, decodeStreams: 12),
            IterationSample(seconds: 0.022, prefillTokens: 0, decodeStreams: 16),
        ])
        let withoutDecodes = try IterationTimeCSV.parse("iteration_seconds,prefill_tokens\n0.03,256.0\n")
        #expect(withoutDecodes == [IterationSample(seconds: 0.03, prefillTokens: 256)])
    }

    @Test(arguments: [
        ("", "the file is empty; expected a header line with seconds, iteration_seconds or ms and prefill_tokens"),
        ("secs,prefill_tokens\n1,2", "line 1: missing time column; expected one of seconds, iteration_seconds or ms (did you mean 'secs'?)"),
        ("seconds,prefil_tokens\n1,2", "line 1: missing column 'prefill_tokens' (did you mean 'prefil_tokens'?)"),
        ("seconds,ms,prefill_tokens\n1,2,3", "line 1: columns 'seconds' and 'ms' both give the time; keep one"),
        ("seconds,prefill_tokens,seconds\n1,2,3", "line 1: duplicate column 'seconds'"),
        ("seconds,prefill_tokens\n", "no data rows after the header (line 1)"),
        ("seconds,prefill_tokens\n0.02,0\n0.03,256\n0.03\n", "line 4: expected 2 fields like the header, got 1"),
        ("seconds,prefill_tokens\n0.02,0\n\n0.03,256\n0.04,512\n\n-1,64\n", "line 7: seconds must be > 0, got -1"),
        ("ms,prefill_tokens\n0,64\n", "line 2: ms must be > 0, got 0"),
        ("seconds,prefill_tokens\nfast,64\n", "line 2: seconds must be a number, got 'fast'"),
        ("seconds,prefill_tokens\nnan,64\n", "line 2: seconds must be a finite number, got nan"),
        ("seconds,prefill_tokens\n0.02,1.5\n", "line 2: prefill_tokens must be an integer >= 0, got 1.5"),
        ("seconds,prefill_tokens,decode_streams\n0.02,0,-3\n", "line 2: decode_streams must be an integer >= 0, got -3"),
        ("seconds,prefill_tokens,decode_streams\n0.02,0,\n", "line 2: decode_streams must be an integer >= 0, got ''"),
        ("seconds,prefill_tokens,decode_streams\n0.02,0,0\n", "line 2: empty iteration: prefill_tokens and decode_streams are both 0"),
    ])
    func errorsNameTheLine(text: String, message: String) {
        #expect(failure { try IterationTimeCSV.parse(text) } == message)
    }

    @Test func missingFile() {
        #expect(failure { try IterationTimeCSV.read(path: "/nonexistent/times.csv") } == "file not found: /nonexistent/times.csv")
    }

    /// The shipped example is the synthetic Qwen-8B data of `syntheticQwen8BSamples()`, and
    /// calibrating on it gives back the paper's law within the noise.
    @Test func exampleFileIsSyntheticQwen8BData() throws {
        let samples = try IterationTimeCSV.read(path: Repository.examples.appendingPathComponent("iteration-times.csv").path)
        #expect(samples == syntheticQwen8BSamples())
        let report = try IterationLawFit.report(samples)
        #expect(report.method == .paper)
        #expect(abs(report.law.alpha - 0.0174) < 5e-4)
        #expect(abs(report.law.beta - 6.2e-5) < 1e-6)
        #expect(abs(report.law.gamma - 45.45) < 0.5)
        #expect(report.rSquared > 0.99)
    }
}

// MARK: - Calibrations

@Suite struct CalibrationFileTests {
    @Test func lookupByNameSuggestsNearNames() throws {
        #expect(try Calibration.require(named: "QWEN3-8B-A100-VLLM0.11") == qwen8B)
        #expect(failure { try Calibration.require(named: "qwen3-8b-a100-vllm0.12") }
            == "unknown calibration 'qwen3-8b-a100-vllm0.12' (did you mean 'qwen3-8b-a100-vllm0.11', 'qwen3-4b-a100-vllm0.11'?)")
        #expect(failure { try Calibration.resolve("qwen-8b") }
            == "unknown calibration 'qwen-8b'; give a built-in name (qwen3-8b-a100-vllm0.11, qwen3-4b-a100-vllm0.11) "
            + "or the path of a .json calibration file")
    }

    @Test func jsonRoundTrip() throws {
        let folder = try TemporaryFiles.directory(prefix: "gpusched-calibration")
        defer { try? FileManager.default.removeItem(at: folder) }
        let calibration = Calibration(
            name: "mine", model: "qwen3-8b", gpu: "H100-80GB", engine: "vLLM 0.11.0", source: "test",
            law: FittedIterationLaw(c: 0.0181, a: 3.3e-5, b0: 96.5, countsDecodesInMixedBatch: true), rSquared: 0.991)
        let path = folder.appendingPathComponent("mine.json").path
        try calibration.write(to: path)
        #expect(try Calibration.load(path: path) == calibration)
        #expect(try Calibration.resolve("mine.json", relativeTo: folder.path) == calibration)
        for builtin in Calibration.builtin {
            try builtin.write(to: path)
            #expect(try Calibration.load(path: path) == builtin)
        }
    }

    @Test func filesMayGiveThePaperForm() throws {
        let text = """
            {"name": "paper", "model": "qwen3-8b", "gpu": "A100-40GB", "engine": "vLLM 0.11.0", "source": "Table 3",
             "law": {"alpha": 0.0174, "beta": 6.2e-5, "gamma": 45.45}}
            """
        let path = TemporaryFiles.path(prefix: "gpusched-paper", extension: "json")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let loaded = try Calibration.load(path: path)
        #expect(loaded.law == qwen8B.law)
        #expect(loaded.rSquared == nil)
    }

    @Test(arguments: [
        (#"{"name": "x", "model": "m", "gpu": "g", "engine": "e", "source": "s"}"#, "law: missing required key"),
        (#"{"name": "x", "model": "m", "gpu": "g", "engine": "e", "source": "s", "law": {"c": "fast", "a": 1, "b0": 1}}"#,
         "law.c: expected a number"),
        (#"{"name": "x", "model": "m", "gpu": "g", "engine": "e", "source": "s", "law": {"c": 0.02}}"#,
         "law: give c, a, b0 together; missing a, b0"),
        (#"{"name": "x", "model": "m", "gpu": "g", "engine": "e", "source": "s", "law": {}}"#,
         "law: a law needs either c, a and b0 or alpha, beta and gamma"),
        (#"{"name": "x", "model": "m", "gpu": "g", "engine": "e", "source": "s", "law": {"c": 0.02, "a": 1e-5, "b0": -3}}"#,
         "law: b0 must be >= 0 tokens, got -3"),
        (#"{"name": "x", "model": "m", "gpu": "g", "engine": "e", "source": "s", "law": {"c": 0.02, "a": 1e-5, "b0": 3, "alpha": 0.1, "beta": 1e-5, "gamma": 50}}"#,
         "law: alpha, beta and gamma (0.1, 1e-05, 50) disagree with c, a and b0 (0.02, 1e-05, 3); give one form"),
        (#"{"name": "", "model": "m", "gpu": "g", "engine": "e", "source": "s", "law": {"c": 0.02, "a": 1e-5, "b0": 3}}"#,
         "name: must not be empty"),
        ("{", "malformed JSON"),
    ])
    func badFilesAreReported(text: String, message: String) throws {
        let path = TemporaryFiles.path(prefix: "gpusched-bad", extension: "json")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        #expect(failure { try Calibration.load(path: path) } == "\(path): not a calibration: \(message)")
    }

    @Test func missingCalibrationFile() {
        #expect(failure { try Calibration.resolve("calibrations/none.json", relativeTo: "/nonexistent") }
            == "calibration file not found: /nonexistent/calibrations/none.json")
    }
}

