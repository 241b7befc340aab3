import Solver

/// The exact block-placement and request-routing MILP of the paper (`BPRR_MILP_general.m`).
///
/// Graph: each request's source client → servers (complete) → its sink copy of the client. Per
/// server j, integers a_j ∈ [1, L] (first block, 1-based) and m_j ∈ [1, L] with a_j + m_j ≤ L + 1;
/// per request r and link (i, j), a binary f^r_ij and McCormick products α = f·a_j, β = f·a_i,
/// γ = f·m_j, δ = f·m_i (big-M L + 1), so that the blocks run on j, k = (a_j + m_j) − (a_i + m_i),
/// enter linearly. A hop from the client has a_i + m_i = 1; a hop into the sink needs
/// a_i + m_i = L + 1. Objective: Σ_r l · Σ (t_cj f + τ_j k), i.e. |R|·l × the mean per-token time
/// (no prefill term, as in the paper). Constraint families: `memory` (s_m m_j + s_c Σ k ≤ M_j),
/// `flow`, `blockOrder` (Lemma 1: a_j ≤ a_i + m_i ≤ a_j + m_j − 1 on used hops), `coverage`
/// (the sink is reached at block L + 1), `range`, `mccormick`. Size O(|R|·|V_s|·(|V_c| + |V_s|)):
/// small instances only.
public enum GeoMILP {
    /// What the MILP returns.
    public struct Result: Sendable, Codable {
        /// solve status (optimal, timeLimitFeasible, ...).
        public var status: String
        public var placement: BlockPlacement
        /// Each request's path: servers in order with the blocks each runs.
        public var routes: [[GeoHop]]
        /// Mean per-token time over the requests, seconds (objective / (|R|·l)).
        public var meanPerTokenSeconds: Double?
        /// Lower bound on the mean per-token time.
        public var bound: Double?
        public var relativeGap: Double?
        public var solveSeconds: Double
    }

