import Planning
import ServingModel

/// The inputs every method shares in one comparison.
public struct GeoOnlineConfig: Sendable, Hashable, Codable {
    /// Number of requests.
    public var requests: Int
    /// λ, Poisson arrivals per second.
    public var arrivalRate: Double
    /// Seed of the arrival times and of each request's client.
    public var seed: UInt64
    /// Seconds every request additionally spends (`GeoAllocationDelays`); 0 leaves it out.
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
    public var meanTTFTSeconds: Double
    /// Mean wait before starting.
    public var meanWaitSeconds: Double
    /// Wall-clock seconds of building the router (its planning, if it plans) plus routing (route and release calls).
    public var wallSeconds: Double
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
    public static func run<Router: GeoOnlineRouter, Failure: Error>(
        instance: GeoInstance, config: GeoOnlineConfig, makeRouter: () throws(Failure) -> Router
    ) throws(Failure) -> GeoOnlineResult {
        let arrivals = arrivals(config: config, clients: instance.clients.count)
        var (router, elapsed) = try Stopwatch.time(makeRouter)
        var pending: [GeoRouteDecision] = []
        var perToken = 0.0, ttft = 0.0, wait = 0.0
        var completed = 0
        for arrival in arrivals {
            pending.sort { ($0.completionTime, $0.ticket) < ($1.completionTime, $1.ticket) }
            while let first = pending.first, first.completionTime <= arrival.time {
                pending.removeFirst()
                elapsed += Stopwatch.time { router.release(first, at: first.completionTime) }.1
            }
            let (routed, seconds) = Stopwatch.time {
                router.route(client: arrival.client, at: arrival.time, allocationDelay: config.allocationDelay)
            }
            elapsed += seconds
            guard let decision = routed else { continue }
            pending.append(decision)
            completed += 1
            perToken += (decision.completionTime - arrival.time) / Double(instance.model.outputTokens)
            ttft += decision.wait + instance.timing.initialDelay + config.allocationDelay
                + instance.firstTokenSeconds(client: arrival.client, hops: decision.hops)
            wait += decision.wait
        }
        let count = Double(max(completed, 1))
        return GeoOnlineResult(
            meanPerTokenSeconds: perToken / count, meanTTFTSeconds: ttft / count, meanWaitSeconds: wait / count,
            wallSeconds: elapsed, completed: completed)
    }
}
