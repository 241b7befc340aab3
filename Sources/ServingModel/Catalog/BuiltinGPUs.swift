// The GPUs shipped in `Catalog.builtin`.
//
// Conventions (see `GPUSpec`):
// - `bf16FLOPS` is the dense bf16 tensor-core peak. NVIDIA datasheets print the 2:4-sparsity figure
//   first (marked "*"); the dense value is half of it.
// - `memoryBytes` is the memory the driver reports (`nvidia-smi --query-gpu=memory.total`, the same
//   total that `cudaMemGetInfo`, and so vLLM's `torch.cuda.mem_get_info`, sees), in bytes: the
//   engines size their KV cache from it, not from the datasheet's decimal gigabytes. The "80GB"
//   A100 carries 80 GiB (81,920 MiB); the "80GB" H100 SXM reports 81,559 MiB; the "141GB" H200
//   reports 143,771 MiB (140.4 GiB, a little under aiconfigurator's 141 GiB `mem_capacity`); the
//   48 GB L40S reports 46,068 MiB (its GDDR6 ECC, on by default, keeps about 1/16 of 48 GiB).
//   Sources: the nvidia-smi totals collected in modal-labs/modal-client PR #2797 ("docs fix: nvidia
//   quotes GB on their GPUs not GiB": H100 81559MiB, A100 80GB 81920MiB, A100 40GB 40960MiB, L40S
//   46068MiB); nvidia-smi output in NVIDIA/nccl issue #1264 (8 × "NVIDIA H100 80GB HBM3",
//   81559MiB, driver 550.54.15); akash-network/provider-configs PR #99 (L40S, 46068 MiB, driver
//   595.71.05); public nvidia-smi logs of HGX H200 nodes (143771MiB, driver 570.158.01 among
//   others); aiconfigurator's data/hardware/{a100,h100}_sxm.yaml (`mem_capacity: 85899345920 # 80GiB`).
// - Bandwidths are per GPU, one direction: NVLink "900 GB/s" on a datasheet is bidirectional, so
//   450e9 one way.
// - `networkBandwidth` is the scale-out NIC per GPU (one NIC per GPU as in DGX/HGX systems).
//
// Cross-checked against NVIDIA aiconfigurator's system files (data/hardware/{a100,h100,h200}_sxm.yaml:
// `bfloat16_tc_flops`, `mem_bw`, `intra_node_bw`, `inter_node_bw`).

extension Catalog {
    /// Bytes in a MiB, the unit nvidia-smi reports memory in.
    private static let mebibyte = 1_048_576.0

    /// The built-in GPUs, in display order.
    static let builtinGPUs: [GPUSpec] = [
        // NVIDIA A100 40GB SXM4.
        // Source: NVIDIA A100 Tensor Core GPU datasheet
        // (https://www.nvidia.com/content/dam/en-zz/Solutions/Data-Center/a100/pdf/nvidia-a100-datasheet-us-nvidia-1758950-r4-web.pdf):
        // BF16 tensor 312 TFLOPS (624 with sparsity), 40 GB HBM2, 1,555 GB/s, NVLink3 600 GB/s (bidirectional).
        // Network: DGX A100 has one 200 Gb/s HDR InfiniBand ConnectX-6 per GPU = 25e9 B/s one way.
        GPUSpec(
            name: "A100-40GB", bf16FLOPS: 312e12, memoryBytes: 40_960 * mebibyte, memoryBandwidth: 1.555e12,
            nvlinkBandwidth: 300e9, networkBandwidth: 25e9
        ),
        // NVIDIA A100 80GB SXM4.
        // Source: same A100 datasheet: BF16 tensor 312 TFLOPS, 80 GB HBM2e, 2,039 GB/s,
        // NVLink3 600 GB/s bidirectional -> 300e9 one way. DGX A100: 200 Gb/s HDR per GPU -> 25e9 B/s.
        // aiconfigurator a100_sxm.yaml: bfloat16_tc_flops 312e12, mem_bw 2.039e12, intra 300e9, inter 25e9.
        GPUSpec(
            name: "A100-80GB", bf16FLOPS: 312e12, memoryBytes: 81_920 * mebibyte, memoryBandwidth: 2.039e12,
            nvlinkBandwidth: 300e9, networkBandwidth: 25e9
        ),
        // NVIDIA H100 SXM5 80GB.
        // Source: NVIDIA H100 Tensor Core GPU datasheet
        // (https://resources.nvidia.com/en-us-tensor-core/nvidia-tensor-core-gpu-datasheet):
        // BF16 tensor 1,979 TFLOPS with sparsity -> 989 TFLOPS dense (989.4), 80 GB HBM3, 3.35 TB/s,
        // NVLink4 900 GB/s bidirectional -> 450e9 one way.
        // Network: DGX H100 has one 400 Gb/s NDR ConnectX-7 per GPU = 50e9 B/s one way.
        // aiconfigurator h100_sxm.yaml: bfloat16_tc_flops 989e12, mem_bw 3.35e12, intra 450e9, inter 50e9.
        GPUSpec(
            name: "H100-80GB", bf16FLOPS: 989e12, memoryBytes: 81_559 * mebibyte, memoryBandwidth: 3.35e12,
            nvlinkBandwidth: 450e9, networkBandwidth: 50e9
        ),
        // NVIDIA H200 SXM 141GB.
        // Source: NVIDIA H200 Tensor Core GPU datasheet
        // (https://www.nvidia.com/en-us/data-center/h200/ , "NVIDIA H200 Tensor Core GPU Datasheet"):
        // BF16 tensor 1,979 TFLOPS with sparsity -> 989 TFLOPS dense, 141 GB HBM3e, 4.8 TB/s,
        // NVLink4 900 GB/s bidirectional -> 450e9 one way.
        // Network: DGX H200 has one 400 Gb/s NDR ConnectX-7 per GPU = 50e9 B/s one way.
        // aiconfigurator h200_sxm.yaml: bfloat16_tc_flops 989e12, mem_bw 4.8e12, intra 450e9, inter 50e9.
        GPUSpec(
            name: "H200-141GB", bf16FLOPS: 989e12, memoryBytes: 143_771 * mebibyte, memoryBandwidth: 4.8e12,
            nvlinkBandwidth: 450e9, networkBandwidth: 50e9
        ),
        // NVIDIA L40S (PCIe card, Ada Lovelace).
        // Source: NVIDIA L40S datasheet (https://www.nvidia.com/en-us/data-center/l40s/ ,
        // "NVIDIA L40S Datasheet"): BF16 tensor 362.05 TFLOPS dense (733 with sparsity), 48 GB GDDR6
        // with ECC (not HBM; `memoryBytes`/`memoryBandwidth` hold the GDDR6 figures), 864 GB/s,
        // interconnect PCIe Gen4 x16 64 GB/s bidirectional.
        // The L40S has NO NVLink: `nvlinkBandwidth` holds the PCIe Gen4 x16 figure, ~32e9 B/s one way
        // (real peer-to-peer throughput through a PCIe switch or the CPU is often lower).
        // Network: ASSUMPTION, not a datasheet value: L40S servers (e.g. OVX / 2-4-8 PCIe HGX-style
        // configurations) commonly pair the GPUs with 200 Gb/s NICs; we assume 200 Gb/s per GPU = 25e9 B/s
        // one way. Override it in a scenario's `catalog:` section if your servers differ.
        GPUSpec(
            name: "L40S", bf16FLOPS: 362.05e12, memoryBytes: 46_068 * mebibyte, memoryBandwidth: 864e9,
            nvlinkBandwidth: 32e9, networkBandwidth: 25e9
        ),
    ]
}
