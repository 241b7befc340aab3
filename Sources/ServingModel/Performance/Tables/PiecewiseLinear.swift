/// A function of one variable given by measured points, interpolated piecewise linearly.
///
/// At a grid point it returns the measured value exactly; between two grid points, the straight
/// line through them. Outside the grid: below the first point it CLAMPS to the first value (small
/// shapes are launch-bound: a kernel never gets cheaper than its smallest measured call, and a line
/// through the first two points could go negative); above the last point it EXTRAPOLATES the line
/// through the last two points (large shapes are throughput-bound, so time keeps growing at the
/// last measured rate), never below the last value. Several values at one x are averaged.
///
/// ```swift
/// if let curve = PiecewiseLinear(points: [(1, 0.010), (64, 0.012), (128, 0.020)]) {
///     print(curve(96), curve(256))  // 0.016, 0.036 (extrapolated)
/// }
/// ```
public struct PiecewiseLinear: Sendable, Hashable {
    /// Grid abscissae, strictly increasing.
    public let xs: [Double]
    /// Values at `xs`.
    public let ys: [Double]

    /// Builds the curve from points in any order; nil for an empty list.
    public init?(points: [(x: Double, y: Double)]) {
        guard !points.isEmpty else { return nil }
        let sorted = points.sorted { $0.x < $1.x }
        var xs: [Double] = [], ys: [Double] = [], counts: [Double] = []
        for point in sorted {
            if let last = xs.last, last == point.x {
                ys[ys.count - 1] += point.y
                counts[counts.count - 1] += 1
            } else {
                xs.append(point.x)
                ys.append(point.y)
                counts.append(1)
            }
        }
        self.xs = xs
        self.ys = zip(ys, counts).map { $0 / $1 }
    }

    /// The value at `x` (see the type's documentation for points outside the grid).
    @inline(__always)
    public func callAsFunction(_ x: Double) -> Double {
        let count = xs.count
        if count == 1 || x <= xs[0] { return ys[0] }
        var high: Int
        if x >= xs[count - 1] {
            high = count - 1
        } else {
            var low = 0
            high = count - 1
            while high - low > 1 {
                let middle = (low + high) >> 1
                if xs[middle] <= x { low = middle } else { high = middle }
            }
        }
        let x0 = xs[high - 1], x1 = xs[high], y0 = ys[high - 1], y1 = ys[high]
        let value = y0 + (x - x0) * (y1 - y0) / (x1 - x0)
        return x > x1 ? Swift.max(value, y1) : value
    }

    /// The pointwise sum of `curves`, on the union of their grids (exact at every grid point of
    /// each: a sum of piecewise-linear functions is piecewise linear with the union of the breaks;
    /// beyond the last grid point of the union each term still extrapolates its own line).
    public static func sum(_ curves: [PiecewiseLinear]) -> PiecewiseLinear? {
        guard !curves.isEmpty else { return nil }
        if curves.dropFirst().allSatisfy({ $0.xs == curves[0].xs }) {
            let ys = curves.dropFirst().reduce(curves[0].ys) { total, curve in zip(total, curve.ys).map { $0 + $1 } }
            return PiecewiseLinear(points: zip(curves[0].xs, ys).map { ($0, $1) })
        }
        let grid = Set(curves.flatMap(\.xs)).sorted()
        return PiecewiseLinear(points: grid.map { x in (x, curves.reduce(0) { $0 + $1(x) }) })
    }

    /// The curve with every value multiplied by `factor`.
    public func scaled(by factor: Double) -> PiecewiseLinear {
        PiecewiseLinear(unchecked: xs, ys.map { $0 * factor })
    }

    private init(unchecked xs: [Double], _ ys: [Double]) {
        self.xs = xs
        self.ys = ys
    }
}

/// A function of two variables measured along lines of its first variable: for each measured
/// `u` (e.g. a decode batch size) a `PiecewiseLinear` in `v` (e.g. context length).
///
/// `value(u, v)` interpolates `v` along the two measured lines that bracket `u`, then linearly
/// between them in `u` (bilinear on a full grid; lines may have different `v` grids). Outside the
/// measured `u` range the same rule as `PiecewiseLinear` applies: clamp below the first line,
/// extrapolate from the last two lines above (never below the last line's value).
///
/// ```swift
/// if let decode = PiecewiseLinearSurface(points: [(1, 0, 0.01), (1, 1024, 0.02), (8, 0, 0.02), (8, 1024, 0.06)]) {
///     print(decode(4.5, 512))  // 0.0275
/// }
/// ```
public struct PiecewiseLinearSurface: Sendable, Hashable {
    /// Measured values of the first variable, increasing.
    public let us: [Double]
    /// The curve in the second variable along each of `us`.
    public let lines: [PiecewiseLinear]

    /// Builds the surface from (u, v, value) points; nil for an empty list.
    public init?(points: [(u: Double, v: Double, value: Double)]) {
        let grouped = Dictionary(grouping: points, by: \.u)
        let us = grouped.keys.sorted()
        let lines = us.compactMap { u in PiecewiseLinear(points: grouped[u, default: []].map { ($0.v, $0.value) }) }
        guard !lines.isEmpty else { return nil }
        self.us = us
        self.lines = lines
    }

    /// The value at (u, v).
    @inline(__always)
    public func callAsFunction(_ u: Double, _ v: Double) -> Double {
        let count = us.count
        if count == 1 || u <= us[0] { return lines[0](v) }
        var high = count - 1
        if u < us[count - 1] {
            var low = 0
            while high - low > 1 {
                let middle = (low + high) >> 1
                if us[middle] <= u { low = middle } else { high = middle }
            }
        }
        let u0 = us[high - 1], u1 = us[high]
        let y0 = lines[high - 1](v), y1 = lines[high](v)
        let value = y0 + (u - u0) * (y1 - y0) / (u1 - u0)
        return u > u1 ? Swift.max(value, y1) : value
    }
}
