import Foundation
import GateAndRoute
import ServingModel

/// Reads the `gateAndRoute:` block of a serve config's pool, and imports a `plan gate-route --json`
/// output. Problems go to the node's diagnostics with their key paths.
///
/// ```yaml
/// pools:
///   - model: qwen3-8b
///     policy: gate-and-route
///     gateAndRoute:
///       plan: plan-gate-route.json       # targets x_i*, q_{p,i}* by class name (optional)
///       classHeader: x-gpusched-class    # default
///       classes:                         # in the plan's order; targets here when there is no plan
///         - {name: code, maxPromptTokens: 1000}
///         - {name: summarize}
///       prefillSlots: 1                  # prefills a backend runs at once (default 1)
///       maxStreams: 16                   # the paper's B per backend (default: the engine's limit)
///       zeroTarget: never                # never | last: classes with x_i* = 0
///       prefillLimit: {staffing: 0}      # at most ⌈m + κ√m⌉ backends prefill at once (default: no cap)
///       staleHoldSeconds: 120
///     backends: [http://127.0.0.1:9001, http://127.0.0.1:9002]
/// ```
/// ```swift
/// let settings = GateRouteSettingsReader.read(pool["gateAndRoute"]!, baseDirectory: "/etc/gpusched")
/// try diagnostics.throwIfAny()
/// ```
public enum GateRouteSettingsReader {
    static let keys = [
        "plan", "classHeader", "classes", "prefillSlots", "maxStreams", "zeroTarget", "prefillLimit", "staleHoldSeconds",
    ]
    static let classKeys = ["name", "maxPromptTokens", "occupancyTarget", "queueTarget"]
    /// The most classes a pool may have.
    public static let maxClasses = 64
    /// The most prefills or streams per backend a config may set.
    public static let maxPerBackend = 100_000
    /// The longest class bound on prompt tokens (the simulator's largest request).
    public static let maxPromptTokens = 10_000_000

    /// The settings of one `gateAndRoute:` block, or nil after reporting every problem.
    public static func read(_ node: ConfigNode, baseDirectory: String) -> GateRouteSettings? {
        let problemsBefore = node.diagnostics.issues.count
        guard let object = node.object(allowedKeys: keys) else { return nil }
        var valid = true
        var planned: [GateRouteClassSettings]?
        if let planNode = object["plan"] {
            if let relative = planNode.string() {
                let path = relative.hasPrefix("/") ? relative : (baseDirectory as NSString).appendingPathComponent(relative)
                do {
                    planned = try GateRoutePlanImport.classes(planFile: path)
                } catch let error as ScenarioError {
                    planNode.report("cannot import the plan \(relative): " + error.issues.map(\.description).joined(separator: "; "))
                    valid = false
                } catch {
                    planNode.report("cannot import the plan \(relative): \(error)")
                    valid = false
                }
            } else {
                valid = false
            }
        }
        let classes = readClasses(object, planned: planned, planFailed: !valid)
        let header = object["classHeader"].map { node -> String? in
            guard let text = node.string() else { return nil }
            guard text.utf8.allSatisfy(isTokenCharacter) else {
                node.report("must be an HTTP header name (letters, digits and !#$%&'*+-.^_`|~), got '\(text)'")
                return nil
            }
            return text.lowercased()
        }
        let slots = object["prefillSlots"].map { $0.integer(min: 1, max: maxPerBackend) }
        let streams = object["maxStreams"].map { $0.integer(min: 1, max: maxPerBackend) }
        let zeroTarget = object["zeroTarget"].map { node in
            node.choice(ZeroTargetAdmission.allCases.map(\.rawValue)).flatMap(ZeroTargetAdmission.init(rawValue:))
        }
        let limit = object["prefillLimit"].map(readLimit)
        let stale = object["staleHoldSeconds"].map { $0.number(.positive, max: 86_400) }
        if let slots, let streams, let s = slots, let b = streams, s > b {
            object.report(key: "prefillSlots", "must be <= maxStreams (\(b)), got \(s)")
            valid = false
        }
        for value in [header.map { $0 == nil }, slots.map { $0 == nil }, streams.map { $0 == nil },
                      zeroTarget.map { $0 == nil }, limit.map { $0 == nil }, stale.map { $0 == nil }] where value == true {
            valid = false
        }
        guard valid, let classes, node.diagnostics.issues.count == problemsBefore else { return nil }
        return GateRouteSettings(
            classes: classes, classHeader: (header ?? nil) ?? "x-gpusched-class", prefillSlots: (slots ?? nil) ?? 1,
            maxStreams: streams ?? nil, zeroTarget: (zeroTarget ?? nil) ?? .never, prefillLimit: limit ?? nil,
            staleHoldSeconds: (stale ?? nil) ?? 120)
    }

