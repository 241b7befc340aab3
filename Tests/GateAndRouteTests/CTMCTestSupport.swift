import Foundation
import Planning
import Testing
@testable import GateAndRoute

/// Plans and small instances for the CTMC tests.
enum CTMCFixtures {
    /// The bundled reference optimum of the convergence instance (research notes §4.2):
    /// R* = 297.70, x* = (0.01826, 0.19495), q_p* = (0.3173, 0), y_m = (0, 3.198), y_s = (10.303, 2.286).
    static let convergencePlan = GateRoutePlan(
        revenuePerGPU: 297.70,
        classes: [
            ClassPlan(
                name: "code", prefillOccupancy: 0.01826, mixedDecodeOccupancy: 0, soloDecodeOccupancy: 10.303,
                prefillQueue: 0.3173, decodeQueue: 0),
            ClassPlan(
                name: "summarize", prefillOccupancy: 0.19495, mixedDecodeOccupancy: 3.198, soloDecodeOccupancy: 2.286,
                prefillQueue: 0, decodeQueue: 0),
        ],
        mixedFraction: 0.01826 + 0.19495)

    /// One class on an engine with τ = α + βC = 0.5 s and the given rates, realised through eq. (4):
    /// μ_p = C/(Pτ) with C = 1, μ_m = 1/(Dτ), μ_s = γ/D.
    static func singleClass(
        batchSize: Int, lambda: Double, muP: Double, muM: Double, muS: Double, theta: Double
    ) -> GateRouteInstance {
        let tau = 0.5
        let decodeTokens = 1 / (muM * tau)
        let engine = GateRouteEngine(batchSize: batchSize, chunkSize: 1, alpha: 0.25, beta: 0.25, gamma: muS * decodeTokens)
        let single = GateRouteClass(
            name: "only", promptTokens: 1 / (muP * tau), decodeTokens: decodeTokens, arrivalRate: lambda,
            abandonmentRate: theta)
        return GateRouteInstance(
            classes: [single], engine: engine, pricing: Pricing(scheme: .bundled, prefillPrice: 0, decodePrice: 1),
            gpus: 1)
    }

    /// A one-class plan whose whole fleet is mixed (M = n).
    static let allMixedPlan = GateRoutePlan(
        revenuePerGPU: 1,
        classes: [
            ClassPlan(
                name: "only", prefillOccupancy: 1, mixedDecodeOccupancy: 1, soloDecodeOccupancy: 0, prefillQueue: 0,
                decodeQueue: 0)
        ],
        mixedFraction: 1)

    /// As `allMixedPlan`, but the LP rations the class (q_p* > 0), so decode back-pressure applies.
    static let rationedAllMixedPlan: GateRoutePlan = {
        var plan = allMixedPlan
        plan.classes[0].prefillQueue = 0.5
        return plan
    }()

    /// Each simulated quantity (one value per seed) must contain the exact value in its 99.9% interval
    /// and lie within 2% of it.
    static func expectExact(_ checks: [(name: String, exact: Double, simulated: [Double])]) {
        for (name, exact, simulated) in checks {
            let (mean, halfWidth) = interval(simulated)
            #expect(abs(mean - exact) <= halfWidth, "\(name): simulated \(mean) ± \(halfWidth), exact \(exact)")
            #expect(abs(mean - exact) <= 0.02 * exact, "\(name): simulated \(mean), exact \(exact)")
        }
    }

    /// Mean and half-width of a Student-t 99.9% interval over seeds (t tables for small samples).
    static func interval(_ values: [Double]) -> (mean: Double, halfWidth: Double) {
        let statistic = Estimate(values)
        let t999: [Int: Double] = [3: 12.92, 4: 8.61, 5: 6.87, 6: 5.96, 7: 5.41, 8: 5.04, 9: 4.78, 10: 4.59]
        let t = t999[values.count] ?? 4.0
        return (statistic.mean, t * statistic.std / Double(values.count).squareRoot())
    }
}

