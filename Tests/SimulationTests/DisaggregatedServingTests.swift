import Testing
import ServingModel
@testable import Simulation

/// Prefill/decode-disaggregated serving: hand-traced schedules of the KV transfers (the per-interface
/// FIFO rule of `KVTransferNetwork`), the zero-transfer limit, and Little's law.
@Suite struct DisaggregatedServingTests {
    static func replica(
        _ name: String, group: Int, role: ReplicaRole, model: any IterationTimeModel, kv: Int, batchSize: Int = 4,
        chunkSize: Int = 8
    ) -> ReplicaConfiguration {
        ReplicaConfiguration(
            name: name, group: group, iterationModel: model, batchSize: batchSize, chunkSize: chunkSize, kvCapacityTokens: kv,
            role: role, kvBytesPerToken: 1)
    }

    static func run(
        _ fleet: [ReplicaConfiguration], link: TransferLink, requests: [Request], horizon: Double = 20,
        prefill: RoutingPolicyName = .leastOutstanding
    ) -> SimulationReport {
        var configuration = SimulationConfiguration(
            replicas: fleet, classNames: ["a"], horizon: horizon, sampleCount: 0,
            disaggregation: Disaggregation(network: KVTransferNetwork(defaultLink: link), decodePolicy: .leastOutstanding))
        configuration.recordsCompletions = true
        var source = ListSource(requests: requests)
        return prefill.simulate(configuration, source: &source, seed: 1)
    }

