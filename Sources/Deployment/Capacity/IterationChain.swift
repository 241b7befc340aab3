import Foundation
import ServingModel

/// The iteration-level Markov chain of one replica under vLLM V1's rule (decodes first, then
/// prefill tokens up to the token budget), at a fixed number of decoding streams.
///
/// Prompt work is counted in units of `unit` tokens (a whole mean prompt, or one budget-sized
/// chunk of it when the prompt exceeds the budget); an iteration takes up to `perIteration` units
/// from the backlog, lasts T(a) by the roofline, and the prompts arriving meanwhile (Poisson,
/// rate x) add `unitsPerPrompt` units each. The stationary distribution over the backlog at an
/// iteration's start gives the iteration-time mean and spread (what TPOT sees) and, with the
/// iteration a request arrives in, its wait for the budget (what TTFT sees).
struct IterationChain {
    /// Backlog (units) at an iteration's start, its probability, the units taken and the seconds.
    struct State {
        var backlog: Int
        var probability: Double
        var taken: Int
        var seconds: Double
    }

    var states: [State]
    /// Seconds of an iteration taking 0 … `perIteration` units.
    var iterationSeconds: [Double]
    var unit: Double
    var unitsPerPrompt: Int
    var perIteration: Int
    /// Iteration-average seconds and their standard deviation.
    var meanSeconds: Double
    var sdSeconds: Double
    /// Probability mass at the backlog cap: the chain is unstable when it is not negligible.
    var overflow: Double

    /// Most backlog states kept (the chain is declared unstable when mass piles up at the cap).
    static let maximumBacklog = 400

    /// Builds and solves the chain. `iteration(a)` is the seconds of an iteration carrying `a`
    /// units of prefill (0: decode only).
    init(rate x: Double, meanPrompt: Double, budget: Double, iteration: (Int) -> Double) {
        let budget = max(1, budget)
        let unit = min(meanPrompt, budget)
        let unitsPerPrompt = max(1, Int((meanPrompt / unit).rounded(.up)))
        let perIteration = max(1, Int((budget / unit).rounded(.down)))
        self.unit = unit
        self.unitsPerPrompt = unitsPerPrompt
        self.perIteration = perIteration
        let cap = min(Self.maximumBacklog, max(8 * perIteration + 8 * unitsPerPrompt, 40))
        var seconds = [Double](repeating: 0, count: perIteration + 1)
        for a in 0...perIteration { seconds[a] = iteration(a) }
        iterationSeconds = seconds
        // Transition from backlog q: take a = min(q, m); arrivals A ~ Poisson(x T(a)); q' = q − a + k A.
        let poisson: [[Double]] = seconds.map { Self.poisson(mean: x * $0, upTo: cap / unitsPerPrompt + 1) }
        let distribution = Self.stationary(states: cap + 1, fall: perIteration) { q, add in
            if q == 0, seconds[0] <= 0 {
                // Idle (no decodes, no backlog): the next iteration starts with the next prompt.
                add(min(cap, unitsPerPrompt), 1)
                return
            }
            let a = min(q, perIteration)
            var remaining = 1.0
            for (arrivals, p) in poisson[a].enumerated() {
                let target = q - a + arrivals * unitsPerPrompt
                if target >= cap { break }
                add(target, p)
                remaining -= p
            }
            add(cap, max(0, remaining))
        }
        overflow = distribution[cap]
        states = distribution.indices.compactMap { q in
            distribution[q] > 1e-12
                ? State(backlog: q, probability: distribution[q], taken: min(q, perIteration), seconds: seconds[min(q, perIteration)])
                : nil
        }
        // Iteration averages (an idle spell is not an iteration).
        let busy = states.filter { $0.seconds > 0 }
        let busyMass = max(1e-300, busy.reduce(0) { $0 + $1.probability })
        let mean = busy.reduce(0) { $0 + $1.probability * $1.seconds } / busyMass
        let square = busy.reduce(0) { $0 + $1.probability * $1.seconds * $1.seconds } / busyMass
        meanSeconds = mean
        sdSeconds = (max(0, square - mean * mean)).squareRoot()
    }

