/// Checks a placement read back from a file (`plan moe --json`) before it is exported: the shape
/// the plan's model and cluster imply, and every expert id.
public enum ExpertPlanCheck {
    /// Throws a `PlacementError` naming the first problem: `placement[l][g]` must have `moeLayers`
    /// layers of `gpus` GPUs, at most `slotsPerGPU` experts per GPU, ids in 0..<`experts`, and every
    /// logical expert at least once per layer.
    public static func check(
        placement: [[[Int]]], moeLayers: Int, experts: Int, gpus: Int, slotsPerGPU: Int
    ) throws(PlacementError) {
        guard placement.count == moeLayers else {
            throw PlacementError("the placement has \(placement.count) MoE layers; the model has \(moeLayers)")
        }
        for (l, layer) in placement.enumerated() {
            guard layer.count == gpus else { throw PlacementError("layer \(l) places experts on \(layer.count) GPUs; the cluster has \(gpus)") }
            var present = [Bool](repeating: false, count: experts)
            for (g, list) in layer.enumerated() {
                guard list.count <= slotsPerGPU else {
                    throw PlacementError("layer \(l), GPU \(g) holds \(list.count) experts in \(slotsPerGPU) slots")
                }
                if let bad = list.first(where: { !(0..<experts).contains($0) }) {
                    throw PlacementError("layer \(l), GPU \(g) holds expert \(bad); expert ids run from 0 to \(experts - 1)")
                }
                for e in list { present[e] = true }
            }
            if let missing = present.firstIndex(of: false) {
                throw PlacementError("layer \(l) places no replica of expert \(missing); every expert must be on some GPU")
            }
        }
    }
}