    /// Builds and solves the MILP for requests issued by `requestClients` (a client index per request).
    public static func solve(
        instance: GeoInstance, requestClients: [Int], timeLimit: Double = 60, solver: some LinearSolver = HighsSolver()
    ) throws -> Result {
        let servers = instance.servers.count
        let L = Double(instance.model.blocks)
        let bigM = L + 1
        let l = Double(instance.model.outputTokens)
        var model = LinearModel(name: "geo-bprr")
        let a = (0..<servers).map { model.addVariable(name: "a[\(instance.servers[$0].name)]", lower: 1, upper: L, kind: .integer) }
        let m = (0..<servers).map { j -> Variable in
            let cap = Double(instance.servers[j].maxBlocks ?? instance.model.blocks)
            return model.addVariable(name: "m[\(instance.servers[j].name)]", lower: 1, upper: min(L, cap), kind: .integer)
        }
        for j in 0..<servers {
            model.addConstraint(a[j] + m[j] <= L + 1, name: "range[\(j)]", family: "range")
        }
        var objective = LinearExpression()
        var cacheUse = [LinearExpression](repeating: LinearExpression(), count: servers)
        var linkVariables: [[(from: Int?, to: Int?, f: Variable)]] = []
        for (r, client) in requestClients.enumerated() {
            var links: [(from: Int?, to: Int?, f: Variable)] = []
            // Blocks run at j on link (i, j): (a_j + m_j) − end_i, with end_i = a_i + m_i, or 1 from the client.
            func addLink(from i: Int?, to j: Int?) {
                let f = model.addVariable(name: "f[\(r)][\(i.map(String.init) ?? "src")->\(j.map(String.init) ?? "dst")]", kind: .binary)
                links.append((i, j, f))
                // Products with the bounds of a (1..L) and m (1..L).
                func product(_ x: Variable, _ tag: String) -> Variable {
                    let w = model.addVariable(name: "\(tag)[\(r)][\(i ?? -1)->\(j ?? -1)]", lower: 0, upper: L)
                    model.addConstraint(w - L * f <= 0, family: "mccormick")
                    model.addConstraint(w - 1 * f >= 0, family: "mccormick")
                    model.addConstraint(w - x + 1 * (1 - f) <= 0, family: "mccormick")   // w ≤ x − lo(1 − f)
                    model.addConstraint(w - x + L * (1 - f) >= 0, family: "mccormick")   // w ≥ x − hi(1 − f)
                    return w
                }
                // end_i·f as an expression: client end = 1.
                var endFrom = LinearExpression()
                var endFromFree = LinearExpression()  // a_i + m_i without f (for Lemma 1)
                if let i {
                    endFrom = product(a[i], "beta") + product(m[i], "delta")
                    endFromFree = a[i] + m[i]
                } else {
                    endFrom = f.expression
                    endFromFree = LinearExpression(constant: 1)
                }
                if let j {
                    let alpha = product(a[j], "alpha")
                    let gamma = product(m[j], "gamma")
                    let blocks = alpha + gamma - endFrom   // k·f
                    objective += l * instance.perTokenRTT(client: client, server: j) * f
                    objective += l * instance.servers[j].decodeSecondsPerBlock * blocks
                    cacheUse[j] += blocks
                    // Lemma 1 on used hops: a_j ≤ end_i ≤ a_j + m_j − 1.
                    model.addConstraint(a[j] - endFromFree + bigM * f <= bigM, family: "blockOrder")
                    model.addConstraint(endFromFree - a[j] - m[j] + bigM * f <= bigM - 1, family: "blockOrder")
                } else {
                    // Into the sink: the path must have reached block L + 1.
                    model.addConstraint(endFromFree + bigM * f <= L + 1 + bigM, family: "coverage")
                    model.addConstraint(endFromFree - bigM * f >= L + 1 - bigM, family: "coverage")
                }
            }
            for j in 0..<servers { addLink(from: nil, to: j) }
            for i in 0..<servers { for j in 0..<servers where i != j { addLink(from: i, to: j) } }
            for i in 0..<servers { addLink(from: i, to: nil) }
            // Unit flow from the source to the sink.
            model.addConstraint(LinearExpression.sum(links.filter { $0.from == nil }.map(\.f)) == 1, family: "flow")
            model.addConstraint(LinearExpression.sum(links.filter { $0.to == nil }.map(\.f)) == 1, family: "flow")
            for j in 0..<servers {
                let inflow = LinearExpression.sum(links.filter { $0.to == j }.map(\.f))
                let outflow = LinearExpression.sum(links.filter { $0.from == j }.map(\.f))
                model.addConstraint(inflow - outflow == 0, family: "flow")
            }
            linkVariables.append(links)
        }
        let model_ = instance.model
        for j in 0..<servers {
            model.addConstraint(
                model_.blockBytes * m[j] + model_.cacheSlotBytes * cacheUse[j] <= instance.servers[j].memoryBytes,
                name: "memory[\(instance.servers[j].name)]", family: "memory")
        }
        model.minimize(objective)
        let result = try solver.solve(model, options: SolveOptions(timeLimit: timeLimit, relativeGap: 1e-6))
        let perTokenScale = Double(requestClients.count) * l
        var placement = BlockPlacement(ranges: [BlockRange?](repeating: nil, count: servers))
        var routes: [[GeoHop]] = []
        if result.status.hasSolution {
            for j in 0..<servers {
                placement.ranges[j] = BlockRange(
                    firstBlock: Int(result[a[j]].rounded()) - 1, blockCount: Int(result[m[j]].rounded()))
            }
            for links in linkVariables {
                var path: [GeoHop] = []
                var current: Int? = nil
                var end = 0  // 0-based end of the blocks done so far
                for _ in 0...servers {
                    guard let next = links.first(where: { $0.from == current && result[$0.f] > 0.5 }) else { break }
                    guard let server = next.to else { break }
                    let range = placement.ranges[server]!
                    path.append(GeoHop(server: server, blocks: range.endBlock - end))
                    end = range.endBlock
                    current = server
                }
                routes.append(path)
            }
        } else if result.status == .infeasible {
            let diagnosis = try solver.diagnoseInfeasibility(of: model)
            throw GeoPlanningError("the MILP is infeasible: \(diagnosis)")
        }
        return Result(
            status: result.status.name, placement: placement, routes: routes,
            meanPerTokenSeconds: result.objectiveValue.map { $0 / perTokenScale },
            bound: result.bestBound.map { $0 / perTokenScale }, relativeGap: result.relativeGap,
            solveSeconds: result.solveSeconds)
    }
}

/// A geo planning failure (bad input, exit code 2 in the CLI).
public struct GeoPlanningError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
