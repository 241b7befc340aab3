@testable import GeoPlacement

/// One client at site "c" with the given raw RTTs to one server site each; timing `.none`.
func hubInstance(
    blocks: Int, cacheBytesPerToken: Double, promptTokens: Int, outputTokens: Int,
    rtt: [Double], decode: [Double], prefill: [Double] = [], memory: [Double]
) -> GeoInstance {
    let sites = ["c"] + rtt.indices.map { "s\($0)" }
    var matrix = [[Double]](repeating: [Double](repeating: 1, count: sites.count), count: sites.count)
    for j in rtt.indices {
        matrix[0][j + 1] = rtt[j]
        matrix[j + 1][0] = rtt[j]
    }
    for i in sites.indices { matrix[i][i] = 0 }
    let servers = rtt.indices.map { j in
        GeoServer(name: "s\(j)", site: "s\(j)", memoryBytes: memory[j], decodeSecondsPerBlock: decode[j],
                  prefillPerToken: 0, prefillFixed: prefill.isEmpty ? 0 : prefill[j])
    }
    return GeoInstance(
        model: GeoModel(blocks: blocks, blockBytes: 1, cacheBytesPerToken: cacheBytesPerToken,
                        promptTokens: promptTokens, outputTokens: outputTokens),
        servers: servers, clients: [GeoClient(name: "c", site: "c")],
        network: GeoNetwork(sites: sites, rtt: matrix), timing: .none)
}

/// The research notes' CG-BP vector: L=10, s_m=1, s_c=0.05, RTT=[100,20,50,5], τ=[3,16,3,16], M=[7,4,6,3].
func cgbpVectorInstance(memory: [Double] = [7, 4, 6, 3]) -> GeoInstance {
    hubInstance(blocks: 10, cacheBytesPerToken: 0.05, promptTokens: 0, outputTokens: 1,
                rtt: [100, 20, 50, 5], decode: [3, 16, 3, 16], memory: memory)
}
