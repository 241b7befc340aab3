/// What re-planning changes in one stage: replicas removed and added (a rolling update replaces only these).
public struct ReplanChange: Sendable, Hashable, Codable {
    /// The stage's model.
    public var model: String
    /// GPUs before and after.
    public var gpusBefore: Int
    public var gpusAfter: Int
    /// Replicas kept (same layout), removed and added.
    public var kept: Int
    public var removed: Int
    public var added: Int

    /// The per-stage changes from `old` to `new` (same models in the same order).
    public static func between(_ old: CascadePlan, _ new: CascadePlan) -> [ReplanChange] {
        zip(old.stages, new.stages).map { before, after in
            let oldCount = before.layout?.replicas ?? 0, newCount = after.layout?.replicas ?? 0
            let kept = before.layout?.layout == after.layout?.layout ? min(oldCount, newCount) : 0
            return ReplanChange(
                model: after.model, gpusBefore: before.gpus, gpusAfter: after.gpus, kept: kept, removed: oldCount - kept,
                added: newCount - kept)
        }
    }
}
