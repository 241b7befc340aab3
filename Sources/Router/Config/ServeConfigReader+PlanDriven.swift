import ServingModel

// The plan-driven parts of a serve config: a pool's `gateAndRoute` block and the `cascades` list.
// Their readers belong with the plan-driven settings (PlanDrivenSettings.swift): when they land,
// these two functions call them (`GateRouteSettingsReader.read(_:)`, the cascades' reader) and
// nothing else in the config reader changes.
extension ServeConfigReader {
    /// The gate-and-route settings of a pool whose policy is `gate-and-route`.
    static func readGateAndRoute(_ pool: ConfigObject, policyNode: ConfigNode?) -> GateRouteSettings? {
        policyNode?.report("gate-and-route cannot be configured in a serve file by this build (its settings reader is not part of it); "
            + "expected one of: " + policyNames.filter { $0 != "gate-and-route" }.joined(separator: ", "))
        return nil
    }

    /// The cascades of the config.
    static func readCascades(_ node: ConfigNode) -> [CascadeConfig]? {
        node.report("cascades cannot be configured in a serve file by this build (the cascade reader is not part of it)")
        return nil
    }
}
