import Planning
import ServingModel

/// The `nvidia.com/gpu.product` node label of each built-in catalog GPU, for the Kubernetes
/// exporter's node selector.
///
/// NVIDIA GPU feature discovery (GFD, part of NVIDIA/k8s-device-plugin and the GPU Operator) sets
/// the label to the NVML product name with its spaces replaced by `-` (k8s-device-plugin
/// internal/lm/resource.go). The NVML names are those nvidia-smi prints: "NVIDIA H100 80GB HBM3"
/// (H100 SXM5, as in NVIDIA/nccl issue #1264), "NVIDIA H200" (H200 SXM), "NVIDIA A100-SXM4-80GB",
/// "NVIDIA A100-SXM4-40GB", "NVIDIA L40S". PCIe or NVL variants report other names (e.g.
/// "NVIDIA H100 PCIe"): override the label then (`export deploy --gpu-label NAME=LABEL`).
/// ```
/// let label = try GPUProductLabels().label(for: "H100-80GB")   // "NVIDIA-H100-80GB-HBM3"
/// ```
public struct GPUProductLabels: Sendable, Hashable {
    /// The node label's key.
    public static let key = "nvidia.com/gpu.product"

    /// Catalog GPU name → label value.
    public static let builtin: [String: String] = [
        "H100-80GB": "NVIDIA-H100-80GB-HBM3",
        "H200-141GB": "NVIDIA-H200",
        "A100-80GB": "NVIDIA-A100-SXM4-80GB",
        "A100-40GB": "NVIDIA-A100-SXM4-40GB",
        "L40S": "NVIDIA-L40S",
    ]

    /// Labels given by the user, over the built-in ones.
    public var overrides: [String: String]

    public init(overrides: [String: String] = [:]) {
        self.overrides = overrides
    }

    /// The label value of `gpu`, or bad input naming the GPU and the known names.
    public func label(for gpu: String) throws(PlanningError) -> String {
        if let label = overrides[gpu] ?? Self.builtin[gpu] {
            guard KubernetesExporter.labelValue(label) == label, !label.isEmpty else {
                throw .badInput("label '\(label)' of GPU '\(gpu)' is not a Kubernetes label value (1-63 letters, digits, '-', '_', '.', "
                    + "starting and ending with a letter or digit)")
            }
            return label
        }
        let known = Array(Set(Self.builtin.keys).union(overrides.keys)).sorted()
        throw .badInput("GPU '\(gpu)' has no \(Self.key) label" + NameSuggestion.hint(for: gpu, in: known)
            + "; give one with --gpu-label \(gpu)=LABEL (known: " + known.joined(separator: ", ") + ")")
    }
}
