import Testing
import ServingModel
@testable import Simulation

/// Hand-traced runs of the simulator's decode hooks: a prefill that moves its stream to another
/// replica (`DecodePlacement.replica`), and the cluster's decode buffer (`.buffer` with
/// `dispatchDecode`). Replica 0 prefills; replica 1 decodes.
@Suite struct DecodePlacementTests {
    /// Every arrival prefills on replica 0 and decodes on replica 1.
    struct MoveToReplicaOne: ClusterPolicy {
        let name = "move"
        mutating func route(_ request: RequestInfo, load: ClusterLoad) -> Int? { 0 }
        mutating func placeDecode(_ request: RequestInfo, prefilledOn replica: Int, load: ClusterLoad) -> DecodePlacement {
            .replica(1)
        }
    }

    /// Every prefilled request is buffered; the oldest buffered one goes to replica 1 when no other
    /// stream decodes there (one decode at a time).
    struct OneDecodeOnReplicaOne: ClusterPolicy {
        let name = "buffer"
        mutating func route(_ request: RequestInfo, load: ClusterLoad) -> Int? { 0 }
        mutating func placeDecode(_ request: RequestInfo, prefilledOn replica: Int, load: ClusterLoad) -> DecodePlacement {
            .buffer
        }
        mutating func dispatchDecode(_ candidates: [RequestInfo], load: ClusterLoad) -> (candidate: Int, replica: Int)? {
            guard load.decoding[1] == 0, let oldest = candidates.indices.min(by: { candidates[$0].id < candidates[$1].id })
            else { return nil }
            return (oldest, 1)
        }
    }

    /// Requests A and B with prompt 4 (one chunk) and the given outputs, both at t = 0, under
    /// `policy`: replica 0 runs 1 s iterations, replica 1 `decodeSeconds` ones; B = 4, C = 4.
    static func run(_ policy: some ClusterPolicy, decodeSeconds: Double, outputs: (Int, Int)) -> SimulationReport {
        let configuration = SimulationConfiguration(
            replicas: [
                ReplicaConfiguration(name: "prefill", iterationModel: ConstantIterationTime(seconds: 1), batchSize: 4, chunkSize: 4, kvCapacityTokens: 100),
                ReplicaConfiguration(name: "decode", iterationModel: ConstantIterationTime(seconds: decodeSeconds), batchSize: 4, chunkSize: 4, kvCapacityTokens: 100),
            ],
            classNames: ["a"], horizon: 10, sampleCount: 0)
        var source = ListSource(requests: [
            Request(id: 0, classIndex: 0, arrivalTime: 0, promptTokens: 4, outputTokens: outputs.0),
            Request(id: 1, classIndex: 0, arrivalTime: 0, promptTokens: 4, outputTokens: outputs.1),
        ])
        return Simulator(configuration: configuration, policy: policy, seed: 1).run(&source)
    }

    /// Prompt 4 (one chunk), output 3, both arriving at t = 0; prefill iterations 1 s, decode 2 s.
    /// A prefills 0–1 (first token at 1), moves to replica 1 and decodes in its iterations 1–3 and
    /// 3–5: E2E 5, TPOT (5 − 1)/2 = 2. B prefills 1–2, joins replica 1 at its next iteration (t = 3)
    /// and decodes 3–5, 5–7: TTFT 2, E2E 7, TPOT 2.5. Had the streams stayed on replica 0 (1 s
    /// iterations), A would end at 3 and B at 4.
    @Test func decodesMoveToTheChosenReplica() {
        let report = Self.run(MoveToReplicaOne(), decodeSeconds: 2, outputs: (3, 3))
        #expect(report.overall.completed == 2)
        #expect(report.overall.ttft.mean == 1.5)
        #expect(report.overall.e2e.mean == 6)
        #expect(report.overall.e2e.maximum == 7)
        #expect(report.overall.tpot.mean == 2.25)
        #expect(report.overall.tpot.maximum == 2.5)
        #expect(report.iterations == 5)  // replica 0: 0–1, 1–2; replica 1: 1–3, 3–5, 5–7
        #expect(report.simulatedSeconds == 7)
    }

    /// A (output 5) and B (output 3), prompt 4, at t = 0, all iterations 1 s. A prefills 0–1, is
    /// buffered and dispatched at once to the idle replica 1, where it decodes 1–5. B prefills 1–2
    /// and waits in the buffer while A decodes (2–5), then decodes 5–7: TTFT 2, E2E 7, TPOT 2.5.
    /// Waiting (queued or buffered): B 0–1 and 2–5, so the mean over the 10 s window is 0.4; in
    /// the system A 0–5, B 0–7: 1.2.
    @Test func bufferedDecodesWaitForTheDispatcher() {
        let report = Self.run(OneDecodeOnReplicaOne(), decodeSeconds: 1, outputs: (5, 3))
        #expect(report.overall.completed == 2)
        #expect(report.overall.ttft.mean == 1.5)
        #expect(report.overall.e2e.mean == 6)
        #expect(report.overall.e2e.maximum == 7)
        #expect(report.overall.tpot.mean == 1.75)  // A (5 − 1)/4 = 1, B (7 − 2)/2 = 2.5
        #expect(abs(report.meanWaiting - 0.4) < 1e-12)
        #expect(abs(report.meanInSystem - 1.2) < 1e-12)
        #expect(report.simulatedSeconds == 7)
    }
}
