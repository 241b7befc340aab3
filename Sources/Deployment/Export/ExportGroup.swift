import Planning

/// A plan's group as the exporters see it: the group, its position, a unique Kubernetes-safe name
/// and the Hugging Face repository its engine loads.
/// ```
/// let groups = try ExportGroup.groups(of: plan, repositories: ModelRepositories())
/// print(groups[0].name)   // g1-llama-3-1-8b-aggregated-h100-80gb
/// ```
public struct ExportGroup: Sendable, Hashable {
    /// Longest name: Kubernetes object names here must be DNS-1035 labels (at most 63
    /// characters), and a LeaderWorkerSet's StatefulSets and pods add suffixes to its name.
    public static let maximumNameLength = 40

    public var group: DeploymentGroup
    /// Position in the plan, from 0.
    public var index: Int
    /// `g<index+1>-<model>-<role>-<gpu>`, lower-case letters, digits and `-`, at most 40 characters.
    public var name: String
    /// The Hugging Face repository id.
    public var repository: String

    /// True when a replica spans several pods or machines (one per pipeline stage).
    public var isMultiNode: Bool { group.pp > 1 }

    public init(group: DeploymentGroup, index: Int, repository: String) {
        self.group = group
        self.index = index
        self.repository = repository
        name = Self.name(index: index, parts: [group.model, group.role.rawValue, group.gpu])
    }

    /// Every group of `plan`, in order, its repository looked up (bad input for an unknown model).
    public static func groups(of plan: DeployPlan, repositories: ModelRepositories) throws(PlanningError) -> [ExportGroup] {
        var groups: [ExportGroup] = []
        for (index, group) in plan.groups.enumerated() {
            groups.append(ExportGroup(group: group, index: index, repository: try repositories.repository(for: group.model)))
        }
        return groups
    }

    /// A DNS-1035 label: `g<index+1>-` then the parts, each lower-cased with every run of other
    /// characters turned into one `-`, cut to `maximumNameLength` without a trailing `-`.
    static func name(index: Int, parts: [String]) -> String {
        let words = parts.map(dnsWords).filter { !$0.isEmpty }
        var name = (["g\(index + 1)"] + words).joined(separator: "-")
        if name.count > maximumNameLength { name = String(name.prefix(maximumNameLength)) }
        while name.hasSuffix("-") { name.removeLast() }
        return name
    }

    /// `text` lower-cased, runs of characters other than a–z and 0–9 turned into one `-`, trimmed.
    static func dnsWords(_ text: String) -> String {
        var out = ""
        for scalar in text.lowercased().unicodeScalars {
            if ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) {
                out.unicodeScalars.append(scalar)
            } else if !out.isEmpty, !out.hasSuffix("-") {
                out += "-"
            }
        }
        while out.hasSuffix("-") { out.removeLast() }
        return out
    }
}
