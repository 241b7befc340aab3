import Foundation
import Planning
import ServingModel
import Simulation

/// `gpusched bench trace`: how fast traces are read, and whether a trace replay's process is
/// dominated by its simulation.
///
/// Generates traces shaped like the peers' (`Date,Time,PromptTokenCount,CompletionTokenCount,
/// arrived_at,num_prefill_tokens,num_decode_tokens`; Poisson arrivals at 4 req/s, total length
/// uniform 256–2048 tokens split 4:1 between prompt and output) into a temporary folder, reads
/// each several times with `TraceWorkload.load` (rows per second: median and range), then runs
/// `simulate` on the smaller one as the CLI does (scenario and trace read, every seed simulated,
/// the table rendered) and compares that whole with the simulation loop alone.
///
/// ```swift
/// let report = try TraceBenchmark.measure(rows: 1_000_000, repeats: 5, progress: .silent)
/// report.simulate.wholeOverLoop    // ≤ 1.5: the process is dominated by the simulation
/// ```
struct TraceBenchmark: Encodable {
    /// Reading one generated trace.
    struct Ingestion: Encodable {
        var format: String
        var rows: Int
        var bytes: Int
        var repeats: Int
        var readSeconds: BenchmarkSpread
        var rowsPerSecond: BenchmarkSpread
        /// CPU time of the reading thread (the wall clock less what other processes took).
        var cpuSeconds: BenchmarkSpread
        var rowsPerCPUSecond: BenchmarkSpread
    }

    /// `simulate` of the smaller trace, whole and its loop alone.
    struct WholeSimulate: Encodable {
        var description: String
        var rows: Int
        var repeats: Int
        /// Reading the scenario and its trace, simulating, rendering the table.
        var wholeSeconds: BenchmarkSpread
        /// Reading the scenario and its trace.
        var loadSeconds: BenchmarkSpread
        /// The simulation loop (`SimulationReport.wallSeconds`).
        var loopSeconds: BenchmarkSpread
        /// Median whole over median loop.
        var wholeOverLoop: Double
    }

    var ingestion: [Ingestion]
    var simulate: WholeSimulate

    /// Requests per second of the generated traces (the peers' `w1_qps4` rate).
    static let arrivalRate = 4.0

