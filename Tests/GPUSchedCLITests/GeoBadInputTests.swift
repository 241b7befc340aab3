import Foundation
import Testing
import GPUSchedTestSupport

/// The geo scenario's bad inputs: each is one `error:` line naming its key path, exit code 2.
@Suite struct GeoBadInputTests {
    let clustered: String
    let scattered: String

    init() throws {
        clustered = try String(contentsOfFile: GeoCommandTests.example, encoding: .utf8)
        scattered = try String(
            contentsOfFile: GeoCommandTests.example.replacingOccurrences(of: "geo-clustered", with: "geo-scattered-20"), encoding: .utf8)
    }

    /// Runs `plan geo` on `text` and checks for exit 2 and exactly one error line that starts with `prefix`.
    func expectError(_ text: String, _ prefix: String, contains parts: [String] = [], sourceLocation: SourceLocation = #_sourceLocation) throws {
        let output = try CLIRunner.run(["plan", "geo", try TemporaryFiles.file(text)])
        #expect(output.exitCode == 2, sourceLocation: sourceLocation)
        #expect(output.stderrLines.count == 1, "\(output.stderr)", sourceLocation: sourceLocation)
        #expect(output.stderr.hasPrefix("error: " + prefix), "\(output.stderr)", sourceLocation: sourceLocation)
        for part in parts { #expect(output.stderr.contains(part), "\(output.stderr)", sourceLocation: sourceLocation) }
    }

    /// s_m + s_c = 1.323 GB + 57,344 · 148 bytes = 1.331 GB; the largest server has 1.3 GB.
    @Test func noServerHoldsOneBlockPlusItsCache() throws {
        let text = clustered.replacingOccurrences(of: "memoryBytes: 79.13e9", with: "memoryBytes: 1.3e9")
            .replacingOccurrences(of: "memoryBytes: 8.2e9", with: "memoryBytes: 1e9")
        try expectError(text, "servers: no server can hold one block plus its cache", contains: ["1.331 GB", "largest memoryBytes is 1.3 GB"])
    }

    /// 2 servers with 10 GB and 7 with 8.2 GB at |R| = 40 (s_m + 40 s_c = 1.663 GB): ⌊10/1.663⌋ = 6 blocks
    /// each and min(⌊8.2/1.663⌋, 4) = 4, so Σ m_j = 2·6 + 7·4 = 40 < 70, short by 30.
    @Test func uncoveredBlocksReportCorollaryOne() throws {
        let text = clustered.replacingOccurrences(of: "memoryBytes: 79.13e9", with: "memoryBytes: 10e9") + "plannedRequests: 40\n"
        try expectError(text, "CG-BP cannot place the model for |R| = 40", contains: [
            "Corollary 1 needs Σ_j min(⌊M_j/(s_m+s_c|R|)⌋, L) ≥ L", "the sum is 40 < 70 (short by 30 blocks)",
        ])
    }

    @Test func unknownSiteInTheRTTTable() throws {
        let text = clustered.replacingOccurrences(of: "cluster0-cluster2: 0.1", with: "cluster0-clutser2: 0.1")
        try expectError(text, "network.rttSeconds.cluster0-clutser2: 'cluster0-clutser2' must be two known sites joined by '-'",
                        contains: ["unknown site 'clutser2' (did you mean 'cluster2'"])
    }

    @Test func negativeRTT() throws {
        let text = clustered.replacingOccurrences(of: "cluster1-cluster2: 0.1", with: "cluster1-cluster2: -0.1")
        try expectError(text, "network.rttSeconds.cluster1-cluster2: must be >= 0, got -0.1")
    }

    @Test func negativeLinkDelay() throws {
        let text = clustered.replacingOccurrences(
            of: "network: {rttSeconds: {cluster0-cluster1: 0.1, cluster0-cluster2: 0.1, cluster1-cluster2: 0.1}, intraSite: 0.005}",
            with: "network: {links: [{from: cluster0, to: cluster1, delaySeconds: 0.05}, {from: cluster1, to: cluster2, delaySeconds: -0.01}]}")
        try expectError(text, "network.links[1].delaySeconds: must be >= 0, got -0.01")
    }

    @Test func disconnectedLinks() throws {
        let text = clustered.replacingOccurrences(
            of: "network: {rttSeconds: {cluster0-cluster1: 0.1, cluster0-cluster2: 0.1, cluster1-cluster2: 0.1}, intraSite: 0.005}",
            with: "network: {links: [{from: cluster0, to: cluster1, delaySeconds: 0.05}]}")
        try expectError(text, "network: no RTT between sites 'cluster0' and 'cluster2'")
    }

    /// 20 sites: round(0.4·20) = 8 server sites and round(0.7·20) = 14 client sites do not fit.
    @Test func scatteredRolesExceedTheSites() throws {
        let text = scattered.replacingOccurrences(of: "sites: 20,", with: "sites: 20, clientFraction: 0.7,")
        try expectError(text, "network.scattered: 8 server sites + 14 client sites exceed the 20 sites")
    }

    @Test func scatteredWithExplicitClients() throws {
        try expectError(scattered + "clients: [{name: c, site: x}]\n",
                        "clients: not allowed with network.scattered, which places the servers and clients itself")
    }

    @Test func scatteredSiteCountAndFractionChecked() throws {
        try expectError(scattered.replacingOccurrences(of: "sites: 20,", with: "sites: 1,"), "network.scattered.sites: must be >= 2, got 1")
        try expectError(scattered.replacingOccurrences(of: "serverFraction: 0.4", with: "serverFraction: 1.5"),
                        "network.scattered.serverFraction: must be between")
    }
}
