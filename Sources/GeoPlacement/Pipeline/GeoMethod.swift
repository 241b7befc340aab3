/// A method a `kind: geo` scenario lists under `methods`; also the name of each method's simulated
/// evaluation (`simulate geo` runs every listed method but the MILP).
public enum GeoMethod: String, Sendable, Hashable, Codable, CaseIterable {
    /// The paper's proposed method: CG-BP's placement, WS-RR's routing.
    case cgbpWSRR = "cg-bp+ws-rr"
    /// PETALS' join placement and its min-latency router.
    case petals
    /// The exact block-placement and routing MILP (small instances; in a simulation, its placement
    /// served by WS-RR).
    case milp
}

/// How a plan's blocks were placed: the name of a `plan geo` placement.
public enum GeoPlacementMethod: String, Sendable, Hashable, Codable, CaseIterable {
    /// CG-BP, the conservative greedy block placement (the plan).
    case cgbp = "cg-bp"
    /// PETALS' join placement (a baseline).
    case petals
    /// The exact MILP on min(|R|, 10) requests (a baseline when the scenario lists `milp`).
    case milp

    /// The online method that serves this placement: WS-RR over CG-BP's or the MILP's placement,
    /// PETALS' router over PETALS' placement.
    public var online: GeoMethod {
        switch self {
        case .cgbp: .cgbpWSRR
        case .petals: .petals
        case .milp: .milp
        }
    }
}