/// The stationary law of the one-GPU, B = 2, one-class CTMC under gate-and-route with M = n = 1,
/// written directly from the model (independently of the simulator) and solved exactly.
///
/// The GPU reserves its prefill slot, so it holds one decode. State (q, x, y, d): jobs waiting for
/// prefill, prefill running, decode running, jobs in the decode buffer; x = 0 forces q = 0 (the gate
/// never idles) and y = 0 forces d = 0 (the router is work-conserving). Transitions: arrival λ; prefill
/// completion μ_p (the job takes the decode slot or joins the buffer; the prefill slot takes the next
/// waiting job); decode completion at μ_m while x = 1 and μ_s while x = 0 (the buffer head takes the
/// slot); abandonment θq and θd. Queues are truncated at `cap` (the tail is negligible when θ is large).
///
/// With `backPressure` (the class is rationed and `RationedAdmission.whenDecodeIdle` is on) the gate
/// admits only while the decode buffer is empty, checked when the slot frees (before the finished
/// job is routed); an idle slot with jobs waiting (x = 0, q > 0, d > 0 only) admits once d reaches 0.
struct TwoSlotChain {
    let lambda, muP, muM, muS, theta: Double
    let cap: Int
    var backPressure = false

    struct State: Hashable {
        var q, x, y, d: Int
    }

    var states: [State] {
        var result: [State] = []
        for x in 0...1 {
            for q in 0...(x == 1 || backPressure ? cap : 0) {
                for y in 0...1 {
                    for d in 0...(y == 1 ? cap : 0) where x == 1 || q == 0 || d > 0 {
                        result.append(State(q: q, x: x, y: y, d: d))
                    }
                }
            }
        }
        return result
    }

    /// An idle prefill slot with jobs waiting admits the head once the buffer has drained.
    private func admittingIfDrained(_ s: State) -> State {
        guard backPressure, s.x == 0, s.q > 0, s.d == 0 else { return s }
        return State(q: s.q - 1, x: 1, y: s.y, d: s.d)
    }

    func transitions(from s: State) -> [(State, Double)] {
        var out: [(State, Double)] = []
        // Arrival.
        if s.x == 0, s.d == 0 || !backPressure {
            out.append((State(q: 0, x: 1, y: s.y, d: s.d), lambda))
        } else if s.q < cap {
            out.append((State(q: s.q + 1, x: s.x, y: s.y, d: s.d), lambda))
        }
        // Prefill completion.
        if s.x == 1 {
            var next = s
            if s.y == 0 { next.y = 1 } else { next.d = min(s.d + 1, cap) }
            if s.q > 0, s.d == 0 || !backPressure { next.q -= 1 } else { next.x = 0 }
            out.append((next, muP))
        }
        // Decode completion.
        if s.y == 1 {
            var next = s
            if s.d > 0 { next.d -= 1 } else { next.y = 0 }
            out.append((admittingIfDrained(next), s.x == 1 ? muM : muS))
        }
        if s.q > 0 { out.append((State(q: s.q - 1, x: s.x, y: s.y, d: s.d), theta * Double(s.q))) }
        if s.d > 0 { out.append((admittingIfDrained(State(q: s.q, x: s.x, y: s.y, d: s.d - 1)), theta * Double(s.d))) }
        return out
    }

    /// π with πQ = 0, Σπ = 1, by Gaussian elimination with partial pivoting.
    func stationary() throws -> [State: Double] {
        let all = states
        let index = Dictionary(uniqueKeysWithValues: all.enumerated().map { ($1, $0) })
        let size = all.count
        // Rows are balance equations (columns of Q); the last one becomes Σπ = 1.
        var matrix = [[Double]](repeating: [Double](repeating: 0, count: size + 1), count: size)
        for (from, s) in all.enumerated() {
            for (target, rate) in transitions(from: s) where target != s {
                let to = try #require(index[target])
                matrix[to][from] += rate
                matrix[from][from] -= rate
            }
        }
        matrix[size - 1] = [Double](repeating: 1, count: size + 1)
        for column in 0..<size {
            let pivot = try #require((column..<size).max { abs(matrix[$0][column]) < abs(matrix[$1][column]) })
            matrix.swapAt(column, pivot)
            let p = matrix[column][column]
            for row in 0..<size where row != column && matrix[row][column] != 0 {
                let factor = matrix[row][column] / p
                for k in column...size { matrix[row][k] -= factor * matrix[column][k] }
            }
        }
        var result: [State: Double] = [:]
        for (i, s) in all.enumerated() { result[s] = matrix[i][size] / matrix[i][i] }
        return result
    }
}
