/// Per-request allocation delays, seconds: a constant every request of a method also spends (and holds
/// its cache for) before it is served, as the paper's simulator scripts add it.
/// ```
/// let delays = scenario.allocationDelays == .none ? GeoAllocationDelays.paperScripts : scenario.allocationDelays
/// delays.delay(for: .petals)   // 300
/// ```
public struct GeoAllocationDelays: Sendable, Hashable, Codable {
    /// Seconds for the planned methods (CG-BP + WS-RR, the MILP's placement).
    public var proposed: Double
    /// Seconds for PETALS.
    public var petals: Double

    public init(proposed: Double, petals: Double) {
        self.proposed = proposed
        self.petals = petals
    }

    /// No allocation delay.
    public static let none = GeoAllocationDelays(proposed: 0, petals: 0)

    /// The delays of the paper's scripts (Sun, He, Ji & Parag, arXiv 2512.21884): 60 s per request for
    /// the proposed method (`allocation_delay_prop`) and 250–350 s for PETALS
    /// (`allocation_delay_petals`), 300 s here, the middle of that range.
    public static let paperScripts = GeoAllocationDelays(proposed: 60, petals: 300)

    /// The delay of `method`'s requests.
    public func delay(for method: GeoMethod) -> Double {
        switch method {
        case .petals: petals
        case .cgbpWSRR, .milp: proposed
        }
    }
}
