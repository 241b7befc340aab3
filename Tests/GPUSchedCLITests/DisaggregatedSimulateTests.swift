import Foundation
import Testing
import GPUSchedTestSupport

/// `simulate` of a prefill/decode-disaggregated fleet: the transfers in `--json`, and every bad
/// input of the disaggregation keys (exit code 2, one line naming the key path).
@Suite struct DisaggregatedSimulateTests {
    /// Llama-3.1-8B: 32 layers × 8 KV heads × 128 × (K, V) × 2 bytes = 131,072 bytes per token.
    static let fleet = """
        kind: simulate
        model: llama-3.1-8b
        replicas: [{gpu: H100-80GB, tp: 1, count: 2, role: prefill}, {gpu: H100-80GB, tp: 1, count: 1, role: decode}]
        network: {bandwidthGBps: 50, latencySeconds: 0.00002}
        engine: {batchSize: 32, chunkSize: 512}
        workload:
          classes:
            - {name: chat, arrivalRate: 4, promptTokens: 500, outputTokens: 50}
        horizon: 100
        """

    private func run(_ text: String, _ arguments: [String] = []) throws -> CLIRunner.Output {
        try CLIRunner.run(["simulate", try TemporaryFiles.file(text)] + arguments)
    }

    private func expectBadInput(_ text: String, _ lines: [String], sourceLocation: SourceLocation = #_sourceLocation) throws {
        let output = try run(text)
        #expect(output.exitCode == 2, "\(output.stderr)", sourceLocation: sourceLocation)
        #expect(output.stderrLines == lines, sourceLocation: sourceLocation)
    }

    /// Each transfer carries 500 tokens × 131,072 bytes and takes at least 20 µs + 65.536 MB / 50 GB/s
    /// = 1.33072 ms; a general fleet reports no transfers.
    @Test func transfersAreReported() throws {
        let output = try run(Self.fleet, ["--json"])
        #expect(output.exitCode == 0, "\(output.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any])
        let transfers = try #require(json["transfers"] as? [String: Any])
        let count = try #require(transfers["count"] as? Int)
        let bytes = try #require(transfers["bytes"] as? Double)
        #expect(count > 300)
        #expect(bytes == Double(count) * 500 * 131_072)
        let seconds = try #require(transfers["transferSeconds"] as? [String: Any])
        let mean = try #require(seconds["mean"] as? Double)
        let linkWait = try #require(transfers["meanLinkWaitSeconds"] as? Double)
        #expect(abs(mean - linkWait - 1.33072e-3) < 1e-12, "mean \(mean), of which waiting \(linkWait)")
        let groups = try #require(transfers["groups"] as? [[String: Any]])
        #expect(groups.map { $0["role"] as? String } == ["prefill", "decode"])
        #expect(groups.map { $0["sent"] as? Int } == [count, 0])
        #expect(groups.map { $0["received"] as? Int } == [0, count])

        let general = Self.fleet.replacingOccurrences(of: ", role: prefill", with: "").replacingOccurrences(of: ", role: decode", with: "")
            .replacingOccurrences(of: "network: {bandwidthGBps: 50, latencySeconds: 0.00002}\n", with: "")
        let plain = try run(general, ["--json"])
        #expect(plain.exitCode == 0, "\(plain.stderr)")
        let plainJSON = try #require(try JSONSerialization.jsonObject(with: Data(plain.stdout.utf8)) as? [String: Any])
        #expect(plainJSON["transfers"] is NSNull)
    }

    @Test func aFleetNeedsBothRoles() throws {
        try expectBadInput(Self.fleet.replacingOccurrences(of: "role: decode", with: "role: prefill"), [
            "error: replicas: a disaggregated fleet needs a group with role decode: group(s) 0, 1 have role prefill, none has role decode",
        ])
        try expectBadInput(Self.fleet.replacingOccurrences(of: "role: prefill", with: "role: decode"), [
            "error: replicas: a disaggregated fleet needs a group with role prefill: group(s) 0, 1 have role decode, none has role prefill",
        ])
        try expectBadInput(Self.fleet.replacingOccurrences(of: ", role: decode", with: ""), [
            "error: replicas: a disaggregated fleet needs a group with role decode: group(s) 0 have role prefill, none has role decode",
            "error: replicas[1].role: a disaggregated fleet has only prefill and decode groups; give this group role prefill or decode",
        ])
        try expectBadInput(Self.fleet.replacingOccurrences(of: "role: decode", with: "role: solo"), [
            "error: replicas[1].role: unknown value 'solo'; expected one of: general, prefill, decode",
        ])
    }

