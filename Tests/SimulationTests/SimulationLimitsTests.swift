import Foundation
import ServingModel
import Testing
@testable import Simulation

/// Rejected requests (counted by reason, apart from abandonments) and the work estimate a
/// simulation is checked against before it starts.
@Suite struct SimulationLimitsTests {
    private func replica(kv: Int, batchSize: Int = 4) -> [ReplicaConfiguration] {
        [ReplicaConfiguration(
            name: "r", iterationModel: ConstantIterationTime(seconds: 1), batchSize: batchSize, chunkSize: 16,
            kvCapacityTokens: kv)]
    }

    /// Five requests on a cache of 100 tokens; the prompts of 150 and 200 can never fit: exactly two
    /// rejected for that reason, three completed, none abandoned.
    @Test func oversizedPromptsAreRejectedByReason() throws {
        let configuration = SimulationConfiguration(replicas: replica(kv: 100), classNames: ["a"], horizon: 100, sampleCount: 0)
        let prompts = [50, 150, 8, 200, 30]
        var source = ListSource(requests: prompts.enumerated().map {
            Request(id: $0, classIndex: 0, arrivalTime: Double($0), promptTokens: $1, outputTokens: 2)
        })
        let report = Simulator(configuration: configuration, policy: RoundRobinRouting(), seed: 1).run(&source)
        #expect(report.overall.arrived == 5)
        #expect(report.overall.completed == 3)
        #expect(report.overall.abandoned == 0)
        #expect(report.overall.rejected == 2)
        #expect(report.overall.rejectedByReason == ["promptAboveKVCapacity": 2])
        #expect(report.rejected == 2)
        #expect(report.rejections == [Rejection(reason: .promptAboveKVCapacity, count: 2, largestNeed: 200, kvCapacity: 100)])
        // A rejected request departs without meeting the SLO: 3 of 5 departures met it.
        #expect(report.overall.sloAttainment == 0.6)
    }

    /// One request alone on a cache of 10 tokens: prompt 6, then each decode step reserves a token;
    /// after 4 steps (10 tokens) the next cannot, so the stream is preempted with 5 tokens generated
    /// and must re-prefill 6 + 5 = 11 > 10 tokens: it is rejected for the context reason (not left
    /// waiting on an idle replica).
    @Test func contextThatOutgrowsTheCacheIsRejected() throws {
        let configuration = SimulationConfiguration(replicas: replica(kv: 10), classNames: ["a"], horizon: 100, sampleCount: 0)
        var source = ListSource(requests: [Request(id: 0, classIndex: 0, arrivalTime: 0, promptTokens: 6, outputTokens: 20)])
        let report = Simulator(configuration: configuration, policy: RoundRobinRouting(), seed: 1).run(&source)
        #expect(report.overall.completed == 0)
        #expect(report.overall.abandoned == 0)
        #expect(report.rejections == [Rejection(reason: .contextAboveKVCapacity, count: 1, largestNeed: 11, kvCapacity: 10)])
        #expect(report.overall.rejectedByReason == ["contextAboveKVCapacity": 1])
        // Prefill (1 s) and 4 decode iterations (1 s each): rejected at t = 5.
        #expect(report.simulatedSeconds == 5)
    }

