/// SGLang's `physical_to_logical_map` (what `--init-expert-location` reads via `init_by_mapping`).
public enum SGLangExpertMap {
    /// One row per transformer layer: the leading `layers − placement.count` dense layers get the
    /// trivial map p mod experts, each MoE layer the concatenation of its GPUs' experts (physical
    /// expert p lives on rank p / perGPU). Throws when GPUs hold different numbers of experts,
    /// which the format cannot express.
    public static func physicalToLogical(placement: [[[Int]]], layers: Int, experts: Int) throws(PlacementError) -> [[Int]] {
        guard let perGPU = placement.first?.first?.count, layers >= placement.count else {
            throw PlacementError("the plan has \(placement.count) MoE layers for a model of \(layers) layers")
        }
        for (l, layer) in placement.enumerated() {
            if let g = layer.firstIndex(where: { $0.count != perGPU }) {
                throw PlacementError(
                    "SGLang needs the same number of experts on every GPU; layer \(l) has \(layer[g].count) on GPU \(g) "
                        + "but \(perGPU) on GPU 0 (give slotsPerGPU = experts / GPUs, or add redundant experts to fill the slots)")
            }
        }
        let physical = perGPU * (placement.first?.count ?? 0)
        let dense = [[Int]](repeating: (0..<physical).map { $0 % experts }, count: layers - placement.count)
        return dense + placement.map { $0.flatMap { $0 } }
    }
}
