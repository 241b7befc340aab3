import Foundation
import ServingModel

/// The inputs every method shares in one comparison.
public struct GeoOnlineConfig: Sendable, Hashable, Codable {
    /// Number of requests.
    public var requests: Int
    /// λ, Poisson arrivals per second.
    public var arrivalRate: Double
    /// Seed of the arrival times and of each request's client.
    public var seed: UInt64
    /// Seconds every request additionally spends (the authors' `allocation_delay_prop` = 60 s,
    /// `allocation_delay_petals` = 250–350 s); 0 leaves it out.
    public var allocationDelay: Double

    public init(requests: Int, arrivalRate: Double, seed: UInt64, allocationDelay: Double = 0) {
        self.requests = requests
        self.arrivalRate = arrivalRate
        self.seed = seed
        self.allocationDelay = allocationDelay
    }
}

/// What one method achieved (means over completed requests; 0 when none completed).
public struct GeoOnlineResult: Sendable, Hashable, Codable {
    /// Mean of (completion − arrival)/l, seconds per output token.
    public var meanPerTokenSeconds: Double
    /// Mean time to first token: wait + initial delay + allocation delay + Σ_j(t^I_cj + k_j·τ^I_j).
    public var meanTTFT: Double
    /// Mean wait before starting.
    public var meanWait: Double
    /// Wall-clock seconds of planning (building the router) plus routing (route and release calls).
    public var runtimeSeconds: Double
    /// Requests that were routed.
    public var completed: Int
}

/// An event-driven simulation of one routing method on pre-generated arrivals.
public enum GeoOnlineSimulation {
    /// One arrival: when, and from which client.
    public struct Arrival: Sendable, Hashable, Codable {
        public var time: Double
        public var client: Int
    }

    /// Poisson arrivals from `config.seed`, clients drawn uniformly; the same for every method.
    public static func arrivals(config: GeoOnlineConfig, clients: Int) -> [Arrival] {
        var gaps = SeededRandom(seed: config.seed).substream(0)
        var picks = SeededRandom(seed: config.seed).substream(1)
        var time = 0.0
        return (0..<config.requests).map { _ in
            time += gaps.exponential(rate: config.arrivalRate)
            return Arrival(time: time, client: clients > 1 ? picks.integer(in: 0...(clients - 1)) : 0)
        }
    }

    /// Runs the router `makeRouter` builds (its planning is timed) on the arrivals of `config`,
    /// releasing each request at its completion time before any later arrival is routed.
    public static func run<Router: GeoOnlineRouter>(
        instance: GeoInstance, config: GeoOnlineConfig, makeRouter: () throws -> Router
    ) rethrows -> GeoOnlineResult {
        let arrivals = arrivals(config: config, clients: instance.clients.count)
        let clock = ContinuousClock()
        var elapsed = Duration.zero
        var router = try measure(clock, &elapsed, makeRouter)
        var pending: [GeoRouteDecision] = []
        var perToken = 0.0, ttft = 0.0, wait = 0.0
        var completed = 0
        for arrival in arrivals {
            pending.sort { ($0.completionTime, $0.ticket) < ($1.completionTime, $1.ticket) }
            while let first = pending.first, first.completionTime <= arrival.time {
                pending.removeFirst()
                measure(clock, &elapsed) { router.release(first, at: first.completionTime) }
            }
            guard let decision = measure(clock, &elapsed, {
                router.route(client: arrival.client, at: arrival.time, allocationDelay: config.allocationDelay)
            }) else { continue }
            pending.append(decision)
            completed += 1
            perToken += (decision.completionTime - arrival.time) / Double(instance.model.outputTokens)
            ttft += decision.wait + instance.timing.initialDelay + config.allocationDelay
                + instance.firstTokenSeconds(client: arrival.client, hops: decision.hops)
            wait += decision.wait
        }
        let count = Double(max(completed, 1))
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        return GeoOnlineResult(
            meanPerTokenSeconds: perToken / count, meanTTFT: ttft / count, meanWait: wait / count,
            runtimeSeconds: seconds, completed: completed)
    }

    private static func measure<T>(_ clock: ContinuousClock, _ elapsed: inout Duration, _ body: () throws -> T) rethrows -> T {
        let start = clock.now
        defer { elapsed += clock.now - start }
        return try body()
    }
}