    /// Seeds' rejections are summed per reason in the summary, the largest need kept.
    @Test func rejectionsMergeAcrossRuns() {
        let merged = Rejection.merged([
            Rejection(reason: .promptAboveKVCapacity, count: 2, largestNeed: 200, kvCapacity: 100),
            Rejection(reason: .contextAboveKVCapacity, count: 1, largestNeed: 11, kvCapacity: 10),
            Rejection(reason: .promptAboveKVCapacity, count: 3, largestNeed: 500, kvCapacity: 90),
        ])
        #expect(merged == [
            Rejection(reason: .promptAboveKVCapacity, count: 5, largestNeed: 500, kvCapacity: 90),
            Rejection(reason: .contextAboveKVCapacity, count: 1, largestNeed: 11, kvCapacity: 10),
        ])
    }

    /// Expected arrivals: rate × horizon plus Lorden's 2 + cv² per class (cv 1 for Poisson).
    @Test func expectedArrivalsIncludeBurstiness() {
        let poisson = RequestClass(name: "p", arrivals: .poisson(rate: 2), promptTokens: .fixed(1), outputTokens: .fixed(1))
        let bursty = RequestClass(name: "b", arrivals: .gamma(rate: 1, cv: 3), promptTokens: .fixed(1), outputTokens: .fixed(1))
        #expect(SimulationWork.expectedArrivals(of: [poisson], horizon: 100) == 203)
        #expect(SimulationWork.expectedArrivals(of: [poisson, bursty], horizon: 100) == 203 + 111)
        // burstiness 1e6 at 4 requests/s over 100 s: about 1e12 arrivals, however short the horizon.
        let extreme = RequestClass(name: "x", arrivals: .gamma(rate: 4, cv: 1e6), promptTokens: .fixed(1), outputTokens: .fixed(1))
        #expect(SimulationWork.expectedArrivals(of: [extreme], horizon: 100) == 400 + 2 + 1e12)
    }

    /// Within the limit nothing is thrown; beyond it, one line with the estimate, the limit and the flags.
    @Test func requestLimit() throws {
        let within = SimulationWork(requestsPerRun: 1e6, runs: 5, replicas: 4, policy: .roundRobin)
        #expect(throws: Never.self) { try within.check(.default, at: "workload") }
        let over = SimulationWork(requestsPerRun: 1e6, runs: 6, replicas: 4, policy: .roundRobin)
        let error = try #require(throws: ScenarioError.self) { try over.check(.default, at: "workload") }
        #expect(error.description == "workload: about 6000000 simulated requests (Σ arrivalRate × horizon × seeds, "
            + "+ 2 + burstiness² per class), over the limit of 5000000; raise it with --max-requests N or --allow-large")
        #expect(throws: Never.self) { try over.check(WorkLimits(allowLarge: true), at: "workload") }
    }

    /// A policy that looks at every replica counts requests × (1 + replicas/4096): 1e6 requests on
    /// 8,192 replicas are 3e6 request-equivalents with least-outstanding, 1e6 with round-robin.
    @Test func scanningPoliciesCountTheirReplicas() throws {
        let scanning = SimulationWork(requestsPerRun: 1e6, runs: 2, replicas: 8192, policy: .leastOutstanding)
        let error = try #require(throws: ScenarioError.self) { try scanning.check(.default, at: "workload") }
        #expect(error.issues.map(\.message) == [
            "about 6000000 request-equivalents (Σ arrivalRate × horizon × seeds, + 2 + burstiness² per class, × (1 + "
                + "replicas/4096): least-outstanding looks at all 8192 replicas for each request), over the limit of "
                + "5000000; raise it with --max-requests N or --allow-large",
        ])
        let roundRobin = SimulationWork(requestsPerRun: 1e6, runs: 2, replicas: 8192, policy: .roundRobin)
        #expect(throws: Never.self) { try roundRobin.check(.default, at: "workload") }
    }

    /// Memory: one run's arrivals × 256 bytes + replicas × 2 KiB; 4e7 requests need 9.5 GiB.
    @Test func memoryLimit() throws {
        let limits = WorkLimits(maxRequests: 1e9)
        let work = SimulationWork(requestsPerRun: 4e7, runs: 1, replicas: 4, policy: .roundRobin)
        let error = try #require(throws: ScenarioError.self) { try work.check(limits, at: "workload") }
        #expect(error.description == "workload: the simulation (one run's requests in flight at worst) needs about "
            + "9.5 GiB of memory, over the limit of 8.0 GiB; raise it with --max-memory GIB or --allow-large")
        let smaller = SimulationWork(requestsPerRun: 3e7, runs: 1, replicas: 4, policy: .roundRobin)
        #expect(throws: Never.self) { try smaller.check(limits, at: "workload") }
    }

    /// The simulator clamps lengths to WorkloadBounds.maxTokens (readers refuse longer ones), so a
    /// caller's huge prompt is rejected by the cache instead of overflowing the 32-bit counters.
    @Test func hugeLengthsAreClampedNotTrapped() {
        let configuration = SimulationConfiguration(replicas: replica(kv: 100), classNames: ["a"], horizon: 100, sampleCount: 0)
        var source = ListSource(requests: [
            Request(id: 0, classIndex: 0, arrivalTime: 0, promptTokens: 1 << 40, outputTokens: 1 << 40),
        ])
        let report = Simulator(configuration: configuration, policy: RoundRobinRouting(), seed: 1).run(&source)
        #expect(report.rejections == [
            Rejection(reason: .promptAboveKVCapacity, count: 1, largestNeed: WorkloadBounds.maxTokens, kvCapacity: 100),
        ])
    }
}
