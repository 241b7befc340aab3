import Testing
import ServingModel
@testable import Simulation

/// A fleet of replicas of different speeds: how the policies split the work between them.
@Suite struct HeterogeneousFleetTests {
    /// 40 one-token requests at t = 0 on a fast replica (1 s per request) and a slow one (3 s),
    /// B = 1. A central FCFS queue hands the next request to whichever replica frees first, so in
    /// 30 s the fast one serves 30 and the slow one 10: the split follows the speeds 3 : 1 and the
    /// last request ends at 30 (any other split ends later: 31 with 31/9, 33 with 29/11); E2E mean
    /// (1 + … + 30 + 3 + 6 + … + 30)/40 = (465 + 165)/40 = 15.75. Least-outstanding routes at arrival
    /// by count, 20 and 20: the slow replica ends at 60; E2E mean (210 + 3 · 210)/40 = 21.
    @Test func centralQueueSplitsBySpeed() {
        let configuration = SimulationConfiguration(
            replicas: [
                ReplicaConfiguration(name: "fast", iterationModel: ConstantIterationTime(seconds: 1), batchSize: 1, chunkSize: 8, kvCapacityTokens: 100),
                ReplicaConfiguration(name: "slow", iterationModel: ConstantIterationTime(seconds: 3), batchSize: 1, chunkSize: 8, kvCapacityTokens: 100),
            ],
            classNames: ["a"], horizon: 100, sampleCount: 0)
        let requests = (0..<40).map { Request(id: $0, classIndex: 0, arrivalTime: 0, promptTokens: 1, outputTokens: 1) }
        var source = ListSource(requests: requests)
        let central = Simulator(configuration: configuration, policy: CentralQueueRouting(), seed: 1).run(&source)
        #expect(central.overall.completed == 40)
        #expect(central.simulatedSeconds == 30)
        #expect(central.overall.e2e.maximum == 30)
        #expect(central.overall.e2e.mean == 15.75)
        source = ListSource(requests: requests)
        let byCount = Simulator(configuration: configuration, policy: LeastOutstandingRouting(), seed: 1).run(&source)
        #expect(byCount.overall.completed == 40)
        #expect(byCount.simulatedSeconds == 60)
        #expect(byCount.overall.e2e.mean == 21)
    }
}
