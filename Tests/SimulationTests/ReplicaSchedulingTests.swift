import Testing
import ServingModel
@testable import Simulation

/// Hand-traced schedules of a single replica.
@Suite struct ReplicaSchedulingTests {
    /// Prompt 6, chunk 4, output 3, 1 s iterations: chunks end at t=1 and t=2 (first token at 2),
    /// decodes at 3 and 4. TTFT 2, E2E 4, TPOT (4−2)/2 = 1.
    @Test func chunkedPrefillThenDecode() {
        let configuration = SimulationConfiguration(
            replicas: replicas(1, model: ConstantIterationTime(seconds: 1), batchSize: 4, chunkSize: 4, kv: 100),
            classNames: ["a"], horizon: 10, sampleCount: 0)
        var source = ListSource(requests: [Request(id: 0, classIndex: 0, arrivalTime: 0, promptTokens: 6, outputTokens: 3)])
        let report = Simulator(configuration: configuration, policy: RoundRobinRouting(), seed: 1).run(&source)
        #expect(report.overall.completed == 1)
        #expect(report.overall.ttft.mean == 2)
        #expect(report.overall.e2e.mean == 4)
        #expect(report.overall.tpot.mean == 1)
        #expect(report.iterations == 4)
    }

    /// Two requests on B=1: the second waits for the first to finish (3 iterations), so its
    /// queue delay is 3 s − 0.5 s = 2.5 s and its E2E 2.5 + 3 = 5.5 s.
    @Test func batchSizeLimitQueues() {
        let configuration = SimulationConfiguration(
            replicas: replicas(1, model: ConstantIterationTime(seconds: 1), batchSize: 1, chunkSize: 8, kv: 100),
            classNames: ["a"], horizon: 10, sampleCount: 0)
        var source = ListSource(requests: [
            Request(id: 0, classIndex: 0, arrivalTime: 0, promptTokens: 4, outputTokens: 3),
            Request(id: 1, classIndex: 0, arrivalTime: 0.5, promptTokens: 4, outputTokens: 3),
        ])
        let report = Simulator(configuration: configuration, policy: RoundRobinRouting(), seed: 1).run(&source)
        #expect(report.overall.completed == 2)
        #expect(report.overall.queueDelay.maximum == 2.5)
        #expect(report.overall.e2e.maximum == 5.5)
    }

    /// KV capacity 12 tokens, B = 4, 1 s iterations; A and B with prompt 5 and output 4 at t = 0.
    /// t = 0: A prefills (KV 5). t = 1: A's first token; B is admitted (KV 10) and prefills while A
    /// decodes (KV 11). t = 2: B's first token; two decode tokens would need 13 > 12, so the newest
    /// stream, B, is preempted (its 5 tokens freed; it must re-prefill prompt + 1 generated = 6).
    /// t = 2–4: A decodes alone (KV 7, 8); B's 6 tokens do not fit until A leaves at t = 4
    /// (TTFT 1, TPOT 1). t = 4–5: B re-prefills 6 tokens; t = 5–7: its last two tokens. B: TTFT 2
    /// (its first token counts), E2E 7, TPOT (7 − 2)/3; exactly one preemption, 7 iterations.
    @Test func preemptionWhenTheCacheIsFull() {
        let configuration = SimulationConfiguration(
            replicas: replicas(1, model: ConstantIterationTime(seconds: 1), batchSize: 4, chunkSize: 16, kv: 12),
            classNames: ["a"], horizon: 100, sampleCount: 0)
        var source = ListSource(requests: [
            Request(id: 0, classIndex: 0, arrivalTime: 0, promptTokens: 5, outputTokens: 4),
            Request(id: 1, classIndex: 0, arrivalTime: 0, promptTokens: 5, outputTokens: 4),
        ])
        let report = Simulator(configuration: configuration, policy: RoundRobinRouting(), seed: 1).run(&source)
        #expect(report.overall.completed == 2)
        #expect(report.overall.preemptions == 1)
        #expect(report.rejected == 0)
        #expect(report.overall.ttft.mean == 1.5)
        #expect(report.overall.e2e.mean == 5.5)
        #expect(report.overall.e2e.maximum == 7)
        #expect(abs(report.overall.tpot.maximum - 5.0 / 3) < 1e-12)
        #expect(abs(report.overall.tpot.mean - (1 + 5.0 / 3) / 2) < 1e-12)
        #expect(report.iterations == 7)
        #expect(report.simulatedSeconds == 7)
    }

    /// A prompt longer than the whole KV cache can never run: it is rejected, not stuck.
    @Test func oversizedPromptIsRejected() {
        let configuration = SimulationConfiguration(
            replicas: replicas(1, model: ConstantIterationTime(seconds: 1), batchSize: 4, chunkSize: 16, kv: 10),
            classNames: ["a"], horizon: 100, sampleCount: 0)
        var source = ListSource(requests: [Request(id: 0, classIndex: 0, arrivalTime: 0, promptTokens: 50, outputTokens: 4)])
        let report = Simulator(configuration: configuration, policy: RoundRobinRouting(), seed: 1).run(&source)
        #expect(report.rejected == 1)
        #expect(report.overall.rejected == 1)
        #expect(report.overall.abandoned == 0)
        #expect(report.overall.completed == 0)
    }
}
