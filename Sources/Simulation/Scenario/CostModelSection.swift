import Foundation
import ServingModel

/// The cost keys of the `engine:` section: where per-operation times come from, which all-reduce
/// is charged, and the host overhead per iteration.
///
/// ```yaml
/// engine:
///   profile: {vidur: ../data/profiles/vidur-a100-llama3-8b}   # or {aiconfigurator: DIR}; lookup: vidur
///   allReduce: nccl          # roofline | nccl | custom (default: see AllReduceAlgorithm)
///   hostOverheadSeconds: 0   # CPU time per iteration (default 0, see HostOverheadModel)
/// ```
/// The profile's tables are read once here, for every replica group (shared storage); each group
/// builds its `MeasuredTableModel` for its own layout in `iterationModel`.
struct CostModelSection: Sendable {
    /// The measured tables, nil for the roofline or a fitted law.
    var profile: MeasuredProfile?
    /// Where problems with the profile's coverage are reported (`engine.profile.vidur` …).
    var profileNode: ConfigNode?
    var lookup: TableLookup
    var allReduce: AllReduceAlgorithm?
    var allReduceNode: ConfigNode?
    var hostOverheadSeconds: Double

    static let keys = ["profile", "allReduce", "hostOverheadSeconds"]
    /// Largest host overhead per iteration a scenario may set: 1 s.
    static let maxHostOverheadSeconds = 1.0

    /// Reads the keys from the engine object; nil after reporting.
    static func read(_ object: ConfigObject, baseDirectory: String) -> CostModelSection? {
        let overhead = object["hostOverheadSeconds"].map { $0.number(.range(0...maxHostOverheadSeconds)) } ?? 0
        let allReduceNode = object["allReduce"]
        let allReduce: AllReduceAlgorithm?? = allReduceNode.map { node in
            node.choice(AllReduceAlgorithm.allCases.map(\.rawValue)).flatMap(AllReduceAlgorithm.init(rawValue:))
        }
        var section = CostModelSection(
            profile: nil, profileNode: nil, lookup: .interpolate, allReduce: allReduce ?? nil, allReduceNode: allReduceNode,
            hostOverheadSeconds: overhead ?? 0)
        var valid = overhead != nil && !(allReduce.map { $0 == nil } ?? false)
        if let node = object["profile"] {
            if ["calibration", "alpha", "beta", "gamma"].contains(where: object.has) {
                object.report("give either profile or calibration/alpha/beta/gamma, not both")
                return nil
            }
            guard readProfile(node, baseDirectory: baseDirectory, into: &section) else { return nil }
        } else if let choice = section.allReduce, choice != .roofline, let allReduceNode {
            allReduceNode.report("'\(choice.rawValue)' needs measured tables: set engine.profile")
            valid = false
        }
        return valid ? section : nil
    }

    private static func readProfile(_ node: ConfigNode, baseDirectory: String, into section: inout CostModelSection) -> Bool {
        guard let object = node.object(allowedKeys: ["vidur", "aiconfigurator", "lookup"]) else { return false }
        let sources = ["vidur", "aiconfigurator"].filter(object.has)
        guard sources.count == 1, let source = sources.first, let sourceNode = object[source] else {
            object.report("give exactly one of vidur or aiconfigurator")
            return false
        }
        if let lookupNode = object["lookup"] {
            guard let lookup = lookupNode.choice(TableLookup.allCases.map(\.rawValue)).flatMap(TableLookup.init(rawValue:)) else {
                return false
            }
            if lookup == .vidur && source != "vidur" {
                lookupNode.report("lookup 'vidur' applies to a vidur profile only")
                return false
            }
            section.lookup = lookup
        }
        guard let relative = sourceNode.string() else { return false }
        let path = relative.hasPrefix("/") ? relative : (baseDirectory as NSString).appendingPathComponent(relative)
        do {
            section.profile = source == "vidur" ? try MeasuredProfile.vidur(directory: path) : try MeasuredProfile.aiconfigurator(directory: path)
        } catch {
            sourceNode.report(error.description)
            return false
        }
        section.profileNode = sourceNode
        return true
    }

    /// The iteration-time model of one replica group: the profile's table model for its layout, or
    /// `base` (the roofline or a fitted law); with the host overhead. Nil after reporting a layout
    /// the tables do not cover.
    func iterationModel(model: ModelSpec, gpu: GPUSpec, layout: ParallelLayout, base: any IterationTimeModel) -> (any IterationTimeModel)? {
        guard let profile else {
            guard hostOverheadSeconds > 0 else { return base }
            if let roofline = base as? RooflineModel { return HostOverheadModel(base: roofline, seconds: hostOverheadSeconds) }
            if let law = base as? FittedIterationLaw { return HostOverheadModel(base: law, seconds: hostOverheadSeconds) }
            return HostOverheadModel(base: AnyIterationTimeModel(base), seconds: hostOverheadSeconds)
        }
        do {
            return try profile.model(
                for: model, gpu: gpu, layout: layout, allReduce: allReduce, lookup: lookup, hostOverheadSeconds: hostOverheadSeconds)
        } catch {
            profileNode?.report(error.description)
            return nil
        }
    }
}

/// An existential model behind a concrete type, for `HostOverheadModel`'s generic parameter.
private struct AnyIterationTimeModel: IterationTimeModel {
    let base: any IterationTimeModel
    init(_ base: any IterationTimeModel) { self.base = base }
    func iterationSeconds(_ batch: BatchShape) -> Double { base.iterationSeconds(batch) }
}