    /// The stationary distribution of a chain on 0..<states given row by row (`row(q, add)` calls
    /// `add(target, probability)`), whose steps fall by at most `fall` states (target ≥ q − fall):
    /// πP = π with Σπ = 1, solved directly as the dense linear system (Pᵀ − I)π = 0 with the last
    /// equation replaced by the normalisation. Pᵀ − I then has `fall` superdiagonals and its
    /// columns are weakly diagonally dominant, so Gaussian elimination needs no pivoting and each
    /// pivot row reaches only `fall` columns right of the diagonal: O(n² · fall), not O(n³).
    static func stationary(states n: Int, fall: Int, row: (Int, (Int, Double) -> Void) -> Void) -> [Double] {
        // a[i][j] = P[j][i] − δij, stored row-major.
        var a = [Double](repeating: 0, count: n * n)
        for q in 0..<n {
            row(q) { target, p in a[target * n + q] += p }
            a[q * n + q] -= 1
        }
        var b = [Double](repeating: 0, count: n)
        for j in 0..<n { a[(n - 1) * n + j] = 1 }
        b[n - 1] = 1
        let band = max(1, fall)
        for column in 0..<n {
            let diagonal = a[column * n + column]
            guard abs(diagonal) > 1e-300 else { continue }
            let last = min(n - 1, column + band)
            for r in (column + 1)..<n {
                let factor = a[r * n + column] / diagonal
                guard factor != 0 else { continue }
                a[r * n + column] = 0
                if column < last {
                    for j in (column + 1)...last { a[r * n + j] -= factor * a[column * n + j] }
                }
                b[r] -= factor * b[column]
            }
        }
        var pi = [Double](repeating: 0, count: n)
        for r in stride(from: n - 1, through: 0, by: -1) {
            var total = b[r]
            let last = min(n - 1, r + band)
            if r < last {
                for j in (r + 1)...last { total -= a[r * n + j] * pi[j] }
            }
            let diagonal = a[r * n + r]
            pi[r] = abs(diagonal) > 1e-300 ? total / diagonal : 0
        }
        // Round-off can leave tiny negatives; clip and renormalise.
        let clipped = pi.map { max(0, $0) }
        let sum = clipped.reduce(0, +)
        return sum > 0 ? clipped.map { $0 / sum } : clipped
    }

    /// Poisson probabilities P(0) … P(n) (stops once the tail is negligible).
    static func poisson(mean: Double, upTo n: Int) -> [Double] {
        var out: [Double] = [exp(-mean)]
        var term = out[0]
        var total = term
        var k = 1
        while k <= n {
            term *= mean / Double(k)
            out.append(term)
            total += term
            if total > 1 - 1e-12, Double(k) > mean { break }
            k += 1
        }
        return out
    }

    /// TTFT samples with weights for a request of `promptUnits` units: it arrives in state s
    /// (time-weighted) at a fraction u of the iteration, waits the rest of it, then the iterations
    /// that clear the backlog ahead of it and its own units.
    func ttftSamples(promptUnits: Int, rate x: Double, residualSteps: Int = 8) -> [(seconds: Double, weight: Double)] {
        // An idle spell lasts 1/x on average; a request arriving in one starts its own iteration.
        func spell(_ state: State) -> Double { state.seconds > 0 ? state.seconds : 1 / max(x, 1e-12) }
        let totalTime = states.reduce(0) { $0 + $1.probability * spell($1) }
        guard totalTime > 0 else { return [] }
        let full = iterationSeconds[perIteration]
        var samples: [(seconds: Double, weight: Double)] = []
        for state in states {
            let weight = state.probability * spell(state) / totalTime
            if state.seconds <= 0 {
                samples.append((fractionalIteration(units: Double(promptUnits), full: full), weight))
                continue
            }
            for step in 0..<residualSteps {
                let u = (Double(step) + 0.5) / Double(residualSteps)
                let ahead = Double(state.backlog - state.taken) + Double(unitsPerPrompt) * x * state.seconds * u
                let units = ahead + Double(promptUnits)
                let iterations = max(1, Int((units / Double(perIteration)).rounded(.up)))
                let last = units - Double(iterations - 1) * Double(perIteration)
                let lastSeconds = fractionalIteration(units: last, full: full)
                let seconds = (1 - u) * state.seconds + Double(iterations - 1) * full + lastSeconds
                samples.append((seconds, weight / Double(residualSteps)))
            }
        }
        return samples
    }

    /// Seconds of an iteration carrying `units` units (interpolated between whole units).
    private func fractionalIteration(units: Double, full: Double) -> Double {
        if units >= Double(perIteration) { return full }
        let low = max(0, min(perIteration, Int(units.rounded(.down))))
        let high = max(0, min(perIteration, low + 1))
        let lowSeconds = iterationSeconds[low]
        let highSeconds = iterationSeconds[high]
        let fraction = min(1, max(0, units - Double(low)))
        return lowSeconds + (highSeconds - lowSeconds) * fraction
    }
}

/// The q-quantile of weighted samples (0 when there are none).
func weightedQuantile(_ samples: [(seconds: Double, weight: Double)], _ q: Double) -> Double {
    let sorted = samples.sorted { $0.seconds < $1.seconds }
    let total = sorted.reduce(0) { $0 + $1.weight }
    guard total > 0 else { return 0 }
    var running = 0.0
    for sample in sorted {
        running += sample.weight
        if running >= q * total { return sample.seconds }
    }
    return sorted.last?.seconds ?? 0
}
