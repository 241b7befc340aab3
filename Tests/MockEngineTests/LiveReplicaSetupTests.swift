import GPUSchedTestSupport
import ServingModel
import Simulation
import Testing

/// The two ways to configure a live replica agree with each other and with `kind: simulate`.
@Suite struct LiveReplicaSetupTests {
    static func chatScenario() throws -> SimulateScenario {
        let envelope = try ScenarioEnvelope.read(path: Repository.example("simulate-chat.yaml"), kinds: ["simulate": SimulateScenario.keys])
        return try SimulateScenario.read(envelope, baseDirectory: Repository.examples.path)
    }

    @Test func aScenarioGroupIsTheReplicaTheSimulatorRuns() throws {
        let scenario = try Self.chatScenario()
        let fromScenario = try LiveReplicaSetup.configuration(scenario: scenario, group: 0)
        #expect(fromScenario.name == scenario.replicas[0].name)
        // The same model, GPU, TP and limits from flags: the same replica (memory rule, defaults).
        let fromFlags = try LiveReplicaSetup.configuration(
            model: "llama-3.1-8b", gpu: "H100-80GB", tensorParallel: 1, engine: LiveEngineSettings(batchSize: 64, chunkSize: 512))
        #expect(fromFlags.kvCapacityTokens == fromScenario.kvCapacityTokens)
        #expect(fromFlags.batchSize == 64 && fromScenario.batchSize == 64)
        #expect(fromFlags.chunkSize == 512 && fromScenario.chunkSize == 512)
        #expect(fromFlags.scheduler == fromScenario.scheduler)
        #expect(fromFlags.blockSize == fromScenario.blockSize)
        #expect(fromFlags.watermark == fromScenario.watermark)
        var shape = BatchShape(decodeStreams: 12, decodeContextTokens: 9_000)
        shape.addPrefillChunk(tokens: 300, context: 200)
        #expect(fromFlags.iterationModel.iterationSeconds(shape) == fromScenario.iterationModel.iterationSeconds(shape))
    }

    @Test func vllmDefaultsApplyWithoutLimits() throws {
        let configuration = try LiveReplicaSetup.configuration(model: "llama-3.1-8b", gpu: "H100-80GB", tensorParallel: 1)
        let defaults = VLLMMemoryProfile.defaultLimits(for: try Catalog.builtin.requireGPU(named: "H100-80GB"))
        #expect(configuration.batchSize == defaults.maxNumSeqs)
        #expect(configuration.chunkSize == defaults.maxBatchedTokens)
        #expect(configuration.scheduler == .vllmV1)
        #expect(configuration.kvCapacityTokens > 100_000)
    }

    @Test func aMissingGroupIsNamed() throws {
        let scenario = try Self.chatScenario()
        #expect(throws: ScenarioError(path: "--group", "the scenario has replica groups 0, got 3")) {
            try LiveReplicaSetup.configuration(scenario: scenario, group: 3)
        }
    }
}
