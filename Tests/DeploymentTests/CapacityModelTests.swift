import Foundation
import Testing
import ServingModel
@testable import Deployment

/// The capacity model's parts against closed forms.
@Suite struct CapacityModelTests {
    static func setup(output: Int = 256) throws -> (CapacityModel, [ReplicaPattern]) {
        let catalog = Catalog.builtin
        let model = try #require(catalog.model(named: "llama-3.1-8b"))
        let gpu = try #require(catalog.gpu(named: "H100-80GB"))
        let slo = DeploySLO(ttftQuantile: 0.9, ttftSeconds: 0.5, tpotQuantile: 0.9, tpotSeconds: 0.02)
        let workload = DeployWorkload.synthetic(rate: 10, prompt: .fixed(1024), output: .fixed(output))
        let problem = DeployProblem(
            fleet: [FleetPool(gpu: gpu, count: 8, gpusPerNode: 8)], models: [ModelDemand(model: model, workload: workload, slo: slo)],
            objective: .minCost, modes: [.aggregated, .disaggregated],
            settings: DeploySearchSettings(maxBatches: [256], chunkTokens: [8192], tensorParallel: [1]))
        let capacityModel = CapacityModel(slo: slo, profile: WorkloadProfile(workload.lengthSample(count: 200)))
        return (capacityModel, PatternEnumerator(problem: problem).patterns(model: 0))
    }

    /// A lone request: TPOT is one decode iteration of one stream at the mean context (the request
    /// itself counts), TTFT one 1024-token prefill iteration, plus at most the rest of the decode
    /// iteration it arrives in (the chain runs with the one stream a decoding request sees).
    @Test func loneRequest() throws {
        let (model, patterns) = try Self.setup()
        let pattern = try #require(patterns.first { $0.role == .aggregated })
        let prediction = try #require(model.predict(pattern, rate: 1e-4))
        let context = Int(model.profile.meanDecodeContext)
        let decode = pattern.roofline.iterationSeconds(BatchShape(decodeStreams: 1, decodeContextTokens: context))
        var prefill = BatchShape()
        prefill.addPrefillChunk(tokens: 1024, context: 0)
        #expect(abs(prediction.tpot - decode) < 0.01 * decode)
        let prefillSeconds = pattern.roofline.iterationSeconds(prefill)
        #expect(prediction.ttft >= prefillSeconds && prediction.ttft <= 1.02 * (prefillSeconds + decode))
        let capacity = model.capacity(of: pattern)
        #expect(capacity.single > 0)
        #expect(capacity.binding == "tpot")
    }

    /// One slot, exponential outputs: M/M/1, whose wait exceeds t with probability ρ e^{−(μ − λ) t}.
    @Test func slotWaitIsErlangC() throws {
        let (base, _) = try Self.setup()
        var model = base
        model.profile = WorkloadProfile((0..<2000).map { (1024, Int(-256 * log(1 - (Double($0) + 0.5) / 2000)) + 1) })
        let cv2 = model.profile.outputVariation
        #expect(abs(cv2 - 1) < 0.05)
        let (rate, service) = (0.8, 1.0)
        let wait = try #require(model.slotWait(rate: rate, running: rate * service, slots: 1, quantile: 0.9))
        let expected = log(0.8 / 0.1) / ((1 / service - rate) * 2 / (1 + cv2))
        #expect(abs(wait - expected) < 1e-9)
        // Two slots at a = 1: Erlang C = 1/3 (by hand: B = 1/5, C = B / (1 − ½ (1 − B))).
        let two = try #require(model.slotWait(rate: 1, running: 1, slots: 2, quantile: 0.9))
        #expect(abs(two - log((1.0 / 3) / 0.1) / ((2 - 1) * 2 / (1 + cv2))) < 1e-9)
        #expect(model.slotWait(rate: 1, running: 2, slots: 2, quantile: 0.9) == nil)
        #expect(model.slotWait(rate: 1, running: 0.01, slots: 2, quantile: 0.9) == 0)
    }

    /// The direct stationary solve on a two-state chain: π = (b, a) / (a + b).
    @Test func stationaryTwoState() {
        let (a, b) = (0.3, 0.1)
        let pi = IterationChain.stationary(states: 2, fall: 1) { q, add in
            if q == 0 { add(0, 1 - a); add(1, a) } else { add(0, b); add(1, 1 - b) }
        }
        #expect(abs(pi[0] - b / (a + b)) < 1e-12)
        #expect(abs(pi[1] - a / (a + b)) < 1e-12)
    }

    /// A five-state chain falling at most two states a step: the direct solve matches a thousand
    /// steps of power iteration.
    @Test func stationaryMatchesPowerIteration() {
        let rows: [[Double]] = [
            [0.5, 0.2, 0.2, 0.1, 0], [0.3, 0.3, 0.2, 0.1, 0.1], [0.4, 0.1, 0.2, 0.2, 0.1], [0, 0.3, 0.3, 0.2, 0.2],
            [0, 0, 0.5, 0.25, 0.25],
        ]
        let pi = IterationChain.stationary(states: 5, fall: 2) { q, add in
            for (target, p) in rows[q].enumerated() where p > 0 { add(target, p) }
        }
        var power = [1.0, 0, 0, 0, 0]
        for _ in 0..<1000 {
            power = (0..<5).map { j in (0..<5).reduce(0) { $0 + power[$1] * rows[$1][j] } }
        }
        for j in 0..<5 { #expect(abs(pi[j] - power[j]) < 1e-12) }
    }

    /// Pooled capacities: one figure per replica count up to 8, never falling; the prefill
    /// pattern's TTFT carries the transfer.
    @Test func pooledAndRoles() throws {
        let (model, patterns) = try Self.setup()
        for pattern in patterns {
            let capacity = model.capacity(of: pattern, networkBandwidth: 50e9)
            #expect(capacity.perReplica.count == CapacityModel.pooledReplicas)
            #expect(zip(capacity.perReplica, capacity.perReplica.dropFirst()).allSatisfy { $0 <= $1 })
            #expect(capacity.total(replicas: 4) == 4 * capacity.perReplica[3])
            let prediction = try #require(capacity.atCapacity)
            switch pattern.role {
            case .prefill:
                #expect(prediction.tpot == 0)
                #expect(prediction.ttft >= model.transferSeconds(pattern, networkBandwidth: 50e9))
            case .decode: #expect(prediction.ttft == 0)
            case .aggregated: #expect(prediction.tpot > 0 && prediction.ttft > 0)
            }
        }
    }
}
