import Foundation
import ServingModel
import Testing
@testable import Simulation
import GPUSchedTestSupport

/// Seeds run in parallel (`SimulateScenario.run(jobs:)`) give the same summary, bit for bit, as one
/// at a time: every number of the encoded summary is equal once the wall-clock fields are set aside.
@Suite struct ParallelSeedsTests {
    /// A heterogeneous two-class scenario with patience (abandonments draw from each seed's streams
    /// too) over 6 seeds.
    static let scenario = """
        kind: simulate
        model: llama-3.1-8b
        replicas: [{gpu: H100-80GB, tp: 1, count: 2}, {gpu: A100-80GB, tp: 1, count: 1}]
        engine: {batchSize: 32, chunkSize: 512}
        workload:
          classes:
            - {name: chat, arrivalRate: 12, promptTokens: {lognormal: {mean: 600, sd: 300}}, outputTokens: {exponential: {mean: 150}}}
            - {name: code, arrivalRate: 3, promptTokens: {uniform: {min: 1000, max: 3000}}, outputTokens: 40}
        policy: power-of-two
        horizon: 120
        warmup: 10
        seeds: 6
        patience: 20
        slo: {ttft: 0.5, tpot: 0.05}
        """

    /// The summary as sorted-key JSON without its wall-clock fields (doubles print in their
    /// shortest exact form, so equal text is equal bits).
    static func fingerprint(_ summary: SimulationSummary) throws -> String {
        var summary = summary
        summary.eventsPerSecond = 0
        for index in summary.runs.indices {
            summary.runs[index].wallSeconds = 0
            summary.runs[index].eventsPerSecond = 0
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return String(decoding: try encoder.encode(summary), as: UTF8.self)
    }

    @Test func parallelSeedsGiveTheSameSummaryBitForBit() async throws {
        let path = try TemporaryFiles.file(named: "parallel.yaml", Self.scenario)
        let envelope = try ScenarioEnvelope.read(path: path, kinds: ["simulate": SimulateScenario.keys])
        let scenario = try SimulateScenario.read(envelope, baseDirectory: (path as NSString).deletingLastPathComponent)
        var prints: [String] = []
        for jobs in [1, 2, 3, 6] {
            // Off the Swift task pool, as the command line runs it, so the seeds really run at once.
            let summary = await withCheckedContinuation { continuation in
                Thread { continuation.resume(returning: scenario.run(jobs: jobs)) }.start()
            }
            #expect(summary.seeds == [1, 2, 3, 4, 5, 6])
            #expect(summary.runs.map(\.seed) == [1, 2, 3, 4, 5, 6])
            prints.append(try Self.fingerprint(summary))
        }
        #expect(Set(prints).count == 1)
        // The seeds differ from one another (the comparison is not between six copies of one run).
        let one = try #require(prints.first)
        #expect(one.contains("\"abandoned\""))
        let single = await withCheckedContinuation { continuation in
            Thread { continuation.resume(returning: scenario.run(jobs: 6)) }.start()
        }
        #expect(Set(single.runs.map(\.overall.completed)).count > 1)
    }
}
