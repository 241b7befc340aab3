import Foundation
import Planning
import ServingModel
import Simulation

/// Simulates one model's deployment groups in the discrete-event simulator and judges them
/// against the model's SLO: the simulator's vLLM V1 rule (16-token blocks, watermark 0.01), the
/// roofline per (model, GPU, layout), least-outstanding routing (the `simulate` kind's default);
/// prefill and decode groups run disaggregated, each pair of groups linked at the smaller of the
/// two replicas' interfaces (pool bandwidth × the replica's GPUs), 10 µs latency.
///
/// Each seed runs `requestsPerSeed` measured requests after a warm-up of a quarter as many; the
/// seeds run in parallel (`SeedRuns`) and are pooled (`SimulatedSLO`).
/// ```
/// let simulator = DeploySimulator(problem: problem)
/// let verdict = simulator.verify(model: 0, groups: plan.groups, rate: 40)
/// print(verdict?.meetsSLO ?? false, simulator.certifiedRate(model: 0, groups: plan.groups, upTo: 200))
/// ```
public struct DeploySimulator: PlanVerifier {
    public var problem: DeployProblem
    /// One-way latency of a KV-cache transfer (seconds).
    public static let transferLatency = 1e-5
    /// Warm-up requests per measured request.
    public static let warmupShare = 0.25

    public init(problem: DeployProblem) {
        self.problem = problem
    }

    /// Simulates model `model`'s `groups` at `rate` requests per second on the problem's seeds;
    /// nil when no group of the model has a replica (or a group names an unknown GPU type).
    public func verify(model: Int, groups: [DeploymentGroup], rate: Double) -> Verification? {
        guard rate > 0, let configuration = configuration(model: model, groups: groups, rate: rate) else { return nil }
        let demand = problem.models[model]
        let measured = Double(problem.settings.requestsPerSeed) / rate
        let warmup = measured * Self.warmupShare
        let workload = demand.workload
        let reports = SeedRuns.map(problem.settings.seeds) { seed in
            var source = workload.requests(rate: rate, horizon: warmup + measured, seed: seed)
            return RoutingPolicyName.leastOutstanding.simulate(configuration, source: &source, seed: seed)
        }
        return SimulatedSLO(slo: demand.slo).verification(rate: rate, reports: reports, seeds: problem.settings.seeds)
    }

    /// The highest rate (bisection to about 1 %) at which `verify` meets the SLO, at most `upTo`;
    /// 0 when none does.
    public func certifiedRate(model: Int, groups: [DeploymentGroup], upTo: Double) -> Double {
        guard upTo > 0 else { return 0 }
        func meets(_ rate: Double) -> Bool { verify(model: model, groups: groups, rate: rate)?.meetsSLO ?? false }
        if meets(upTo) { return upTo }
        var low = 0.0, high = upTo
        // Halve down to the first passing rate, then bisect between it and the failure above it.
        var probe = upTo / 2
        while probe > upTo * 1e-3 {
            if meets(probe) { low = probe; break }
            high = probe
            probe /= 2
        }
        guard low > 0 else { return 0 }
        while high - low > 0.01 * low {
            let mid = (low + high) / 2
            if meets(mid) { low = mid } else { high = mid }
        }
        return low
    }

    /// The simulator's fleet for `groups` (model `model`'s only), nil when there is none.
    func configuration(model: Int, groups: [DeploymentGroup], rate: Double) -> SimulationConfiguration? {
        let demand = problem.models[model]
        let mine = groups.filter { $0.model == demand.name && $0.count > 0 }
        var replicas: [ReplicaConfiguration] = []
        var interfaces: [Double] = []
        for (index, group) in mine.enumerated() {
            guard let pool = problem.fleet.firstIndex(where: { $0.gpu.name == group.gpu }) else { return nil }
            let fleet = problem.fleet[pool]
            let layout = ParallelLayout(tensorParallel: group.tp, pipelineParallel: group.pp)
            let roofline = RooflineModel(model: demand.model, gpu: fleet.gpu, layout: layout)
            let kvBytes = MemoryFit(model: demand.model, gpu: fleet.gpu, layout: ParallelLayout(), reservedBytes: 0).kvBytesPerTokenPerGPU
            let kvTokens = group.kvCapacityTokens > 0 ? group.kvCapacityTokens : MemoryFit(
                model: demand.model, gpu: fleet.gpu, layout: layout, memoryUtilization: group.memoryUtilization,
                maxNumSeqs: group.maxBatch, maxBatchedTokens: group.chunkTokens).kvCapacityTokens
            let role: ReplicaRole = switch group.role {
            case .aggregated: .general
            case .prefill: .prefill
            case .decode: .decode
            }
            interfaces.append(fleet.networkBandwidth * Double(group.gpusPerReplica))
            for replica in 0..<group.count {
                replicas.append(ReplicaConfiguration(
                    name: "\(group.gpu) TP\(group.tp) PP\(group.pp) \(group.role.rawValue) #\(replica)", group: index,
                    iterationModel: roofline, batchSize: group.maxBatch, chunkSize: group.chunkTokens,
                    kvCapacityTokens: kvTokens, role: role, scheduler: .vllmV1, blockSize: 16, watermark: 0.01,
                    kvBytesPerToken: kvBytes))
            }
        }
        guard !replicas.isEmpty else { return nil }
        var disaggregation: Disaggregation?
        let prefill = mine.indices.filter { mine[$0].role == .prefill }
        let decode = mine.indices.filter { mine[$0].role == .decode }
        if !prefill.isEmpty || !decode.isEmpty {
            // A fleet with one phase only cannot serve; the simulator needs both sides.
            guard !prefill.isEmpty, !decode.isEmpty else { return nil }
            var links: [GroupPair: TransferLink] = [:]
            for p in prefill {
                for d in decode {
                    links[GroupPair(from: p, to: d)] = TransferLink(
                        bandwidthBytesPerSecond: min(interfaces[p], interfaces[d]), latencySeconds: Self.transferLatency)
                }
            }
            let fallback = TransferLink(bandwidthBytesPerSecond: interfaces.min() ?? 1, latencySeconds: Self.transferLatency)
            disaggregation = Disaggregation(network: KVTransferNetwork(defaultLink: fallback, links: links))
        }
        let measured = Double(problem.settings.requestsPerSeed) / rate
        let slo = demand.slo
        return SimulationConfiguration(
            replicas: replicas, classNames: ["requests"], horizon: measured * (1 + Self.warmupShare),
            warmup: measured * Self.warmupShare, slo: ServiceLevelObjective(ttft: slo.ttftSeconds, tpot: slo.tpotSeconds),
            sampleCount: 2, disaggregation: disaggregation)
    }
}
