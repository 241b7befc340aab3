import ServingModel

/// Demo section: for every catalog model and GPU, the smallest single-node tensor-parallel layout
/// (TP 1, 2, 4 or 8; PP 1) whose weights fit, and the KV-cache tokens one replica then holds.
struct MemoryFitSection {
    struct Cell: Encodable {
        var model: String
        var gpu: String
        /// Smallest TP that fits, nil when even TP8 on one node does not.
        var tensorParallel: Int?
        var kvCapacityTokens: Int?
    }

    static let tensorParallelDegrees = [1, 2, 4, 8]

    var cells: [Cell] = []

    init(catalog: Catalog) {
        for model in catalog.models {
            for gpu in catalog.gpus {
                cells.append(Self.smallestFit(model: model, gpu: gpu))
            }
        }
    }

    static func smallestFit(model: ModelSpec, gpu: GPUSpec) -> Cell {
        for tp in tensorParallelDegrees {
            let layout = ParallelLayout(tensorParallel: tp)
            guard layout.shapeProblem(for: model) == nil else { continue }
            let fit = MemoryFit(model: model, gpu: gpu, layout: layout)
            if fit.fits {
                return Cell(model: model.name, gpu: gpu.name, tensorParallel: tp, kvCapacityTokens: fit.kvCapacityTokens)
            }
        }
        return Cell(model: model.name, gpu: gpu.name, tensorParallel: nil, kvCapacityTokens: nil)
    }

    func render(catalog: Catalog) -> String {
        var table = TextTable(["model"] + catalog.gpus.map(\.name))
        for model in catalog.models {
            let row = catalog.gpus.map { gpu -> String in
                guard let cell = cells.first(where: { $0.model == model.name && $0.gpu == gpu.name }),
                      let tp = cell.tensorParallel, let tokens = cell.kvCapacityTokens else { return "-" }
                return "TP\(tp) \(Self.compact(tokens))"
            }
            table.add([model.name] + row)
        }
        return table.render()
    }

    /// 1234567 → "1.2M", 45600 → "46k".
    static func compact(_ tokens: Int) -> String {
        if tokens >= 1_000_000 { return Format.fixed(Double(tokens) / 1e6, 1) + "M" }
        if tokens >= 1_000 { return Format.fixed(Double(tokens) / 1e3, 0) + "k" }
        return "\(tokens)"
    }
}
