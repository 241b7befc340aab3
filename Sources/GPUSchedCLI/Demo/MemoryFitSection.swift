import Deployment
import ServingModel

/// Demo section: for every catalog model and GPU, the smallest single-node tensor-parallel layout
/// (`SmallestLayout`: TP 1, 2, 4 or 8; PP 1) whose weights fit, and the KV-cache tokens one replica
/// then holds.
struct MemoryFitSection {
    var cells: [SmallestLayout] = []

    init(catalog: Catalog) {
        for model in catalog.models {
            for gpu in catalog.gpus {
                cells.append(SmallestLayout(model: model, gpu: gpu))
            }
        }
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