    /// The decode replica must hold one whole request: the largest prompt + output the workload
    /// makes (uniform max 500 + 50 = 550 here) in the blocks one admission can get. 540 tokens are
    /// ⌊540 / 16⌋ = 33 blocks, ⌊0.01 × 33⌋ = 0 kept free: 528 tokens. 560 tokens are 35 blocks,
    /// but a 0.1 watermark keeps ⌊3.5⌋ = 3 free: 32 blocks, 512 tokens.
    @Test func aDecodeReplicaHoldsOneRequest() throws {
        let uniform = Self.fleet.replacingOccurrences(of: "promptTokens: 500", with: "promptTokens: {uniform: {min: 100, max: 500}}")
        try expectBadInput(uniform.replacingOccurrences(of: "chunkSize: 512}", with: "chunkSize: 512, kvCapacityTokens: 540}"), [
            "error: replicas[1]: a decode replica's KV cache gives one request at most 528 tokens (33 blocks of 16, 0 kept free), "
                + "below one request of the workload (550 prompt + output tokens)",
        ])
        try expectBadInput(
            uniform.replacingOccurrences(of: "chunkSize: 512}", with: "chunkSize: 512, kvCapacityTokens: 560, watermark: 0.1}"), [
            "error: replicas[1]: a decode replica's KV cache gives one request at most 512 tokens (32 blocks of 16, 3 kept free), "
                + "below one request of the workload (550 prompt + output tokens)",
        ])
    }

    @Test func theNetworkIsChecked() throws {
        try expectBadInput(Self.fleet.replacingOccurrences(of: "bandwidthGBps: 50", with: "bandwidthGBps: -5"), [
            "error: network.bandwidthGBps: must be > 0, got -5",
        ])
        try expectBadInput(Self.fleet.replacingOccurrences(of: "bandwidthGBps: 50", with: "bandwidthGBps: 0"), [
            "error: network.bandwidthGBps: must be > 0, got 0",
        ])
        try expectBadInput(Self.fleet.replacingOccurrences(of: "latencySeconds: 0.00002", with: "latencySeconds: -1"), [
            "error: network.latencySeconds: must be >= 0, got -1",
        ])
        try expectBadInput(Self.fleet.replacingOccurrences(of: "network: {bandwidthGBps: 50, latencySeconds: 0.00002}\n", with: ""), [
            "error: network: missing required key",
        ])
        let links = "links: [{from: 1, to: 0, bandwidthGBps: 5}, {from: 0, to: 1, bandwidthGBps: 5}, "
            + "{from: 0, to: 1, bandwidthGBps: 5}, {from: 0, to: 7, bandwidthGBps: 5}]}"
        try expectBadInput(Self.fleet.replacingOccurrences(of: "0.00002}", with: "0.00002, \(links)"), [
            "error: network.links[0]: a link carries caches from a prefill group to a decode group; group 1 → group 0 is not such a pair",
            "error: network.links[2]: group 0 → group 1 is given twice",
            "error: network.links[3].to: must be <= 1, got 7",
        ])
        try expectBadInput(Self.fleet + "\ndecodePolicy: least-kvv", [
            "error: decodePolicy: unknown value 'least-kvv' (did you mean 'least-kv'?); expected one of: least-outstanding, least-kv, round-robin",
        ])
    }

    /// `network:` and `decodePolicy:` without prefill and decode groups are refused, not ignored.
    @Test func networkWithoutRolesIsRefused() throws {
        let general = Self.fleet.replacingOccurrences(of: ", role: prefill", with: "").replacingOccurrences(of: ", role: decode", with: "")
        try expectBadInput(general + "\ndecodePolicy: least-kv", [
            "error: network: only a disaggregated fleet uses it, and no replica group has role prefill or decode",
            "error: decodePolicy: only a disaggregated fleet uses it, and no replica group has role prefill or decode",
        ])
    }
}
