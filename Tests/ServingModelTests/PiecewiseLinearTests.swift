import Testing

@testable import ServingModel

// Interpolation rules of the measured-table model, against values computed by hand.

@Test func piecewiseLinearIsExactAtGridPointsAndLinearBetween() throws {
    let curve = try #require(PiecewiseLinear(points: [(64, 0.012), (1, 0.010), (128, 0.020)]))
    #expect(curve.xs == [1, 64, 128])
    #expect(curve(1) == 0.010)
    #expect(curve(64) == 0.012)
    #expect(curve(128) == 0.020)
    // Between 64 and 128: 0.012 + (96 − 64) × (0.020 − 0.012) / 64 = 0.016.
    #expect(abs(curve(96) - 0.016) < 1e-15)
    // Between 1 and 64: 0.010 + 31.5 × 0.002 / 63 = 0.011.
    #expect(abs(curve(32.5) - 0.011) < 1e-15)
}

@Test func piecewiseLinearClampsBelowAndExtrapolatesAbove() throws {
    let curve = try #require(PiecewiseLinear(points: [(8, 1.0), (16, 3.0), (32, 4.0)]))
    #expect(curve(0) == 1.0)
    #expect(curve(-5) == 1.0)
    // Above 32: the line through (16, 3) and (32, 4), slope 1/16: 4 + 32/16 = 6 at x = 64.
    #expect(abs(curve(64) - 6.0) < 1e-15)
    // A falling last segment is never extrapolated below the last value.
    let falling = try #require(PiecewiseLinear(points: [(1, 2.0), (2, 1.0)]))
    #expect(falling(10) == 1.0)
}

@Test func piecewiseLinearAveragesRepeatedPointsAndSums() throws {
    let curve = try #require(PiecewiseLinear(points: [(2, 1.0), (2, 3.0), (4, 6.0)]))
    #expect(curve.ys == [2.0, 6.0])
    let other = try #require(PiecewiseLinear(points: [(3, 1.0), (5, 2.0)]))
    let sum = try #require(PiecewiseLinear.sum([curve, other]))
    #expect(sum.xs == [2, 3, 4, 5])
    // At 3: 4 + 1; at 4: 6 + 1.5; at 5: 8 (extrapolated) + 2.
    let expected: [Double] = [3, 5, 7.5, 10]
    #expect(sum.ys == expected)
    #expect(PiecewiseLinear(points: []) == nil)
}

@Test func surfaceIsBilinearOnAFullGrid() throws {
    let surface = try #require(PiecewiseLinearSurface(points: [
        (1, 0, 0.01), (1, 1024, 0.02), (8, 0, 0.02), (8, 1024, 0.06),
    ]))
    #expect(surface(1, 0) == 0.01)
    #expect(surface(8, 1024) == 0.06)
    // u = 4.5 is halfway between 1 and 8; v = 512 halfway: lines give 0.015 and 0.04, so 0.0275.
    #expect(abs(surface(4.5, 512) - 0.0275) < 1e-15)
    // Below the first line: that line; above the last: extrapolated in u (slope per u at v = 0 is 0.01/7).
    #expect(surface(0.5, 1024) == 0.02)
    #expect(abs(surface(15, 0) - (0.02 + 7 * 0.01 / 7)) < 1e-15)
}