    /// Reads traces of `rows / 10` and `rows` rows (CSV; JSONL at `rows / 10`) `repeats` times each,
    /// and simulates the `rows / 10` one.
    static func measure(rows: Int, repeats: Int, progress: ProgressReporter) throws -> TraceBenchmark {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("gpusched-bench-trace-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let small = max(1, rows / 10)
        var ingestion: [Ingestion] = []
        for (format, count) in [("csv", small), ("csv", rows), ("jsonl", small)] {
            let path = folder.appendingPathComponent("trace-\(count).\(format)").path
            progress.say("writing a \(count)-row \(format) trace")
            let bytes = try TraceFileWriter.write(rows: count, jsonl: format == "jsonl", to: path)
            progress.say("reading it \(repeats) times")
            ingestion.append(try measureReading(path: path, format: format, rows: count, bytes: bytes, repeats: repeats))
        }
        progress.say("simulating the \(small)-row trace \(repeats) times")
        let simulate = try measureSimulate(folder: folder, trace: "trace-\(small).csv", rows: small, repeats: repeats)
        return TraceBenchmark(ingestion: ingestion, simulate: simulate)
    }

    private static func measureReading(path: String, format: String, rows: Int, bytes: Int, repeats: Int) throws -> Ingestion {
        var seconds: [Double] = [], cpu: [Double] = []
        for _ in 0..<repeats {
            var names: [String] = []
            let watch = Stopwatch(), cpuBefore = BenchmarkCPUTime.threadSeconds()
            let requests = try TraceWorkload.load(path: path, classNames: &names)
            seconds.append(watch.seconds)
            cpu.append(BenchmarkCPUTime.threadSeconds() - cpuBefore)
            guard requests.count == rows else {
                throw InputError("bench trace: read \(requests.count) requests from \(path), wrote \(rows)")
            }
        }
        return Ingestion(
            format: format, rows: rows, bytes: bytes, repeats: repeats, readSeconds: BenchmarkSpread(seconds),
            rowsPerSecond: BenchmarkSpread(seconds.map { Double(rows) / max($0, 1e-9) }), cpuSeconds: BenchmarkSpread(cpu),
            rowsPerCPUSecond: BenchmarkSpread(cpu.map { Double(rows) / max($0, 1e-9) }))
    }

    private static func measureSimulate(folder: URL, trace: String, rows: Int, repeats: Int) throws -> WholeSimulate {
        // Generous horizon: every arrival (about rows / rate seconds) falls before it.
        let horizon = (Double(rows) / arrivalRate * 2).rounded(.up) + 60
        let scenario = """
            kind: simulate
            model: llama-3.1-8b
            replicas: [{gpu: A100-80GB, tp: 1, count: 1}]
            engine: {batchSize: 128, chunkSize: 512}
            workload: {trace: \(trace)}
            policy: least-outstanding
            horizon: \(Int(horizon))
            seeds: 1
            """
        let path = folder.appendingPathComponent("simulate.yaml").path
        try Data(scenario.utf8).write(to: URL(fileURLWithPath: path))
        var whole: [Double] = [], load: [Double] = [], loop: [Double] = []
        var arrived = 0
        for _ in 0..<repeats {
            let watch = Stopwatch()
            let loaded = try ScenarioKinds.loadSimulate(path: path)
            load.append(watch.seconds)
            try loaded.work.check(.default, at: "workload")
            let summary = loaded.run(jobs: 1)
            _ = SimulationTable.render(summary, horizon: loaded.horizon, warmup: loaded.warmup)
            whole.append(watch.seconds)
            loop.append(summary.runs.reduce(0) { $0 + $1.wallSeconds })
            arrived = summary.runs.first?.overall.arrived ?? 0
        }
        guard arrived == rows else { throw InputError("bench trace: simulated \(arrived) arrivals of \(rows)") }
        let wholeSpread = BenchmarkSpread(whole), loopSpread = BenchmarkSpread(loop)
        return WholeSimulate(
            description: "simulate: llama-3.1-8b on 1 x A100-80GB (B=128, C=512), the \(rows)-row trace, one seed",
            rows: rows, repeats: repeats, wholeSeconds: wholeSpread, loadSeconds: BenchmarkSpread(load), loopSeconds: loopSpread,
            wholeOverLoop: wholeSpread.median / max(loopSpread.median, 1e-9))
    }

    /// The text report.
    func render() -> String {
        var table = TextTable(["trace", "rows", "MiB", "read s, median (min–max)", "rows/s, median (min–max)", "rows per CPU s (min–max)"])
        for run in ingestion {
            table.add([
                run.format, Format.grouped(run.rows), Format.fixed(Double(run.bytes) / 1_048_576, 1), run.readSeconds.text(3),
                "\(Format.grouped(Int(run.rowsPerSecond.median))) (\(Format.grouped(Int(run.rowsPerSecond.min)))–"
                    + "\(Format.grouped(Int(run.rowsPerSecond.max))))",
                "\(Format.grouped(Int(run.rowsPerCPUSecond.median))) (\(Format.grouped(Int(run.rowsPerCPUSecond.min)))–"
                    + "\(Format.grouped(Int(run.rowsPerCPUSecond.max))))",
            ])
        }
        return """
            Trace ingestion (TraceWorkload.load, \(ingestion.first?.repeats ?? 0) repeats each)
            \(table.render())

            \(simulate.description), \(simulate.repeats) repeats
              whole (read, simulate, render)  \(simulate.wholeSeconds.text(3)) s
              reading scenario and trace      \(simulate.loadSeconds.text(3)) s
              simulation loop                 \(simulate.loopSeconds.text(3)) s
              whole / loop                    \(Format.fixed(simulate.wholeOverLoop, 2)) (medians)
            """
    }
}

/// Writes generated traces in the peers' columns, a buffer at a time.
enum TraceFileWriter {
    /// Writes `rows` requests to `path` (CSV with the peers' header, or JSONL with their keys) and
    /// returns the bytes written. Seeded: the same file every time.
    static func write(rows: Int, jsonl: Bool, to path: String) throws -> Int {
        guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path) else {
            throw InputError("bench trace: cannot write \(path)")
        }
        defer { try? handle.close() }
        var random = SeededRandom(seed: 14)
        var buffer: [UInt8] = []
        buffer.reserveCapacity(1 << 20)
        var written = 0
        func flush() throws {
            try handle.write(contentsOf: buffer)
            written += buffer.count
            buffer.removeAll(keepingCapacity: true)
        }
        if !jsonl { buffer += Array("Date,Time,PromptTokenCount,CompletionTokenCount,arrived_at,num_prefill_tokens,num_decode_tokens\n".utf8) }
        var microseconds = 0
        for _ in 0..<rows {
            microseconds += Int((random.exponential(rate: TraceBenchmark.arrivalRate) * 1e6).rounded())
            let total = random.integer(in: 256...2048)
            let prompt = total * 4 / 5, output = total - prompt
            let time = "\(microseconds / 1_000_000)." + String(String(1_000_000 + microseconds % 1_000_000).dropFirst())
            let line = jsonl
                ? "{\"arrived_at\": \(time), \"num_prefill_tokens\": \(prompt), \"num_decode_tokens\": \(output)}\n"
                : "2023-08-21,\(time),\(prompt),\(output),\(time),\(prompt),\(output)\n"
            buffer += Array(line.utf8)
            if buffer.count >= 1 << 20 { try flush() }
        }
        try flush()
        return written
    }
}
