import Foundation
import ServingModel
import Testing
@testable import GateAndRoute

@Suite struct CTMCStorageTests {
    /// The ziggurat exponential: Kolmogorov–Smirnov distance to Exp(1) below the 0.1% critical value,
    /// mean and variance 1, and the right mass beyond the base strip (x > r ≈ 7.7, the slow path).
    @Test func zigguratDrawsExponentials() {
        let arena = CTMCArena()
        let sampler = ZigguratExponential(arena: arena)
        var rng = SeededRandom(seed: 42)
        let count = 200_000
        var draws = (0..<count).map { _ in sampler.next(&rng) }
        draws.sort()
        var distance = 0.0
        for (k, x) in draws.enumerated() {
            let cdf = 1 - Foundation.exp(-x)
            distance = max(distance, abs(cdf - Double(k) / Double(count)), abs(cdf - Double(k + 1) / Double(count)))
        }
        #expect(distance < 1.95 / Double(count).squareRoot(), "KS distance \(distance)")
        let mean = draws.reduce(0, +) / Double(count)
        let variance = draws.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(count - 1)
        #expect(abs(mean - 1) < 4 / Double(count).squareRoot())
        #expect(abs(variance - 1) < 4 * 8.0.squareRoot() / Double(count).squareRoot())  // Var of s² is 8/N
        let tail = Double(draws.filter { $0 > ZigguratExponential.r }.count)
        let expected = Double(count) * Foundation.exp(-ZigguratExponential.r)  // ≈ 91
        #expect(abs(tail - expected) < 4 * expected.squareRoot(), "tail \(tail) vs \(expected)")
        #expect(draws.allSatisfy { $0 >= 0 && $0.isFinite })
    }

    /// An ordered line serves FCFS across classes and lets any member abandon; counts stay exact.
    @Test func orderedLineIsFCFSAcrossClassesWithAbandonment() {
        let arena = CTMCArena()
        var line = WaitingLine(classes: 3, ordered: true, arena: arena)
        // Arrivals: 0 1 2 0 1 2 ... (12 jobs), then class 1's second-oldest and class 0's oldest abandon.
        for k in 0..<12 { line.push(k % 3) }
        #expect((line.counts[0], line.counts[1], line.counts[2], line.total) == (4, 4, 4, 12))
        line.remove(1, position: 1)  // live[1] holds entries in push order until a removal: the 2nd class-1 job
        line.remove(0, position: 0)
        #expect(line.total == 10)
        var served: [Int] = []
        while line.total > 0 {
            let c = line.oldestClass()
            line.popHead(c)
            served.append(c)
        }
        // Arrival order 0a 1a 2a 0b 1b 2b 0c 1c 2c 0d 1d 2d without 1b and 0a.
        #expect(served == [1, 2, 0, 2, 0, 1, 2, 0, 1, 2])
        #expect(line.oldestClass() == -1)
        #expect((line.counts[0], line.counts[1], line.counts[2]) == (0, 0, 0))
    }

    /// Many abandonments behind a head that never leaves: the tombstones are filtered and the line
    /// still serves its live jobs in order.
    @Test func orderedLineSurvivesHeavyAbandonment() {
        let arena = CTMCArena()
        var line = WaitingLine(classes: 2, ordered: true, arena: arena)
        var rng = SeededRandom(seed: 5)
        line.push(1)  // the head
        for round in 0..<50_000 {
            line.push(round % 2)
            let c = round % 2
            // Remove a random class-c job other than the head when class c is class 1.
            let lowest = c == 1 ? 1 : 0
            if line.counts[c] > lowest {
                line.remove(c, position: lowest + Int(rng.uniform() * Double(line.counts[c] - lowest)))
            }
        }
        #expect(line.total == 1)
        #expect(line.oldestClass() == 1)
    }

    /// Index sets: insert, remove, membership and positions stay consistent.
    @Test func indexSetKeepsPositions() {
        let arena = CTMCArena()
        var set = IndexSet32(capacity: 10, arena: arena)
        for i in [3, 7, 1, 9] { set.insert(i) }
        set.insert(7)
        #expect(set.count == 4)
        set.remove(3)
        set.remove(3)
        #expect(set.count == 3)
        #expect(!set.contains(3) && set.contains(7) && set.contains(1) && set.contains(9))
        let members = Set((0..<set.count).map { set.member(at: $0) })
        #expect(members == [1, 7, 9])
        set.set(1, false)
        set.set(4, true)
        #expect(Set((0..<set.count).map { set.member(at: $0) }) == [4, 7, 9])
    }
}
