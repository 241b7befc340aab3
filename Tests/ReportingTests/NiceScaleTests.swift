import Foundation
import GPUSchedTestSupport
import Testing
@testable import Reporting

@Suite struct NiceScaleTests {
    @Test func handSolvedScales() {
        // Heckbert: range 4.39 → nice 5, step nice(5/5)=1, ticks 0…5.
        #expect(NiceScale(values: [0.31, 4.7]).ticks == [0, 1, 2, 3, 4, 5])
        // 0…0.07: span 0.1, step 0.02 → 0, 0.02, …, 0.08.
        let small = NiceScale(values: [0, 0.07])
        #expect(small.labels == ["0", "0.02", "0.04", "0.06", "0.08"])
        // 3800…4200 (the MoE hops): step 100.
        #expect(NiceScale(values: [3826.1, 4119.0]).labels == ["3800", "3900", "4000", "4100", "4200"])
        // Thousands: "k" once the step is a thousand or more.
        #expect(NiceScale(values: [0, 9200]).labels == ["0", "2k", "4k", "6k", "8k", "10k"])
        // Negative to positive.
        #expect(NiceScale(values: [-2.5, 7.5]).ticks == [-4, -2, 0, 2, 4, 6, 8])
    }

    @Test func oneValueGetsARangeAroundIt() {
        let scale = NiceScale(values: [5, 5])
        #expect(scale.contains(5))
        #expect(scale.lower < 5 && scale.upper > 5)
        let zero = NiceScale(values: [0])
        #expect(zero.contains(0) && zero.upper > zero.lower)
        let empty = NiceScale(values: [.nan, .infinity])
        #expect(empty.ticks.count >= 2 && empty.lower < empty.upper)
    }

    /// Many ranges from a fixed generator: every value on the axis, labels distinct and increasing.
    @Test func ticksCoverTheDataWithDistinctIncreasingLabels() {
        var generator = SplitMix(seed: 42)
        for _ in 0..<2000 {
            let magnitude = pow(10, Double(generator.next() % 14) - 7)
            let a = (generator.unit() * 2 - 1) * magnitude
            let b = a + generator.unit() * magnitude * (generator.unit() < 0.1 ? 1e-6 : 3)
            let values = [a, b, (a + b) / 2]
            let scale = NiceScale(values: values, including: generator.unit() < 0.3 ? [0] : [])
            for value in values { #expect(scale.contains(value), "\(value) outside \(scale.ticks)") }
            #expect(zip(scale.ticks, scale.ticks.dropFirst()).allSatisfy { $0 < $1 })
            #expect(Set(scale.labels).count == scale.labels.count, "labels \(scale.labels) for \(values)")
            let parsed = scale.labels.map(Self.parse)
            #expect(zip(parsed, parsed.dropFirst()).allSatisfy { $0 < $1 }, "labels \(scale.labels) not increasing")
            #expect(scale.ticks.count <= 12)
        }
    }

    @Test func positionsMapEndsToPixels() {
        let scale = NiceScale(values: [0, 10])
        #expect(scale.position(scale.lower, from: 100, to: 300) == 100)
        #expect(scale.position(scale.upper, from: 100, to: 300) == 300)
        #expect(scale.position(5, from: 0, to: 100) == 50)
    }

    /// A tick label back to its number ("3.9k" → 3900).
    static func parse(_ label: String) -> Double {
        if label.hasSuffix("M") { return (Double(label.dropLast()) ?? .nan) * 1e6 }
        if label.hasSuffix("k") { return (Double(label.dropLast()) ?? .nan) * 1e3 }
        return Double(label) ?? .nan
    }
}