    /// The classes: from `classes:` (with targets unless a plan gives them), matched by name to the
    /// plan's when both are given.
    private static func readClasses(_ object: ConfigObject, planned: [GateRouteClassSettings]?, planFailed: Bool) -> [GateRouteClassSettings]? {
        guard let listNode = object["classes"] else {
            if let planned { return planned }
            if !planFailed { object.report(key: "classes", "missing required key (or give plan:)") }
            return nil
        }
        guard let items = listNode.list(nonEmpty: true) else { return nil }
        guard items.count <= maxClasses else {
            listNode.report("must have at most \(maxClasses) classes, got \(items.count)")
            return nil
        }
        var classes: [GateRouteClassSettings] = []
        var valid = true
        for item in items {
            guard let entry = item.object(allowedKeys: classKeys), let name = entry.require("name")?.string() else {
                valid = false
                continue
            }
            if classes.contains(where: { $0.name == name }) {
                entry.report(key: "name", "duplicate class '\(name)'")
                valid = false
            }
            let maxPrompt = entry["maxPromptTokens"].map { $0.integer(min: 1, max: maxPromptTokens) }
            var occupancy = entry["occupancyTarget"].map { $0.number(.nonNegative, max: 1) }
            var queue = entry["queueTarget"].map { $0.number(.nonNegative, max: 1e9) }
            if let planned {
                if let match = planned.first(where: { $0.name == name }) {
                    if occupancy == nil { occupancy = match.occupancyTarget }
                    if queue == nil { queue = match.queueTarget }
                } else {
                    entry.report(key: "name", "class '\(name)' is not in the plan; the plan's classes: "
                        + planned.map(\.name).joined(separator: ", "))
                    valid = false
                }
            } else if occupancy == nil, !planFailed {
                entry.report(key: "occupancyTarget", "missing required key (or give the pool's gateAndRoute.plan)")
                valid = false
            }
            guard let occupancyValue = occupancy ?? nil, (maxPrompt ?? 0) != nil, (queue ?? 0) != nil else {
                valid = false
                continue
            }
            classes.append(GateRouteClassSettings(
                name: name, maxPromptTokens: maxPrompt ?? nil, occupancyTarget: occupancyValue, queueTarget: (queue ?? nil) ?? 0))
        }
        if valid, let planned, classes.count != planned.count {
            listNode.report("must list every class of the plan (\(planned.map(\.name).joined(separator: ", "))), got \(classes.count)")
            valid = false
        }
        var previous = 0
        for (k, settingsClass) in classes.enumerated() {
            guard let bound = settingsClass.maxPromptTokens else { continue }
            if bound <= previous {
                listNode.report("[\(k)].maxPromptTokens must grow along the classes: \(bound) after \(previous)")
                valid = false
            }
            previous = bound
        }
        if valid, !classes.contains(where: \.hasTarget) {
            listNode.report("no class has an occupancyTarget above 0: the gate would admit nothing")
            valid = false
        }
        return valid ? classes : nil
    }

    private static func readLimit(_ node: ConfigNode) -> GateRoutePrefillLimit? {
        guard let object = node.object(allowedKeys: ["staffing"]) else { return nil }
        guard let staffing = object["staffing"].map({ $0.number(.nonNegative, max: 100) }) ?? 0 else { return nil }
        return GateRoutePrefillLimit(staffing: staffing)
    }

    /// RFC 9110 token characters.
    private static func isTokenCharacter(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"): true
        default: Array("!#$%&'*+-.^_`|~".utf8).contains(byte)
        }
    }
}
