import Foundation
import ServingModel
import Testing
@testable import Simulation

/// The debug invariant checks of `SimulationEngine+Invariants` are wired: the recount agrees with
/// the engine's counters in the middle and at the end of a run, and names a corrupted counter.
@Suite struct SimulationInvariantTests {
    /// Two replicas of B = 2 and 40 KV tokens; eight requests (prompt 12, output 10) arrive 0.1 s
    /// apart, round-robin, with a mean patience of 3 s. Two streams need 2 × 22 = 44 > 40 tokens at
    /// the end, so streams are preempted; some queued requests abandon.
    private func makeEngine() -> (SimulationEngine<RoundRobinRouting>, ListSource) {
        let configuration = SimulationConfiguration(
            replicas: replicas(2, model: ConstantIterationTime(seconds: 1), batchSize: 2, chunkSize: 8, kv: 40),
            classNames: ["a"], horizon: 100, meanPatience: [3], sampleCount: 0)
        let source = ListSource(requests: (0..<8).map {
            Request(id: $0, classIndex: 0, arrivalTime: Double($0) / 10, promptTokens: 12, outputTokens: 10)
        })
        return (SimulationEngine(configuration: configuration, policy: RoundRobinRouting(), seed: 1), source)
    }

    @Test func countersAgreeWithTheQueuesDuringAndAfterARun() {
        var (engine, source) = makeEngine()
        engine.begin(&source)
        // The eight arrivals (t ≤ 0.7 s, before any iteration ends or patience can run out with
        // this seed): one request prefilling on each replica, three queued behind it.
        for _ in 0..<8 {
            let stepped = engine.step(&source)
            #expect(stepped)
        }
        #expect(engine.runningTotal == 2)
        #expect(engine.waitingTotal == 6)
        #expect(engine.invariantViolations() == [])
        while engine.step(&source) {
            #expect(engine.invariantViolations() == [])
        }
        #expect(engine.inSystem == 0)
        #expect(engine.table.live == 0)
        #expect(engine.overall.completed + engine.overall.abandoned == 8)
        #expect(engine.invariantViolations() == [])
    }

    @Test func aCorruptedCounterIsReported() {
        var (engine, source) = makeEngine()
        engine.begin(&source)
        for _ in 0..<8 { _ = engine.step(&source) }
        var waiting = engine
        waiting.waitingTotal += 1
        #expect(waiting.invariantViolations().contains { $0.hasPrefix("waitingTotal 7, recounted 6") })
        var outstanding = engine
        outstanding.load.outstanding[1] -= 1
        #expect(outstanding.invariantViolations() == ["load.outstanding[1] 3, replica holds 4"])
    }
}
