/// The PETALS 2.2.0.post1 baseline's server-side choices: how many blocks a server serves
/// (`server.py::_choose_num_blocks`), its advertised throughput (`throughput.py`), and where it places
/// them when it joins (`block_selection.py::choose_best_blocks`), as the paper's emulation
/// (`Petals_online.m`, `choose_num_blocks_petals.m`, `compute_throughput.m`) applies them.
public enum PetalsPlacement {
    /// The constants PETALS builds into its server, with their defaults.
    public struct Constants: Sendable, Hashable {
        /// Tokens of attention cache PETALS reserves per block (`attn_cache_tokens`): 4096, or 16384
        /// for multi-query models.
        public var attentionCacheTokens: Int
        /// Bytes kept back for autograd; nil means PETALS' 2 GiB scaled by d_model/14336.
        public var overheadBytes: Double?
        /// Bytes of one cache value (`torch_dtype`; 2 for bf16), used to recover d_model from
        /// `GeoModel.cacheBytesPerToken` = 2·d_model·bytes.
        public var dtypeBytes: Double
        /// A server's `network_rps`; infinite means the network never binds (our instances give no bandwidth).
        public var networkRPS: Double

        public init(attentionCacheTokens: Int = 4096, overheadBytes: Double? = nil, dtypeBytes: Double = 2,
                    networkRPS: Double = .infinity) {
            self.attentionCacheTokens = attentionCacheTokens
            self.overheadBytes = overheadBytes
            self.dtypeBytes = dtypeBytes
            self.networkRPS = networkRPS
        }

        /// The bytes kept back for autograd on a server of `model`: `overheadBytes`, or 2 GiB · d_model/14336.
        public func overhead(model: GeoModel) -> Double {
            if let overheadBytes { return overheadBytes }
            let dModel = model.cacheBytesPerToken / (2 * dtypeBytes)
            return 2 * 1_073_741_824 * dModel / 14336
        }

        /// PETALS' cache bytes per block: `attentionCacheTokens` tokens of one session's cache.
        public func cacheBytesPerBlock(model: GeoModel) -> Double {
            model.cacheBytesPerToken * Double(attentionCacheTokens)
        }
    }

    /// m_j, the blocks server j serves: `_choose_num_blocks` on our fields,
    /// m = min(L, maxBlocks, ⌊(M_j − overhead)/(s_m + cache per block)⌋), where M_j stands for the GPU's
    /// total memory and the cache per block is `attentionCacheTokens` tokens of cache (no KV-group division:
    /// `cacheBytesPerToken` already carries it). The `maxBlocks` cap is the emulation's MIG rule (m ≤ 4).
    /// Returns 0 where not even one block fits (PETALS refuses to start).
    public static func blockCount(server: GeoServer, model: GeoModel, constants: Constants = Constants()) -> Int {
        let perBlock = model.blockBytes + constants.cacheBytesPerBlock(model: model)
        let fit = ((server.memoryBytes - constants.overhead(model: model)) / perBlock).rounded(.down)
        var m = min(model.blocks, fit < 0 ? 0 : Int(fit))
        if let cap = server.maxBlocks { m = min(m, cap) }
        return m
    }

    /// A server's advertised throughput, min(forward_rps/((m+1)/2), network_rps). PETALS measures
    /// forward_rps per block on 1024-token batches; our servers only give τ_j, so forward_rps = 1/τ_j
    /// (decode steps per second per block), which keeps the ratios between servers.
    public static func throughput(server: GeoServer, blockCount m: Int, constants: Constants = Constants()) -> Double {
        min((1 / server.decodeSecondsPerBlock) / (Double(m + 1) / 2), constants.networkRPS)
    }
}
