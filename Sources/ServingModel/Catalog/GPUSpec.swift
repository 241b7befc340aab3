/// The datasheet figures of one GPU model that the performance and memory models need.
///
/// Units: FLOP/s, bytes, bytes/s. Bandwidths are per GPU, one direction.
public struct GPUSpec: Sendable, Hashable, Codable {
    /// Catalog name, e.g. `H100-80GB`. Lookups are case-insensitive.
    public var name: String
    /// Dense (no sparsity) bf16 tensor-core peak, FLOP/s.
    public var bf16FLOPS: Double
    /// Device memory as the driver reports it (nvidia-smi's `memory.total`), bytes.
    public var memoryBytes: Double
    /// HBM bandwidth, bytes/s.
    public var memoryBandwidth: Double
    /// Intra-node GPU-to-GPU bandwidth per GPU, one direction, bytes/s (NVLink, or PCIe where the
    /// card has no NVLink).
    public var nvlinkBandwidth: Double
    /// Inter-node network bandwidth per GPU, one direction, bytes/s (one NIC per GPU as in DGX/HGX).
    public var networkBandwidth: Double

    /// Creates a GPU specification; values are not validated here (see `Catalog.validate`).
    public init(
        name: String, bf16FLOPS: Double, memoryBytes: Double, memoryBandwidth: Double,
        nvlinkBandwidth: Double, networkBandwidth: Double
    ) {
        self.name = name
        self.bf16FLOPS = bf16FLOPS
        self.memoryBytes = memoryBytes
        self.memoryBandwidth = memoryBandwidth
        self.nvlinkBandwidth = nvlinkBandwidth
        self.networkBandwidth = networkBandwidth
    }
}
