/// One hop of a request's path: `blocks` blocks run on `server`.
public struct GeoHop: Sendable, Hashable, Codable {
    public var server: Int
    public var blocks: Int

    public init(server: Int, blocks: Int) {
        self.server = server
        self.blocks = blocks
    }
}

/// A routing method's answer for one request.
public struct GeoRouteDecision: Sendable, Hashable, Codable {
    /// The router's handle for this request, passed back through `release`.
    public var ticket: Int
    /// The servers in block order, with the blocks each runs.
    public var hops: [GeoHop]
    /// Seconds between arrival and the moment the request may start.
    public var wait: Double
    /// When the request completes, seconds on the simulation clock.
    public var completionTime: Double

    public init(ticket: Int, hops: [GeoHop], wait: Double, completionTime: Double) {
        self.ticket = ticket
        self.hops = hops
        self.wait = wait
        self.completionTime = completionTime
    }
}

/// An online routing method (WS-RR, or a PETALS emulation) driven by `GeoOnlineSimulation`.
public protocol GeoOnlineRouter {
    /// Routes a request of `client` arriving at `time`; nil when no path can ever serve it.
    /// `allocationDelay` is a per-request constant the request also spends (and holds its cache for).
    mutating func route(client: Int, at time: Double, allocationDelay: Double) -> GeoRouteDecision?
    /// Frees what `decision` held; called at its completion time.
    mutating func release(_ decision: GeoRouteDecision, at time: Double)
}

extension GeoInstance {
    /// Prompt-phase seconds of one hop: t^I_cj + k·τ^I_j.
    public func promptSeconds(client c: Int, hop: GeoHop) -> Double {
        promptRTT(client: c, server: hop.server)
            + Double(hop.blocks) * servers[hop.server].prefillSecondsPerBlock(promptTokens: model.promptTokens)
    }

    /// Seconds a hop adds to a whole request (the prefill-aware link cost):
    /// t^I_cj + (l−1)·t_cj + (τ^I_j + (l−1)·τ_j)·k.
    public func hopSeconds(client c: Int, hop: GeoHop) -> Double {
        let decodeSteps = Double(model.outputTokens - 1)
        return promptSeconds(client: c, hop: hop)
            + decodeSteps * (perTokenRTT(client: c, server: hop.server) + Double(hop.blocks) * servers[hop.server].decodeSecondsPerBlock)
    }

    /// Hub-and-spoke time of a request on `hops` once started, without waits or initial delay:
    /// Σ_j(t^I_cj + k_j·τ^I_j) + (l−1)·Σ_j(t_cj + k_j·τ_j).
    public func serviceSeconds(client c: Int, hops: [GeoHop]) -> Double {
        hops.reduce(0) { $0 + hopSeconds(client: c, hop: $1) }
    }

    /// Per-token time of a request on `hops` without contention, Σ_j(t_cj + k_j·τ_j): the MILP's
    /// objective per request and token.
    public func perTokenSeconds(client c: Int, hops: [GeoHop]) -> Double {
        hops.reduce(0) { $0 + perTokenRTT(client: c, server: $1.server) + Double($1.blocks) * servers[$1.server].decodeSecondsPerBlock }
    }

    /// Prompt part of `serviceSeconds`: Σ_j(t^I_cj + k_j·τ^I_j).
    public func firstTokenSeconds(client c: Int, hops: [GeoHop]) -> Double {
        hops.reduce(0) { $0 + promptSeconds(client: c, hop: $1) }
    }
}

/// PETALS' retry schedule: retries after 1, 2, 4, … seconds, each step capped at 60 s.
public enum GeoOnlineBackoff {
    /// The time of the first retry at or after `wait` seconds (0 when `wait` ≤ 0).
    public static func roundUp(_ wait: Double) -> Double {
        guard wait > 0 else { return 0 }
        var retry = 1
        var elapsed = 1.0
        while elapsed < wait {
            retry += 1
            elapsed += min(Double(1 << min(retry - 1, 6)), 60)
        }
        return elapsed
    }
}
