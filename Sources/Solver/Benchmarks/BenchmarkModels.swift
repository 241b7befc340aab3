/// Seeded generators of standard benchmark instances for the solver layer: generalised assignment
/// MILPs (Chu–Beasley types C and D) and transportation LPs.
///
/// Data generation and model building are separate steps so that benchmarks can time the
/// modelling layer alone. They back `gpusched bench solver` and the solver tests; the same seed
/// gives the same instance.
public enum BenchmarkModels {
    /// Chu–Beasley instance families for the generalised assignment problem.
    public enum AssignmentType: String, Sendable, CaseIterable {
        /// Weights U[5,25], costs U[10,50]: solvable to optimality at moderate size.
        case c
        /// Correlated: weights U[1,100], cost = 111 − weight + U[−10,10]; hard for branch and bound.
        case d
    }

    /// Data of a generalised assignment instance: each item goes to exactly one bin, bin capacity
    /// 0.8·Σweight/bins (tight), minimise total cost.
    public struct AssignmentInstance: Sendable {
        /// `cost[bin][item]`.
        public var cost: [[Double]]
        /// `weight[bin][item]`.
        public var weight: [[Double]]
        /// Capacity of each bin.
        public var capacity: [Double]

        /// Seeded Chu–Beasley data.
        public init(items: Int, bins: Int, type: AssignmentType, seed: UInt64) {
            var random = SplitMix64(seed: seed)
            weight = []
            cost = []
            for _ in 0..<bins {
                var weights: [Double] = []
                var costs: [Double] = []
                for _ in 0..<items {
                    switch type {
                    case .c:
                        weights.append(Double(random.integer(in: 5...25)))
                        costs.append(Double(random.integer(in: 10...50)))
                    case .d:
                        let w = Double(random.integer(in: 1...100))
                        weights.append(w)
                        costs.append(111 - w + Double(random.integer(in: -10...10)))
                    }
                }
                weight.append(weights)
                cost.append(costs)
            }
            capacity = weight.map { 0.8 * $0.reduce(0, +) / Double(bins) }
        }

        /// The MILP. Families: "assignment" (one bin per item) and "capacity".
        public func model() -> LinearModel {
            let bins = cost.count
            let items = cost.first?.count ?? 0
            var model = LinearModel(name: "gap-\(items)x\(bins)")
            model.reserveCapacity(variables: items * bins, constraints: items + bins, terms: 2 * items * bins)
            let assign = (0..<bins).map { _ in model.addVariables(count: items, kind: .binary) }
            var objective = LinearExpression()
            objective.reserveCapacity(items * bins)
            for b in 0..<bins {
                for i in 0..<items { objective.add(assign[b][i], coefficient: cost[b][i]) }
            }
            model.minimize(objective)
            for i in 0..<items {
                var row = LinearExpression()
                row.reserveCapacity(bins)
                for b in 0..<bins { row.add(assign[b][i]) }
                model.addConstraint(row == 1, family: "assignment")
            }
            for b in 0..<bins {
                var load = LinearExpression()
                load.reserveCapacity(items)
                for i in 0..<items { load.add(assign[b][i], coefficient: weight[b][i]) }
                model.addConstraint(load <= capacity[b], family: "capacity")
            }
            return model
        }
    }

    /// Data of a transportation instance: costs U[1,100], total supply 1.05 × total demand.
    public struct TransportationInstance: Sendable {
        /// `cost[source][sink]`.
        public var cost: [[Double]]
        /// Supply of each source.
        public var supply: [Double]
        /// Demand of each sink.
        public var demand: [Double]

        /// Seeded data.
        public init(sources: Int, sinks: Int, seed: UInt64) {
            var random = SplitMix64(seed: seed)
            demand = (0..<sinks).map { _ in Double(random.integer(in: 10...100)) }
            supply = [Double](repeating: 1.05 * demand.reduce(0, +) / Double(sources), count: sources)
            cost = (0..<sources).map { _ in (0..<sinks).map { _ in Double(random.integer(in: 1...100)) } }
        }

        /// The LP: minimise shipping cost. Families: "supply" and "demand".
        public func model() -> LinearModel {
            let sources = supply.count
            let sinks = demand.count
            var model = LinearModel(name: "transportation-\(sources)x\(sinks)")
            model.reserveCapacity(variables: sources * sinks, constraints: sources + sinks, terms: 2 * sources * sinks)
            let ship = (0..<sources).map { _ in model.addVariables(count: sinks) }
            var objective = LinearExpression()
            objective.reserveCapacity(sources * sinks)
            for s in 0..<sources {
                for t in 0..<sinks { objective.add(ship[s][t], coefficient: cost[s][t]) }
            }
            model.minimize(objective)
            for s in 0..<sources {
                model.addConstraint(LinearExpression.sum(ship[s]) <= supply[s], family: "supply")
            }
            for t in 0..<sinks {
                var row = LinearExpression()
                row.reserveCapacity(sources)
                for s in 0..<sources { row.add(ship[s][t]) }
                model.addConstraint(row >= demand[t], family: "demand")
            }
            return model
        }
    }

    /// A seeded generalised assignment MILP (data and model in one step).
    public static func generalizedAssignment(
        items: Int, bins: Int, type: AssignmentType = .c, seed: UInt64 = 1
    ) -> LinearModel {
        AssignmentInstance(items: items, bins: bins, type: type, seed: seed).model()
    }

    /// A seeded transportation LP (data and model in one step).
    public static func transportation(sources: Int, sinks: Int, seed: UInt64 = 1) -> LinearModel {
        TransportationInstance(sources: sources, sinks: sinks, seed: seed).model()
    }
}

/// SplitMix64: a tiny, fast, seedable generator (Steele, Lea & Flood 2014), enough for instance data.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func integer(in range: ClosedRange<Int>) -> Int {
        Int.random(in: range, using: &self)
    }
}
