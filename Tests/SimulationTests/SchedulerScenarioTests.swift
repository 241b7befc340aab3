import Foundation
import ServingModel
import Testing
@testable import Simulation
import GPUSchedTestSupport

/// The `engine:` keys `scheduler`, `blockSize` and `watermark` reach every replica of a scenario,
/// with vLLM's defaults (V1 scheduling, 16-token blocks, 1% watermark) when absent.
@Suite struct SchedulerScenarioTests {
    private func replicas(engine: String) throws -> [ReplicaConfiguration] {
        let path = try TemporaryFiles.file("""
            kind: simulate
            model: llama-3.1-8b
            replicas: [{gpu: H100-80GB, tp: 1, count: 2}]
            engine: \(engine)
            workload:
              classes:
                - {name: chat, arrivalRate: 4, promptTokens: 500, outputTokens: 50}
            horizon: 100
            """)
        let envelope = try ScenarioEnvelope.read(path: path, kinds: ["simulate": SimulateScenario.keys])
        return try SimulateScenario.read(envelope, baseDirectory: URL(fileURLWithPath: path).deletingLastPathComponent().path)
            .configuration.replicas
    }

    @Test func defaultsAreVLLMV1In16TokenBlocks() throws {
        let replicas = try replicas(engine: "{batchSize: 32, chunkSize: 512}")
        #expect(replicas.map(\.scheduler) == [.vllmV1, .vllmV1])
        #expect(replicas.map(\.blockSize) == [16, 16])
        #expect(replicas.map(\.watermark) == [0.01, 0.01])
    }

    @Test func givenKeysReachEveryReplica() throws {
        let replicas = try replicas(engine: "{batchSize: 128, chunkSize: 4096, scheduler: vllm-v0, blockSize: 32, watermark: 0.05}")
        #expect(replicas.map(\.scheduler) == [.vllmV0, .vllmV0])
        #expect(replicas.map(\.blockSize) == [32, 32])
        #expect(replicas.map(\.watermark) == [0.05, 0.05])
        #expect(replicas.map(\.chunkSize) == [4096, 4096])
    }

    /// A group's own `engine:` overrides the scenario's key by key (the rest, costs included, is the
    /// scenario's); naming a cost key replaces the costs; the other groups keep the scenario's engine.
    @Test func aGroupsEngineOverridesTheScenariosKeyByKey() throws {
        let path = try TemporaryFiles.file("""
            kind: simulate
            model: llama-3.1-8b
            replicas:
              - {gpu: H100-80GB, tp: 1, count: 1}
              - {gpu: H100-80GB, tp: 1, count: 1, engine: {scheduler: vllm-v0, batchSize: 128, chunkSize: 4096}}
              - {gpu: H100-80GB, tp: 1, count: 1, engine: {alpha: 0.0174, beta: 0.000062, gamma: 45.45}}
            engine: {batchSize: 32, chunkSize: 512, scheduler: sarathi, blockSize: 32, watermark: 0.05}
            workload:
              classes:
                - {name: chat, arrivalRate: 4, promptTokens: 500, outputTokens: 50}
            horizon: 100
            """)
        let envelope = try ScenarioEnvelope.read(path: path, kinds: ["simulate": SimulateScenario.keys])
        let replicas = try SimulateScenario.read(envelope, baseDirectory: URL(fileURLWithPath: path).deletingLastPathComponent().path)
            .configuration.replicas
        try #require(replicas.count == 3)
        #expect(replicas.map(\.scheduler) == [.sarathi, .vllmV0, .sarathi])
        #expect(replicas.map(\.batchSize) == [32, 128, 32])
        #expect(replicas.map(\.chunkSize) == [512, 4096, 512])
        #expect(replicas.map(\.blockSize) == [32, 32, 32])
        #expect(replicas.map(\.watermark) == [0.05, 0.05, 0.05])
        #expect(replicas[0].iterationModel is RooflineModel)
        #expect(replicas[1].iterationModel is RooflineModel)
        #expect(replicas[2].iterationModel is FittedIterationLaw)
        // The memory fit sees the group's own limits (vLLM profiles activations at max_num_batched_tokens).
        let catalog = Catalog.builtin
        let model = try catalog.requireModel(named: "llama-3.1-8b"), gpu = try catalog.requireGPU(named: "H100-80GB")
        let fit = MemoryFit(model: model, gpu: gpu, layout: ParallelLayout(), maxNumSeqs: 128, maxBatchedTokens: 4096)
        #expect(replicas[1].kvCapacityTokens == fit.kvCapacityTokens)
        #expect(replicas[1].kvCapacityTokens < replicas[0].kvCapacityTokens)
    }
}
