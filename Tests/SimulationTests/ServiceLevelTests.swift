import Foundation
import Testing
import ServingModel
@testable import Simulation

/// Goodput and SLO attainment against a hand count on a trace whose every latency is known.
@Suite struct ServiceLevelTests {
    /// One replica, B = 1, 1 s iterations, prompts of 4 tokens (one chunk), all arriving at t = 0,
    /// served FCFS one at a time:
    ///
    /// | request | class | output | runs | TTFT | TPOT |
    /// |---|---|---|---|---|---|
    /// | 0 | 0 | 3 | 0–3 | 1 | 1 |
    /// | 1 | 1 | 1 | 3–4 | 4 | none |
    /// | 2 | 0 | 2 | 4–6 | 5 | 1 |
    /// | 3 | 1 | prompt 200 > KV 100: rejected at t = 6 | | | |
    ///
    /// SLO TTFT ≤ 4, TPOT ≤ 1: requests 0 and 1 meet it (1 exactly at the TTFT limit, and it has no
    /// TPOT), 2 misses TTFT, 3 never completes. Attainment is met / (completed + abandoned) = 2/4,
    /// goodput met / window = 2/10. Per class: 1 of 2 each. With TPOT ≤ 0.5 request 0 misses too.
    static func run(slo: ServiceLevelObjective) -> SimulationReport {
        let configuration = SimulationConfiguration(
            replicas: replicas(1, model: ConstantIterationTime(seconds: 1), batchSize: 1, chunkSize: 16, kv: 100),
            classNames: ["a", "b"], horizon: 10, slo: slo, sampleCount: 0)
        var source = ListSource(requests: [
            Request(id: 0, classIndex: 0, arrivalTime: 0, promptTokens: 4, outputTokens: 3),
            Request(id: 1, classIndex: 1, arrivalTime: 0, promptTokens: 4, outputTokens: 1),
            Request(id: 2, classIndex: 0, arrivalTime: 0, promptTokens: 4, outputTokens: 2),
            Request(id: 3, classIndex: 1, arrivalTime: 0, promptTokens: 200, outputTokens: 2),
        ])
        return Simulator(configuration: configuration, policy: RoundRobinRouting(), seed: 1).run(&source)
    }

    @Test func attainmentAndGoodputCountMetRequests() {
        let report = Self.run(slo: ServiceLevelObjective(ttft: 4, tpot: 1))
        #expect(report.overall.completed == 3)
        #expect(report.overall.abandoned == 0)
        #expect(report.overall.rejected == 1)
        #expect(report.rejected == 1)
        #expect(report.overall.ttft.mean == 10.0 / 3)
        #expect(report.overall.ttft.maximum == 5)
        #expect(report.overall.tpot.count == 2)
        #expect(report.overall.tpot.mean == 1)
        #expect(report.overall.sloAttainment == 0.5)
        #expect(report.overall.goodput == 0.2)
        #expect(report.overall.throughputRequests == 0.3)
        #expect(report.overall.outputTokensPerSecond == 0.6)
        #expect(report.classes.map(\.sloAttainment) == [0.5, 0.5])
        #expect(report.classes.map(\.goodput) == [0.1, 0.1])
        #expect(report.classes.map(\.abandoned) == [0, 0])
        #expect(report.classes.map(\.rejected) == [0, 1])

        let tight = Self.run(slo: ServiceLevelObjective(ttft: 4, tpot: 0.5))
        #expect(tight.overall.sloAttainment == 0.25)
        #expect(tight.overall.goodput == 0.1)
        #expect(tight.classes.map(\.sloAttainment) == [0, 0.5])

        let none = Self.run(slo: ServiceLevelObjective())
        #expect(none.overall.sloAttainment == 0.75)
        #expect(none.overall.goodput == 0.3)
    }

    /// Every class report names the targets it was judged against: the scenario's, null where
    /// it sets none (and `slo` null when it sets neither), never an end-to-end target.
    @Test func classesCarryTheirTargets() throws {
        let both = Self.run(slo: ServiceLevelObjective(ttft: 4, tpot: 1))
        let expected = SLOTargets(ttftSeconds: 4, tpotSeconds: 1, e2eSeconds: nil)
        #expect(both.classes.map(\.slo) == [expected, expected])
        #expect(both.overall.slo == expected)
        let ttftOnly = Self.run(slo: ServiceLevelObjective(ttft: 4))
        #expect(ttftOnly.classes[0].slo == SLOTargets(ttftSeconds: 4, tpotSeconds: nil, e2eSeconds: nil))
        #expect(Self.run(slo: ServiceLevelObjective()).classes.allSatisfy { $0.slo == nil })

        func encoded(_ report: ClassReport) throws -> Any? {
            let encoder = JSONEncoder()
            encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
            let data = try encoder.encode(report)
            return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])["slo"]
        }
        let object = try #require(try encoded(ttftOnly.classes[1]) as? [String: Any])
        #expect(object["ttftSeconds"] as? Double == 4)
        #expect(object["tpotSeconds"] is NSNull && object["e2eSeconds"] is NSNull)
        #expect(try encoded(Self.run(slo: ServiceLevelObjective()).classes[0]) is NSNull)
        // Pooled over seeds, the class keeps its targets.
        #expect(ClassAggregate([both.classes[0], both.classes[0]]).summary.slo == expected)
    }
}