    /// One prefill replica (1 s iterations, KV 8 tokens), one decode replica (1.5 s iterations),
    /// 1 byte per KV token, a 2 B/s link with 0.25 s latency. A (prompt 4, output 3) and B (4, 2)
    /// arrive at 0, C (3, 2) at 0.5.
    /// - Prefill: A 0–1, B 1–2 (both admitted at 0: KV 8 used). C cannot be admitted while A's
    ///   cache is held (it is until A's transfer ends), so the prefill replica idles 2–3.25 and
    ///   prefills C 3.25–4.25.
    /// - Transfers (one interface per replica, FIFO): A 1–3, arrives 3.25; B waits for the
    ///   interfaces until 3, sends 3–5, arrives 5.25; C (3 bytes) waits 4.25–5, sends 5–6.5,
    ///   arrives 6.75. Transfer times 2.25, 3.25, 2.5; interface waits 0, 1, 0.75.
    /// - Decode: A 3.25–4.75, 4.75–6.25 (done 6.25); B arrives mid-iteration, decodes 6.25–7.75;
    ///   C decodes 7.75–9.25.
    /// TTFT (first token delivered when the cache arrives): A 3.25, B 5.25, C 6.75 − 0.5 = 6.25.
    /// TPOT: A (6.25 − 3.25)/2 = 1.5, B 2.5, C 2.5. C's queue delay 3.25 − 0.5 = 2.75.
    @Test func handTracedSchedule() throws {
        let fleet = [
            Self.replica("prefill", group: 0, role: .prefill, model: ConstantIterationTime(seconds: 1), kv: 8),
            Self.replica("decode", group: 1, role: .decode, model: ConstantIterationTime(seconds: 1.5), kv: 100),
        ]
        let report = Self.run(fleet, link: TransferLink(bandwidthBytesPerSecond: 2, latencySeconds: 0.25), requests: [
            Request(id: 0, classIndex: 0, arrivalTime: 0, promptTokens: 4, outputTokens: 3),
            Request(id: 1, classIndex: 0, arrivalTime: 0, promptTokens: 4, outputTokens: 2),
            Request(id: 2, classIndex: 0, arrivalTime: 0.5, promptTokens: 3, outputTokens: 2),
        ])
        #expect(report.completions == [
            RequestCompletion(id: 0, time: 6.25), RequestCompletion(id: 1, time: 7.75), RequestCompletion(id: 2, time: 9.25),
        ])
        #expect(report.overall.completed == 3)
        #expect(report.overall.ttft.mean == (3.25 + 5.25 + 6.25) / 3)
        #expect(report.overall.ttft.maximum == 6.25)
        #expect(report.overall.tpot.mean == (1.5 + 2.5 + 2.5) / 3)
        #expect(report.overall.queueDelay.maximum == 2.75)
        #expect(report.overall.e2e.mean == (6.25 + 7.75 + 8.75) / 3)
        let transfers = try #require(report.transfers)
        #expect(transfers.count == 3)
        #expect(transfers.bytes == 11)
        #expect(transfers.transferSeconds.mean == (2.25 + 3.25 + 2.5) / 3)
        #expect(transfers.transferSeconds.maximum == 3.25)
        #expect(transfers.meanLinkWaitSeconds == 1.75 / 3)
        #expect(transfers.groups.map(\.sent) == [3, 0])
        #expect(transfers.groups.map(\.received) == [0, 3])
        #expect(transfers.groups.map(\.role) == [.prefill, .decode])
        // Prefill: 0–1, 1–2, 3.25–4.25; decode: 3.25–4.75, 4.75–6.25, 6.25–7.75, 7.75–9.25.
        #expect(report.iterations == 7)
        #expect(report.simulatedSeconds == 9.25)
    }

    /// The same transfer rule under vllm-v1 with the KV cache in 4-token blocks (watermark 0): a
    /// sent cache keeps its *blocks* on the prefill replica until it arrives, and carries only its
    /// tokens. Prefill replica: KV 12 tokens = 3 blocks, token budget 8, 1 s iterations; decode
    /// replica: 1 s iterations; 1 byte per KV token over 2 B/s, no latency. A (prompt 5, output 2)
    /// and B (3, 2) arrive at 0, C (4, 2) at 0.5.
    /// - Prefill: A (5 tokens, 2 blocks) starts alone at 0, the replica idle when it arrives, 0–1.
    ///   At 1 A's 2 blocks are held by its cache being sent; B (1 block) is admitted, 1–2, and C
    ///   (1 block) waits: all 3 blocks are taken (in tokens C would fit: 5 + 3 of 12 held). A's
    ///   blocks free at 3.5: C prefills 3.5–4.5.
    /// - Transfers: A 5 bytes 1–3.5; B 3 bytes waits 2–3.5 for the interfaces, 3.5–5; C 4 bytes
    ///   waits 4.5–5, 5–7. Transfer times 2.5, 3, 2.5; interface waits 0, 1.5, 0.5; 12 bytes in all.
    /// - Decode (one step each): A 3.5–4.5, B 5–6, C 7–8.
    /// TTFT: 3.5, 5, 7 − 0.5 = 6.5; C's queue delay 3.5 − 0.5 = 3.
    @Test func sentCachesHoldTheirBlocksUnderVLLMV1() throws {
        func replica(_ name: String, group: Int, role: ReplicaRole, kv: Int) -> ReplicaConfiguration {
            ReplicaConfiguration(
                name: name, group: group, iterationModel: ConstantIterationTime(seconds: 1), batchSize: 4, chunkSize: 8,
                kvCapacityTokens: kv, role: role, scheduler: .vllmV1, blockSize: 4, watermark: 0, kvBytesPerToken: 1)
        }
        let fleet = [replica("prefill", group: 0, role: .prefill, kv: 12), replica("decode", group: 1, role: .decode, kv: 100)]
        let report = Self.run(fleet, link: TransferLink(bandwidthBytesPerSecond: 2, latencySeconds: 0), requests: [
            Request(id: 0, classIndex: 0, arrivalTime: 0, promptTokens: 5, outputTokens: 2),
            Request(id: 1, classIndex: 0, arrivalTime: 0, promptTokens: 3, outputTokens: 2),
            Request(id: 2, classIndex: 0, arrivalTime: 0.5, promptTokens: 4, outputTokens: 2),
        ])
        #expect(report.completions == [
            RequestCompletion(id: 0, time: 4.5), RequestCompletion(id: 1, time: 6), RequestCompletion(id: 2, time: 8),
        ])
        #expect(report.overall.ttft.mean == (3.5 + 5 + 6.5) / 3)
        #expect(report.overall.ttft.maximum == 6.5)
        #expect(report.overall.queueDelay.maximum == 3)
        let transfers = try #require(report.transfers)
        #expect(transfers.count == 3)
        #expect(transfers.bytes == 12)
        #expect(transfers.transferSeconds.mean == (2.5 + 3 + 2.5) / 3)
        #expect(transfers.transferSeconds.maximum == 3)
        #expect(transfers.meanLinkWaitSeconds == 2.0 / 3)
        // Prefill: 0–1, 1–2, 3.5–4.5; decode: 3.5–4.5, 5–6, 7–8.
        #expect(report.iterations == 6)
        #expect(report.simulatedSeconds == 8)
    }

    /// With an instant network (infinite bandwidth, no latency) and a decode replica that is never
    /// full, the first token reaches the client when the prefill ends: TTFT is the prefill time,
    /// perIteration + perPrefillToken × prompt (one chunk, nothing queued: arrivals 10 s apart).
    @Test func instantTransfersMakeTTFTThePrefillTime() throws {
        let model = LinearIterationTime(perIteration: 0.5, perPrefillToken: 0.25)
        let fleet = [
            Self.replica("prefill", group: 0, role: .prefill, model: model, kv: 100),
            Self.replica("decode", group: 1, role: .decode, model: ConstantIterationTime(seconds: 0.5), kv: 100),
        ]
        let prompts = [4, 8, 2]
        let requests = prompts.enumerated().map { index, prompt in
            Request(id: index, classIndex: 0, arrivalTime: Double(index) * 10, promptTokens: prompt, outputTokens: 3)
        }
        let report = Self.run(fleet, link: TransferLink(bandwidthBytesPerSecond: .infinity, latencySeconds: 0), requests: requests,
                              horizon: 40)
        let prefillTimes = prompts.map { 0.5 + 0.25 * Double($0) }
        #expect(report.overall.ttft.mean == prefillTimes.reduce(0, +) / 3)
        #expect(report.overall.ttft.maximum == prefillTimes.max())
        // Decoding starts at once: two 0.5 s iterations after the first token.
        #expect(report.overall.tpot.mean == 0.5)
        let transfers = try #require(report.transfers)
        #expect(transfers.count == 3)
        #expect(transfers.transferSeconds.maximum == 0)
        #expect(transfers.meanLinkWaitSeconds == 0)
    }

    /// Two prefill replicas finish their prefills at the same time (t = 1) and send 4-byte caches
    /// to the one decode replica over 2 B/s: its inbound interface serialises them, so the first
    /// arrives at 1 + 2 = 3 and the second waits for it and arrives at 3 + 2 = 5 (processor sharing
    /// would deliver both at 5). A link given for the group pair overrides the default.
    @Test func simultaneousTransfersShareTheReceivingInterface() throws {
        let fleet = [
            Self.replica("p0", group: 0, role: .prefill, model: ConstantIterationTime(seconds: 1), kv: 100),
            Self.replica("p1", group: 0, role: .prefill, model: ConstantIterationTime(seconds: 1), kv: 100),
            Self.replica("d", group: 1, role: .decode, model: ConstantIterationTime(seconds: 10), kv: 100),
        ]
        let requests = (0..<2).map { Request(id: $0, classIndex: 0, arrivalTime: 0, promptTokens: 4, outputTokens: 2) }
        let report = Self.run(fleet, link: TransferLink(bandwidthBytesPerSecond: 2, latencySeconds: 0), requests: requests,
                              horizon: 50, prefill: .roundRobin)
        let transfers = try #require(report.transfers)
        #expect(transfers.count == 2)
        #expect(transfers.transferSeconds.mean == 3)      // (2 + 4) / 2
        #expect(transfers.transferSeconds.maximum == 4)
        #expect(transfers.meanLinkWaitSeconds == 1)       // (0 + 2) / 2
        #expect(report.overall.ttft.mean == 4)            // (3 + 5) / 2
        // Decode: the first cache starts a 10 s iteration at 3 (done 13); the second joins at 13 (done 23).
        #expect(report.completions == [RequestCompletion(id: 0, time: 13), RequestCompletion(id: 1, time: 23)])

        var configuration = SimulationConfiguration(
            replicas: fleet, classNames: ["a"], horizon: 50, sampleCount: 0,
            disaggregation: Disaggregation(network: KVTransferNetwork(
                defaultLink: TransferLink(bandwidthBytesPerSecond: 2, latencySeconds: 0),
                links: [GroupPair(from: 0, to: 1): TransferLink(bandwidthBytesPerSecond: 4, latencySeconds: 0.5)])))
        configuration.recordsCompletions = true
        var source = ListSource(requests: requests)
        let linked = RoutingPolicyName.roundRobin.simulate(configuration, source: &source, seed: 1)
        // 1 s each at 4 B/s: 1–2 (+0.5 → 2.5), 2–3 (+0.5 → 3.5).
        #expect(try #require(linked.transfers).transferSeconds.mean == 2)
        #expect(linked.overall.ttft.mean == 3)
    }

    /// The prefill-side policy sees only the prefill replicas, mapped back to fleet indices: with
    /// the decode replica listed first and central-queue on two prefill replicas of batch size 1,
    /// A and B (t = 0) prefill 0–1 on replicas 1 and 2 while C is held; at 1 both slots free and C
    /// goes to replica 1 (fewest outstanding, lowest index), prefilling 1–2. Instant transfers:
    /// TTFT 1, 1, 2. A request whose cache can never be admitted on the decode replica is rejected
    /// when it arrives there (D: its cache holds its 8 prompt tokens, the first output token's KV
    /// not yet written, against 6 one-token blocks of decode cache).
    @Test func prefillPolicySeesPrefillReplicasOnly() throws {
        let fleet = [
            Self.replica("d", group: 0, role: .decode, model: ConstantIterationTime(seconds: 1), kv: 6),
            Self.replica("p1", group: 1, role: .prefill, model: ConstantIterationTime(seconds: 1), kv: 100, batchSize: 1),
            Self.replica("p2", group: 1, role: .prefill, model: ConstantIterationTime(seconds: 1), kv: 100, batchSize: 1),
        ]
        let requests = (0..<3).map { Request(id: $0, classIndex: 0, arrivalTime: 0, promptTokens: 4, outputTokens: 2) }
            + [Request(id: 3, classIndex: 0, arrivalTime: 10, promptTokens: 8, outputTokens: 2)]
        let report = Self.run(fleet, link: TransferLink(bandwidthBytesPerSecond: .infinity, latencySeconds: 0), requests: requests,
                              prefill: .centralQueue)
        #expect(report.overall.completed == 3)
        #expect(report.overall.ttft.mean == 4.0 / 3)
        // Decode (KV 6 = one stream of prompt 4 + 2 tokens): A 1–2, B 2–3, C 3–4.
        #expect(report.completions?.map(\.time) == [2, 3, 4])
        #expect(report.rejected == 1)
        #expect(report.rejections.first?.reason == .contextAboveKVCapacity)
        #expect(report.rejections.first?.largestNeed == 8)
        #expect(report.rejections.first?.kvCapacity == 6)
        let transfers = try #require(report.transfers)
        #expect(transfers.groups.map(\.sent) == [0, 4])
        #expect(transfers.groups.map(\.received) == [4, 0])
    }

    /// Little's law L = λW on a disaggregated run (2 prefill + 2 decode replicas, a contended
    /// finite link busy about half the time, Poisson arrivals, random lengths).
    @Test func littlesLawHolds() throws {
        let prefillModel = LinearIterationTime(perIteration: 0.01, perPrefillToken: 1e-4)
        let decodeModel = ConstantIterationTime(seconds: 0.02)
        let fleet = [
            Self.replica("p0", group: 0, role: .prefill, model: prefillModel, kv: 20_000, batchSize: 16, chunkSize: 512),
            Self.replica("p1", group: 0, role: .prefill, model: prefillModel, kv: 20_000, batchSize: 16, chunkSize: 512),
            Self.replica("d0", group: 1, role: .decode, model: decodeModel, kv: 20_000, batchSize: 32),
            Self.replica("d1", group: 1, role: .decode, model: decodeModel, kv: 20_000, batchSize: 32),
        ]
        let configuration = SimulationConfiguration(
            replicas: fleet, classNames: ["chat"], horizon: 4_000, warmup: 200, sampleCount: 0,
            disaggregation: Disaggregation(
                network: KVTransferNetwork(defaultLink: TransferLink(bandwidthBytesPerSecond: 3_000, latencySeconds: 0.001)),
                decodePolicy: .leastKV))
        var source = PoissonSource(rate: 10, horizon: 4_000, seed: 5, promptMean: 300, outputMean: 60)
        let report = RoutingPolicyName.leastOutstanding.simulate(configuration, source: &source, seed: 5)
        let littleL = report.arrivalRate * report.overall.meanTimeInSystem
        let transfers = try #require(report.transfers)
        #expect(report.overall.completed > 30_000)
        #expect(transfers.meanLinkWaitSeconds > 0, "the link is contended")
        #expect(abs(report.meanInSystem - littleL) / littleL < 0.01, "L \(report.meanInSystem) vs λW \(littleL)")
    }
}
