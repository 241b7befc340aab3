/// The typed input of `GateRoutePlanner`: the instance (classes, engine, pricing, n) and the
/// service-level targets of the LP.
/// ```
/// let problem = GateRouteProblem(try GateRouteScenario.read(envelope, baseDirectory: "."))
/// ```
public struct GateRouteProblem: Sendable {
    public var instance: GateRouteInstance
    public var targets: ServiceLevelTargets

    public init(instance: GateRouteInstance, targets: ServiceLevelTargets = ServiceLevelTargets()) {
        self.instance = instance
        self.targets = targets
    }

    /// The problem a `kind: gate-route` scenario states.
    public init(_ scenario: GateRouteScenario) {
        self.init(instance: scenario.instance, targets: scenario.targets)
    }
}
