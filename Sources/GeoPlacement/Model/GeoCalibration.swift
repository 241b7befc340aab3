/// The paper's calibration (the authors' simulator scripts): BLOOM-176B in NF4 on an A100-80GB and on
/// a MIG 1g.10gb slice, 20 prompt and 128 output tokens.
public enum GeoCalibration {
    /// BLOOM-176B: L = 70 blocks of s_m ≈ 1.323 GB (NF4), 2·d_model·2 bytes = 57,344 bytes of cache per token.
    public static let bloom176B = GeoModel(
        blocks: 70, blockBytes: 1.323e9, cacheBytesPerToken: 57344, promptTokens: 20, outputTokens: 128)

    /// An A100-80GB: M = 79.13 GB, τ = 3.2197 ms, τ^I = 0.0743 ms · l_I + 32.99 ms.
    public static func a100(name: String, site: String) -> GeoServer {
        GeoServer(name: name, site: site, memoryBytes: 79.13e9, decodeSecondsPerBlock: 0.0032197,
                  prefillPerToken: 7.43e-5, prefillFixed: 0.03299)
    }

    /// A MIG 1g.10gb slice: M = 8.2 GB, τ = 16.2488 ms, τ^I = 0.1041 ms · l_I + 206.35 ms, at most 4 blocks.
    public static func mig(name: String, site: String) -> GeoServer {
        GeoServer(name: name, site: site, memoryBytes: 8.2e9, decodeSecondsPerBlock: 0.0162488,
                  prefillPerToken: 1.041e-4, prefillFixed: 0.20635, maxBlocks: 4)
    }

    /// The paper's clustered testbed: CPU clients in cluster 0, `a100s` A100s in cluster 1, `migs` MIG
    /// slices in cluster 2; 5 ms RTT inside a cluster, 100 ms between, 50 ms per-token overhead (the
    /// clustered script). The small set-up is 2 + 7 servers, the large one 5 + 21.
    public static func clusteredTestbed(a100s: Int, migs: Int) -> GeoInstance {
        GeoInstance(
            model: bloom176B,
            servers: (0..<a100s).map { a100(name: "a100-\($0 + 1)", site: "cluster1") }
                + (0..<migs).map { mig(name: "mig-\($0 + 1)", site: "cluster2") },
            clients: [GeoClient(name: "client", site: "cluster0")],
            network: GeoNetwork(
                sites: ["cluster0", "cluster1", "cluster2"],
                rtt: [[0.005, 0.1, 0.1], [0.1, 0.005, 0.1], [0.1, 0.1, 0.005]]),
            timing: GeoTimingConstants(perTokenOverhead: 0.05))
    }
}
