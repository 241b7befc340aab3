import ArgumentParser
import Foundation
import MockEngine
import ServingModel
import Simulation

/// `gpusched mock-engine`: an OpenAI-compatible engine without a GPU, whose tokens come out when the
/// performance model says (the simulator's replica run in wall-clock time).
struct MockEngineCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mock-engine",
        abstract: "Serve an OpenAI-compatible mock engine whose tokens come out at the performance model's times.",
        discussion: """
            The engine runs the simulator's replica live: continuous batching under the scheduler's \
            batching rule (vLLM V1 by default), KV cache in blocks with vLLM's memory rule, each \
            iteration as long as the roofline model gives for its batch. A prompt's length is its \
            UTF-8 bytes / 4; its output length is max_tokens (or --default-output-tokens, then it \
            ends with finish_reason stop). Answers are deterministic words. Endpoints: POST \
            /v1/chat/completions and /v1/completions (stream or not), GET /v1/models, /health, \
            /metrics (vLLM's metric names). --timing instant answers at once (the fast mock). \
            With --scenario, the replica is the first of group --group of a kind: simulate \
            scenario, exactly as gpusched simulate builds it; --model is then the served model \
            name (default: the scenario's model). Stops on SIGINT or SIGTERM.

            Examples:
              gpusched mock-engine --model llama-3.1-8b --gpu H100-80GB --tp 1 --port 9001
              gpusched mock-engine --model llama-3.1-70b --gpu H100-80GB --tp 4 --max-batch 128 --chunk 4096
              gpusched mock-engine --model llama-3.1-8b --gpu H100-80GB --timing instant --port 9002
              gpusched mock-engine --scenario examples/simulate-chat.yaml --group 0 --port 9003
            """
    )

    @Option(name: .long, help: "Catalog model to serve (with --scenario: the served model name).")
    var model: String?

    @Option(name: .long, help: "Catalog GPU of the replica.")
    var gpu: String?

    @Option(name: .long, help: "Tensor-parallel degree (default 1).")
    var tp: Int?

    @Option(name: .long, help: ArgumentHelp("A kind: simulate scenario whose replica group to serve.", valueName: "FILE"))
    var scenario: String?

    @Option(name: .long, help: "Replica group of --scenario, 0-based in file order (default 0).")
    var group: Int?

    @Option(name: .long, help: "Address to bind.")
    var host = "127.0.0.1"

    @Option(name: .long, help: "Port to listen on (0: any free port, printed when ready).")
    var port = 8000

    @Option(name: .long, help: ArgumentHelp("Maximum concurrent streams (vLLM's max_num_seqs; default vLLM's for the GPU).", valueName: "B"))
    var maxBatch: Int?

    @Option(name: .long, help: ArgumentHelp("Token budget per iteration (vLLM's max_num_batched_tokens; default vLLM's for the GPU).", valueName: "TOKENS"))
    var chunk: Int?

    @Option(name: .long, help: "Batching rule (\(BatchingRule.choices)); default vllm-v1.", transform: BatchingRule.choice)
    var scheduler: BatchingRule?

    @Option(name: .long, help: "model: iterations timed by the performance model; instant: answer at once (\(MockTiming.choices)).",
            transform: MockTiming.choice)
    var timing: MockTiming = .model

    @Option(name: .long, help: "Output tokens of a request without max_tokens.")
    var defaultOutputTokens = MockEngineConfig.defaultOutputTokenCount

    @Option(name: .long, help: ArgumentHelp("Extra delay before each request enters the engine (a slow backend).", valueName: "SECONDS"))
    var firstTokenDelay = 0.0

    @Option(name: .long, help: "Most requests waiting in the engine's queue; beyond it, 503.")
    var maxWaiting = MockEngineConfig.defaultMaxWaiting

    func validate() throws {
        guard (0...65_535).contains(port) else { throw ValidationError("--port must be in 0...65535, got \(port)") }
        guard (1...WorkloadBounds.maxTokens).contains(defaultOutputTokens) else {
            throw ValidationError("--default-output-tokens must be in 1...\(WorkloadBounds.maxTokens), got \(defaultOutputTokens)")
        }
        guard firstTokenDelay.isFinite, (0...3600).contains(firstTokenDelay) else {
            throw ValidationError("--first-token-delay must be in 0...3600 seconds, got \(firstTokenDelay)")
        }
        guard (1...10_000_000).contains(maxWaiting) else { throw ValidationError("--max-waiting must be in 1...10000000, got \(maxWaiting)") }
        if scenario != nil {
            let conflicting = [("--gpu", gpu != nil), ("--tp", tp != nil), ("--max-batch", maxBatch != nil), ("--chunk", chunk != nil),
                               ("--scheduler", scheduler != nil)].filter(\.1).map(\.0)
            if !conflicting.isEmpty {
                throw ValidationError("--scenario sets the replica; drop " + conflicting.joined(separator: ", "))
            }
        } else {
            if group != nil { throw ValidationError("--group needs --scenario") }
            if model == nil { throw ValidationError("--model is required (or --scenario)") }
            if gpu == nil { throw ValidationError("--gpu is required (or --scenario)") }
        }
    }

    func run() throws {
        let (modelName, replica) = try replicaConfiguration()
        let config = MockEngineConfig(
            modelName: modelName, replica: replica, timing: timing, defaultOutputTokens: defaultOutputTokens,
            firstTokenDelaySeconds: firstTokenDelay, maxWaiting: maxWaiting)
        let server = MockEngineServer(engine: MockEngine(config: config), host: host, port: port)
        let summary = "\(replica.name), \(replica.scheduler.rawValue), B=\(replica.batchSize), C=\(replica.chunkSize), "
            + "KV \(replica.kvCapacityTokens) tokens, timing \(timing.rawValue)"
        let host = host
        do {
            try AsyncCommandBridge.run {
                try await server.run { port in
                    FileHandle.standardOutput.write(Data("mock-engine: serving '\(modelName)' (\(summary)) on http://\(host):\(port)\n".utf8))
                }
            }
        } catch let error as MockEngineServerError {
            throw InputError(error.description)
        }
    }

    /// The served model name and the replica.
    private func replicaConfiguration() throws -> (String, ReplicaConfiguration) {
        if let scenario {
            let loaded = try ScenarioKinds.loadSimulate(path: scenario)
            return (model ?? loaded.model.name, try LiveReplicaSetup.configuration(scenario: loaded, group: group ?? 0))
        }
        let engine = LiveEngineSettings(batchSize: maxBatch, chunkSize: chunk, scheduler: scheduler ?? .vllmV1)
        let replica = try LiveReplicaSetup.configuration(model: model ?? "", gpu: gpu ?? "", tensorParallel: tp ?? 1, engine: engine)
        return (model ?? "", replica)
    }
}

extension BatchingRule: ChoiceArgument {}
extension MockTiming: ChoiceArgument {}
