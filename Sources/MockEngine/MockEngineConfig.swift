import Simulation

/// How a mock engine answers: after the performance model's iteration times, or at once.
public enum MockTiming: String, Sendable, Hashable, CaseIterable {
    /// Continuous batching in wall-clock time: the simulator's replica (`LiveReplica`), each
    /// iteration as long as the replica's iteration-time model says.
    case model
    /// Every request answered at once with all its tokens, no batching: the fast mock for the
    /// router's throughput benchmarks.
    case instant
}

/// The typed configuration of `gpusched mock-engine`.
///
/// ```swift
/// let replica = try LiveReplicaSetup.configuration(model: "llama-3.1-8b", gpu: "H100-80GB", tensorParallel: 1)
/// let config = MockEngineConfig(modelName: "llama-3.1-8b", replica: replica)
/// ```
public struct MockEngineConfig: Sendable {
    /// The model name clients must send (the `model` field) and `/v1/models` lists.
    public var modelName: String
    /// The replica whose batching and iteration times the engine reproduces.
    public var replica: ReplicaConfiguration
    /// Model-timed or instant answers.
    public var timing: MockTiming
    /// Output tokens of a request without `max_tokens` (it then ends with `finish_reason: stop`).
    public var defaultOutputTokens: Int
    /// Extra seconds before a request enters the engine (a slow backend for fault tests); 0: none.
    public var firstTokenDelaySeconds: Double
    /// Most requests waiting in the engine's queue; beyond it new requests get 503.
    public var maxWaiting: Int
    /// Largest request body accepted, in bytes (413 beyond).
    public var maxBodyBytes: Int

    /// Default for `maxWaiting`.
    public static let defaultMaxWaiting = 20_000
    /// Default for `maxBodyBytes`: 8 MiB.
    public static let defaultMaxBodyBytes = 8 << 20
    /// Default for `defaultOutputTokens`.
    public static let defaultOutputTokenCount = 128

    public init(
        modelName: String, replica: ReplicaConfiguration, timing: MockTiming = .model,
        defaultOutputTokens: Int = MockEngineConfig.defaultOutputTokenCount, firstTokenDelaySeconds: Double = 0,
        maxWaiting: Int = MockEngineConfig.defaultMaxWaiting, maxBodyBytes: Int = MockEngineConfig.defaultMaxBodyBytes
    ) {
        self.modelName = modelName
        self.replica = replica
        self.timing = timing
        self.defaultOutputTokens = defaultOutputTokens
        self.firstTokenDelaySeconds = firstTokenDelaySeconds
        self.maxWaiting = maxWaiting
        self.maxBodyBytes = maxBodyBytes
    }
}
