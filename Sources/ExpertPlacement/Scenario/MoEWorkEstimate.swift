import Foundation
import ServingModel

/// What a `moe-placement` scenario will cost, estimated from its sizes before the statistics are
/// generated or any placement runs, so that the reader can refuse runaway work.
///
/// For L MoE layers, E experts (P physical with replicas), G GPUs, top-k routing and T synthetic
/// tokens per split:
/// - steps: Dijkstra from every GPU, G · (vertices + links) · log₂ vertices; the placers' cost
///   tables, L · E · G² per method (two counted); drawing the statistics, 2 · L · T · k;
/// - memory: the statistics, 2 splits × L · G · E counts (8 bytes, twice with the even spread),
///   the synthetic alias tables (16 bytes per L · G · E entry), and one layer's balance MILP
///   (about 150 bytes per placement variable, P · G).
public struct MoEWorkEstimate: Sendable, Hashable {
    /// Most steps without `--allow-large` (about a minute in a release build).
    public static let maxSteps = 2e10

    public var steps: Double
    public var memoryBytes: Double

    /// The estimate for the given sizes (the topology counted as two vertices and two links per GPU).
    public init(layers: Int, experts: Int, physical: Int, gpus: Int, slots: Int, topK: Int, syntheticTokens: Int) {
        let l = Double(layers), e = Double(experts), g = Double(gpus), p = Double(max(physical, slots * gpus))
        let graph = 2 * g
        steps = g * 2 * graph * Foundation.log2(max(2, graph)) + 2 * l * e * g * g + 2 * l * Double(syntheticTokens) * Double(topK)
        let counts = l * g * e
        memoryBytes = 32 * counts + (syntheticTokens > 0 ? 16 * counts : 0) + 150 * p * g
    }

    /// Throws when the steps exceed `maxSteps` (unless `limits` allow large work) or the memory
    /// exceeds `limits`; `path` names the key the message points at.
    public func check(_ limits: WorkLimits, at path: String) throws(ScenarioError) {
        if !limits.allowLarge && steps > Self.maxSteps {
            throw ScenarioError(path: path, "placement needs about \(String(format: "%.2g", steps)) steps (cost tables of "
                + "layers × experts × GPUs², shortest paths, drawing the statistics), over the limit of "
                + "\(String(format: "%.2g", Self.maxSteps)); use fewer GPUs, layers or tokens, or --allow-large")
        }
        try limits.check(memoryBytes: memoryBytes, what: "the activation statistics and placement models", at: path)
    }
}
