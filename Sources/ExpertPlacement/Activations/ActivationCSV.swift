import Foundation
import ServingModel

/// Reads routing statistics from CSV.
///
/// Columns: `layer`, `expert`, `count`, and optionally `source` (the token's GPU; without it the
/// counts are spread evenly over the GPUs) and `split` (`profile` or `evaluation`; without it the
/// same counts serve both, and `ActivationData.heldOut` is false). Indices are 0-based; repeated
/// rows add up. Tokens per split = Σ counts / (layers × top-k).
public enum ActivationCSV {
    /// Both splits, checked against the model's shape; errors name the row and the numbers.
    public static func read(path: String, layers: Int, experts: Int, sources: Int, topK: Int) throws(PlacementError) -> ActivationData {
        let table: CSVTable
        let columns: (layer: Int, expert: Int, count: Int)
        do {
            table = try CSVTable(contentsOfFile: path)
            columns = (try table.column("layer"), try table.column("expert"), try table.column("count"))
        } catch {
            throw PlacementError("\(path): \(error)")
        }
        let sourceColumn = table.header.firstIndex(of: "source")
        let splitColumn = table.header.firstIndex(of: "split")
        var perSplit = [[Double]](repeating: [Double](repeating: 0, count: layers * sources * experts), count: 2)
        for (i, row) in table.rows.enumerated() {
            let line = table.rowLines[i]
            func index(_ column: Int, _ name: String, _ limit: Int) throws(PlacementError) -> Int {
                guard let value = Int(row[column].trimmingCharacters(in: .whitespaces)), (0..<limit).contains(value) else {
                    throw PlacementError("\(path) line \(line): \(name) '\(row[column])' is not in 0..<\(limit) (the model has \(limit) \(name)s)")
                }
                return value
            }
            let l = try index(columns.layer, "layer", layers)
            let e = try index(columns.expert, "expert", experts)
            guard let count = Double(row[columns.count].trimmingCharacters(in: .whitespaces)), count.isFinite else {
                throw PlacementError("\(path) line \(line): count '\(row[columns.count])' is not a number")
            }
            guard count >= 0 else { throw PlacementError("\(path) line \(line): count \(row[columns.count]) is negative") }
            let targets: [Int]
            if let splitColumn {
                switch row[splitColumn].trimmingCharacters(in: .whitespaces) {
                case "profile": targets = [0]
                case "evaluation": targets = [1]
                default: throw PlacementError("\(path) line \(line): split '\(row[splitColumn])' must be profile or evaluation")
                }
            } else {
                targets = [0, 1]
            }
            for split in targets {
                if let sourceColumn {
                    let s = try index(sourceColumn, "source", sources)
                    perSplit[split][(l * sources + s) * experts + e] += count
                } else {
                    for s in 0..<sources { perSplit[split][(l * sources + s) * experts + e] += count / Double(sources) }
                }
            }
        }
        let splits = perSplit.map { flat -> ActivationCounts in
            var counts = ActivationCounts(
                layers: layers, sources: sources, experts: experts, tokens: flat.reduce(0, +) / Double(layers * max(topK, 1)))
            counts.counts = flat
            return counts
        }
        if splitColumn != nil, let empty = splits.firstIndex(where: { $0.tokens == 0 }) {
            throw PlacementError("\(path): the \(empty == 0 ? "profile" : "evaluation") split has no counts")
        }
        return ActivationData(profile: splits[0], evaluation: splits[1], heldOut: splitColumn != nil)
    }
}

extension ActivationCounts {
    /// The same per-(layer, expert) totals with the tokens spread evenly over the sources.
    public func spreadEvenly() -> ActivationCounts {
        ActivationCounts(uniformSources: (0..<layers).map { expertLoads(layer: $0) }, sources: sources, tokens: tokens)
    }
}
