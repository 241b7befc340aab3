import Planning
import ServingModel

/// The smallest single-node tensor-parallel layout (TP 1, 2, 4 or 8; PP 1) whose weights fit a GPU
/// under vLLM's memory rule (`MemoryFit`), and the KV-cache tokens one replica then holds.
/// ```
/// let fit = SmallestLayout(model: llama70B, gpu: h100)
/// print(fit.tensorParallel ?? 0, fit.kvCapacityTokens ?? 0)   // 2 3552 (vllm serve's default limits)
/// ```
public struct SmallestLayout: Sendable, Codable, Equatable {
    /// The tensor-parallel degrees tried, smallest first (one 8-GPU node at most).
    public static let tensorParallelDegrees = [1, 2, 4, 8]

    public var model: String
    public var gpu: String
    /// Smallest TP that fits; nil when even TP8 on one node does not.
    @Nullable public var tensorParallel: Int?
    /// KV-cache tokens of one replica at that layout; nil when nothing fits.
    @Nullable public var kvCapacityTokens: Int?

    /// Tries TP 1, 2, 4, 8 in order (skipping degrees the model's shape cannot be split by).
    public init(model: ModelSpec, gpu: GPUSpec) {
        self.model = model.name
        self.gpu = gpu.name
        for tp in Self.tensorParallelDegrees {
            let layout = ParallelLayout(tensorParallel: tp)
            guard layout.shapeProblem(for: model) == nil else { continue }
            let fit = MemoryFit(model: model, gpu: gpu, layout: layout)
            if fit.fits {
                tensorParallel = tp
                kvCapacityTokens = fit.kvCapacityTokens
                return
            }
        }
    }
}
