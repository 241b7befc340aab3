import Foundation
import ServingModel
import Simulation
import Testing

/// The live replica is the simulator's replica: driven by a virtual clock with the simulator's event
/// order, it produces the same first tokens and completions as `Simulator` on a one-replica fleet.
@Suite struct LiveReplicaTests {
    /// A reproducible request list: arrivals of a fixed LCG, prompts 16...3,000 and outputs 1...300 tokens.
    static func requests(count: Int, meanGap: Double, seed: UInt64) -> [Request] {
        var state = seed
        func uniform() -> Double {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double(state >> 11) / Double(1 << 53)
        }
        var time = 0.0
        return (0..<count).map { id in
            time += -meanGap * log(1 - uniform())
            return Request(
                id: id, classIndex: 0, arrivalTime: time, promptTokens: 16 + Int(uniform() * 2_984),
                outputTokens: 1 + Int(uniform() * 300))
        }
    }

    /// Runs `requests` through a `LiveReplica` in virtual time: an arrival at or before an
    /// iteration's end is processed first, as the simulator orders its events.
    static func replay(_ requests: [Request], on configuration: ReplicaConfiguration)
        -> (firstTokens: [Int: Double], completions: [Int: Double], rejected: Set<Int>) {
        var replica = LiveReplica(configuration: configuration)
        var ids: [LiveRequestID: Int] = [:]
        var firstTokens: [Int: Double] = [:]
        var completions: [Int: Double] = [:]
        var rejected: Set<Int> = []
        var iterationEnd: Double?
        var next = 0
        func start(_ now: Double) {
            let begun = replica.startIteration(now: now)
            for rejection in begun.rejected { rejected.insert(ids[rejection.id] ?? -1) }
            iterationEnd = begun.seconds.map { now + $0 }
        }
        while next < requests.count || iterationEnd != nil {
            let arrival = next < requests.count ? requests[next].arrivalTime : .infinity
            if let end = iterationEnd, end < arrival {
                let outcome = replica.endIteration(now: end)
                for id in outcome.prefilled where firstTokens[ids[id] ?? -1] == nil { firstTokens[ids[id] ?? -1] = end }
                for id in outcome.finished { completions[ids[id] ?? -1] = end }
                start(end)
            } else {
                let request = requests[next]
                let id = replica.submit(promptTokens: request.promptTokens, outputTokens: request.outputTokens, now: arrival)
                ids[id] = request.id
                next += 1
                if iterationEnd == nil { start(arrival) }
            }
        }
        #expect(replica.inFlightCount == 0)
        #expect(replica.kvUsage == 0)
        return (firstTokens, completions, rejected)
    }

    static func simulate(_ requests: [Request], on configuration: ReplicaConfiguration) -> SimulationReport {
        var simulation = SimulationConfiguration(
            replicas: [configuration], classNames: ["default"], horizon: (requests.last?.arrivalTime ?? 0) + 1)
        simulation.recordsCompletions = true
        var source = TraceWorkload(requests: requests)
        return Simulator(configuration: simulation, policy: LeastOutstandingRouting(), seed: 1).run(&source)
    }

    /// A replica of Llama 3.1 8B on one H100 with a small KV cache, so requests queue and get preempted.
    static func pressured(_ rule: BatchingRule) throws -> ReplicaConfiguration {
        var configuration = try LiveReplicaSetup.configuration(
            model: "llama-3.1-8b", gpu: "H100-80GB", tensorParallel: 1,
            engine: LiveEngineSettings(batchSize: 16, chunkSize: rule == .vllmV0 ? 4_096 : 1_024, scheduler: rule))
        configuration.kvCapacityTokens = 12_000
        return configuration
    }

