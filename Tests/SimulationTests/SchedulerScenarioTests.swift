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
}
