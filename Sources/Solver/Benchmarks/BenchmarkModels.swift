/// Seeded generators of standard benchmark models for the solver layer: generalised assignment
/// MILPs (Chu–Beasley types C and D) and transportation LPs.
///
/// They back `gpusched bench solver` and the solver tests; the same seed gives the same model.
public enum BenchmarkModels {
    /// Chu–Beasley instance families for the generalised assignment problem.
    public enum AssignmentType: String, Sendable, CaseIterable {
        /// Weights U[5,25], costs U[10,50]: solvable to optimality at moderate size.
        case c
        /// Correlated: weights U[1,100], cost = 111 − weight + U[−10,10]; hard for branch and bound.
        case d
    }

    /// Generalised assignment: each of `items` items goes to exactly one of `bins` bins, bin capacity
    /// 0.8·Σweight/bins (tight), minimise total cost. Families: "assignment" (item rows) and "capacity".
    public static func generalizedAssignment(
        items: Int, bins: Int, type: AssignmentType = .c, seed: UInt64 = 1
    ) -> LinearModel {
        var random = SplitMix64(seed: seed)
        var weight = [[Double]](repeating: [], count: bins)
        var cost = [[Double]](repeating: [], count: bins)
        for b in 0..<bins {
            for _ in 0..<items {
                switch type {
                case .c:
                    weight[b].append(Double(random.integer(in: 5...25)))
                    cost[b].append(Double(random.integer(in: 10...50)))
                case .d:
                    let w = Double(random.integer(in: 1...100))
                    weight[b].append(w)
                    cost[b].append(111 - w + Double(random.integer(in: -10...10)))
                }
            }
        }
        var model = LinearModel(name: "gap-\(type.rawValue)-\(items)x\(bins)")
        let assign = (0..<bins).map { _ in model.addVariables(count: items, kind: .binary) }
        var objective = LinearExpression()
        objective.reserveCapacity(items * bins)
        for b in 0..<bins {
            for i in 0..<items { objective.add(assign[b][i], coefficient: cost[b][i]) }
        }
        model.minimize(objective)
        for i in 0..<items {
            model.addConstraint(LinearExpression.sum((0..<bins).map { assign[$0][i] }) == 1, family: "assignment")
        }
        for b in 0..<bins {
            let capacity = 0.8 * weight[b].reduce(0, +) / Double(bins)
            let load = LinearExpression.sum((0..<items).map { (assign[b][$0], weight[b][$0]) })
            model.addConstraint(load <= capacity, family: "capacity")
        }
        return model
    }

    /// Transportation LP: `sources × sinks` shipments with costs U[1,100], supply 1.05 × demand in total,
    /// minimise cost. Families: "supply" and "demand".
    public static func transportation(sources: Int, sinks: Int, seed: UInt64 = 1) -> LinearModel {
        var random = SplitMix64(seed: seed)
        let demand = (0..<sinks).map { _ in Double(random.integer(in: 10...100)) }
        let totalSupply = 1.05 * demand.reduce(0, +)
        let supply = [Double](repeating: totalSupply / Double(sources), count: sources)
        var model = LinearModel(name: "transportation-\(sources)x\(sinks)")
        let ship = (0..<sources).map { _ in model.addVariables(count: sinks) }
        var objective = LinearExpression()
        objective.reserveCapacity(sources * sinks)
        for s in 0..<sources {
            for t in 0..<sinks { objective.add(ship[s][t], coefficient: Double(random.integer(in: 1...100))) }
        }
        model.minimize(objective)
        for s in 0..<sources {
            model.addConstraint(LinearExpression.sum(ship[s]) <= supply[s], family: "supply")
        }
        for t in 0..<sinks {
            model.addConstraint(LinearExpression.sum((0..<sources).map { ship[$0][t] }) >= demand[t], family: "demand")
        }
        return model
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