    @Test(arguments: BatchingRule.allCases)
    func sameFirstTokensAndCompletionsAsTheSimulator(rule: BatchingRule) throws {
        let configuration = try Self.pressured(rule)
        let requests = Self.requests(count: 300, meanGap: 0.02, seed: 11)
        let live = Self.replay(requests, on: configuration)
        let report = Self.simulate(requests, on: configuration)
        let simulated = Dictionary(uniqueKeysWithValues: (report.completions ?? []).map { ($0.id, $0.time) })
        #expect(simulated.count == live.completions.count)
        #expect(simulated.count + report.rejected == requests.count)
        #expect(live.rejected.count == report.rejected)
        for (id, time) in simulated { #expect(live.completions[id] == time, "request \(id)") }
        // The simulator keeps first-token times in its metrics: the mean and the largest TTFT agree.
        let ttfts = simulated.keys.compactMap { id in live.firstTokens[id].map { $0 - requests[id].arrivalTime } }
        #expect(ttfts.count == simulated.count)
        let mean = ttfts.reduce(0, +) / Double(ttfts.count)
        #expect(abs(mean - report.overall.ttft.mean) <= 1e-9 * max(1, mean))
        #expect(abs((ttfts.max() ?? 0) - report.overall.ttft.maximum) <= 1e-9)
        // The small cache preempted under the rules that share blocks chunk by chunk or decode by decode.
        if rule != .singleChunk { #expect(report.overall.preemptions > 0 || report.rejected > 0) }
    }

    @Test func aRequestAloneTakesThePrefillThenTheDecodeIterationTimes() throws {
        let configuration = try LiveReplicaSetup.configuration(model: "llama-3.1-8b", gpu: "H100-80GB", tensorParallel: 1)
        var replica = LiveReplica(configuration: configuration)
        let id = replica.submit(promptTokens: 2_000, outputTokens: 4, now: 0)
        var prefill = BatchShape()
        prefill.addPrefillChunk(tokens: 2_000, context: 0)
        let first = try #require(replica.startIteration(now: 0).seconds)
        #expect(first == configuration.iterationModel.iterationSeconds(prefill))
        var now = first
        #expect(replica.endIteration(now: now).prefilled == [id])
        for step in 1...3 {
            let seconds = try #require(replica.startIteration(now: now).seconds)
            #expect(seconds == configuration.iterationModel.iterationSeconds(BatchShape(decodeStreams: 1, decodeContextTokens: 2_000 + step)))
            now += seconds
            let outcome = replica.endIteration(now: now)
            #expect(outcome.decoded == [id])
            #expect(outcome.finished == (step == 3 ? [id] : []))
        }
        #expect(replica.startIteration(now: now).seconds == nil)
    }

    @Test func abortedRequestsLeaveAndFreeTheirCache() throws {
        let configuration = try LiveReplicaSetup.configuration(
            model: "llama-3.1-8b", gpu: "H100-80GB", tensorParallel: 1, engine: LiveEngineSettings(batchSize: 2, chunkSize: 512))
        var replica = LiveReplica(configuration: configuration)
        let decoding = replica.submit(promptTokens: 100, outputTokens: 50, now: 0)
        let prefilling = replica.submit(promptTokens: 3_000, outputTokens: 50, now: 0)
        let waiting = replica.submit(promptTokens: 100, outputTokens: 50, now: 0)
        var now = try #require(replica.startIteration(now: 0).seconds)
        #expect(replica.endIteration(now: now).prefilled == [decoding])
        #expect(replica.runningCount == 2)
        #expect(replica.waitingCount == 1)
        // Asked during an iteration, the aborts apply at its end.
        now += try #require(replica.startIteration(now: now).seconds)
        replica.abort(prefilling)
        replica.abort(waiting)
        #expect(replica.runningCount == 2)
        let outcome = replica.endIteration(now: now)
        #expect(outcome.decoded == [decoding])
        #expect(replica.runningCount == 1)
        #expect(replica.waitingCount == 0)
        replica.abort(decoding)
        #expect(replica.inFlightCount == 0)
        #expect(replica.kvUsage == 0)
        #expect(replica.startIteration(now: now).seconds == nil)
        #expect(!replica.hasWork)
    }

    @Test func setupNamesTheFlagAtFault() {
        func issue(_ body: () throws(ScenarioError) -> ReplicaConfiguration) -> ScenarioIssue? {
            do { _ = try body() } catch { return error.issues.first }
            return nil
        }
        let unknownModel = issue { () throws(ScenarioError) in try LiveReplicaSetup.configuration(model: "llama-9", gpu: "H100-80GB", tensorParallel: 1) }
        #expect(unknownModel?.path == "--model")
        #expect(unknownModel?.message.contains("unknown model 'llama-9'") == true)
        let unknownGPU = issue { () throws(ScenarioError) in try LiveReplicaSetup.configuration(model: "llama-3.1-8b", gpu: "H900", tensorParallel: 1) }
        #expect(unknownGPU?.path == "--gpu")
        let heads = issue { () throws(ScenarioError) in try LiveReplicaSetup.configuration(model: "llama-3.1-8b", gpu: "H100-80GB", tensorParallel: 3) }
        #expect(heads?.path == "--tp")
        #expect(heads?.message.contains("does not divide") == true)
        let memory = issue { () throws(ScenarioError) in try LiveReplicaSetup.configuration(model: "llama-3.1-405b", gpu: "H100-80GB", tensorParallel: 1) }
        #expect(memory?.path == "--tp")
        #expect(memory?.message.contains("does not fit") == true)
        let budget = issue { () throws(ScenarioError) in
            try LiveReplicaSetup.configuration(
                model: "llama-3.1-8b", gpu: "H100-80GB", tensorParallel: 1, engine: LiveEngineSettings(batchSize: 256, chunkSize: 128))
        }
        #expect(budget?.path == "--chunk")
    }
}
