import Planning
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
/// (the sink is reached at block L + 1), `range`, `mccormick`, `cuts`, `symmetry`. Size
/// O(|R|·|V_s|·(|V_c| + |V_s|)): small instances only.
///
/// Beyond the paper's model, four things that keep the optimum but help the solver:
/// - m_j's upper bound m̄_j is also ⌊M_j/s_m⌋, and the McCormick rows use it;
/// - valid inequalities (family `cuts`) the McCormick relaxation misses: a request's hops run L
///   blocks in all (Σ k = L), a used hop runs between 1 and m̄_j blocks (f ≤ k ≤ m̄_j·f), and a path's
///   servers can hold L blocks (Σ m̄_j·f ≥ L);
/// - interchangeable servers (same site and parameters) are ordered by a_j;
/// - CG-BP for |R| = the MILP's requests, each routed by shortest path, is the starting incumbent.
/// Without the cuts the 9-server, 10-request clustered instance keeps a gap above 5,000 % after 120 s.
public enum GeoMILP {
    /// What the MILP returns.
    public struct Result: Sendable {
        /// The solve: its status, and its objective and best bound as mean per-token times (seconds,
        /// the MILP's objective divided by |R|·l); `wallSeconds` covers building the model, the warm
        /// start and the solve.
        public var solve: SolveSummary
        public var placement: BlockPlacement
        /// Each request's path: servers in order with the blocks each runs.
        public var routes: [[GeoHop]]
        /// CG-BP (|R| = the MILP's requests) with each request on its shortest path: mean per-token
        /// time, seconds (nil when CG-BP finds no placement with every server holding a block).
        public var heuristicPerTokenSeconds: Double?

        /// Mean per-token time over the requests, seconds (nil without an incumbent).
        public var meanPerTokenSeconds: Double? { solve.objective }

        /// (CG-BP + shortest path − MILP) / MILP: how far the heuristic is above the MILP's value.
        public var cgbpGapToMilp: Double? {
            guard let heuristic = heuristicPerTokenSeconds, let value = meanPerTokenSeconds else { return nil }
            return (heuristic - value) / value
        }
    }

    /// Most requests the planner gives the MILP (min(|R|, 10)).
    public static let maxRequests = 10
    /// Memory per nonzero of the model as built here and copied into the solver (an upper estimate).
    public static let bytesPerNonzero = 200.0
    /// Largest ratio between coefficients of one memory row the solver is trusted with.
    public static let maxCoefficientRatio = 1e9

    /// Rows and nonzeros of the MILP for `servers` servers and `requests` requests, estimated before
    /// building it: per request |V_s|² + |V_s| links, each with up to four McCormick products (four
    /// rows, ten nonzeros each) and its cut and order rows.
    public static func size(servers: Int, requests: Int) -> (rows: Double, nonzeros: Double) {
        let links = Double(requests) * (Double(servers) * Double(servers) + Double(servers))
        return (20 * links, 80 * links)
    }

    /// Why the MILP of `instance` cannot be trusted to the solver (nil when it can): a memory row
    /// s_m m_j + s_c Σ k ≤ M_j whose coefficients differ by more than `maxCoefficientRatio`.
    public static func numericalProblem(_ instance: GeoInstance) -> String? {
        let block = instance.model.blockBytes, slot = instance.model.cacheSlotBytes
        let ratio = max(block, slot) / min(block, slot)
        guard !(ratio <= maxCoefficientRatio) else { return nil }
        return "the MILP is numerically hopeless: its memory rows mix blockBytes (\(String(format: "%.3g", block)) B) and one "
            + "request's cache cacheBytesPerToken × (promptTokens + outputTokens) (\(String(format: "%.3g", slot)) B), "
            + "a ratio of \(String(format: "%.2g", ratio)), above \(String(format: "%.0g", maxCoefficientRatio)); check those model fields"
    }

    /// Builds and solves the MILP for requests issued by `requestClients` (a client index per request)
    /// with `solver`. Throws `PlanningError.badInput` for a time limit that is not a finite positive
    /// number, a model the solver cannot handle numerically (`numericalProblem`), or an infeasible MILP.
    /// ```
    /// let result = try GeoMILP.solve(instance: instance, requestClients: [0, 0], solver: context.solver)
    /// result.solve.status; result.meanPerTokenSeconds; result.cgbpGapToMilp
    /// ```
    public static func solve(
        instance: GeoInstance, requestClients: [Int], timeLimit: Double = 60, solver: any LinearSolver = HighsSolver()
    ) throws(PlanningError) -> Result {
        guard timeLimit.isFinite, timeLimit > 0 else {
            throw .badInput("the MILP's time limit must be a finite number of seconds > 0, got \(timeLimit)")
        }
        if let problem = numericalProblem(instance) { throw .badInput(problem) }
        let watch = Stopwatch()
        let servers = instance.servers.count
        let L = Double(instance.model.blocks)
        let bigM = L + 1
        let l = Double(instance.model.outputTokens)
        var model = LinearModel(name: "geo-bprr")
        let a = (0..<servers).map { model.addVariable(name: "a[\(instance.servers[$0].name)]", lower: 1, upper: L, kind: .integer) }
        let mUpper = (0..<servers).map { j in
            let server = instance.servers[j]
            let fit = (server.memoryBytes / instance.model.blockBytes).rounded(.down)
            return max(1, min(L, Double(server.maxBlocks ?? instance.model.blocks), fit))
        }
        let m = (0..<servers).map {
            model.addVariable(name: "m[\(instance.servers[$0].name)]", lower: 1, upper: mUpper[$0], kind: .integer)
        }
        for j in 0..<servers {
            model.addConstraint(a[j] + m[j] <= L + 1, name: "range[\(j)]", family: "range")
        }
        for group in interchangeableGroups(instance) {
            for (j, k) in zip(group, group.dropFirst()) {
                model.addConstraint(a[j] - a[k] <= 0, name: "symmetry[\(j),\(k)]", family: "symmetry")
            }
        }
        var products: [(w: Variable, f: Variable, x: Variable)] = []
        var objective = LinearExpression()
        var cacheUse = [LinearExpression](repeating: LinearExpression(), count: servers)
        var linkVariables: [[(from: Int?, to: Int?, f: Variable)]] = []
        for (r, client) in requestClients.enumerated() {
            var links: [(from: Int?, to: Int?, f: Variable)] = []
            var pathBlocks = LinearExpression()
            var pathCapacity = LinearExpression()
            // Blocks run at j on link (i, j): (a_j + m_j) − end_i, with end_i = a_i + m_i, or 1 from the client.
            func addLink(from i: Int?, to j: Int?) {
                let f = model.addVariable(name: "f[\(r)][\(i.map(String.init) ?? "src")->\(j.map(String.init) ?? "dst")]", kind: .binary)
                links.append((i, j, f))
                // Products with the bounds of a (1..L) and m (1..L).
                func product(_ x: Variable, _ tag: String, upper: Double) -> Variable {
                    let w = model.addVariable(name: "\(tag)[\(r)][\(i ?? -1)->\(j ?? -1)]", lower: 0, upper: upper)
                    model.addConstraint(w - upper * f <= 0, family: "mccormick")
                    model.addConstraint(w - 1 * f >= 0, family: "mccormick")
                    model.addConstraint(w - x + 1 * (1 - f) <= 0, family: "mccormick")       // w ≤ x − lo(1 − f)
                    model.addConstraint(w - x + upper * (1 - f) >= 0, family: "mccormick")   // w ≥ x − hi(1 − f)
                    products.append((w, f, x))
                    return w
                }
                // end_i·f as an expression: client end = 1.
                var endFrom = LinearExpression()
                var endFromFree = LinearExpression()  // a_i + m_i without f (for Lemma 1)
                if let i {
                    endFrom = product(a[i], "beta", upper: L) + product(m[i], "delta", upper: mUpper[i])
                    endFromFree = a[i] + m[i]
                } else {
                    endFrom = f.expression
                    endFromFree = LinearExpression(constant: 1)
                }
                if let j {
                    let alpha = product(a[j], "alpha", upper: L)
                    let gamma = product(m[j], "gamma", upper: mUpper[j])
                    let blocks = alpha + gamma - endFrom   // k·f
                    objective += l * instance.perTokenRTT(client: client, server: j) * f
                    objective += l * instance.servers[j].decodeSecondsPerBlock * blocks
                    cacheUse[j] += blocks
                    pathBlocks += blocks
                    pathCapacity += mUpper[j] * f
                    model.addConstraint(blocks - mUpper[j] * f <= 0, family: "cuts")
                    model.addConstraint(blocks - f >= 0, family: "cuts")
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
            // Valid inequalities: a path's hops run L blocks in all, on servers that can hold L.
            model.addConstraint(pathBlocks == L, family: "cuts")
            model.addConstraint(pathCapacity >= L, family: "cuts")
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
        let start = warmStart(instance: instance, requestClients: requestClients)
        var initial: [Double]?
        if let start {
            var values = [Double](repeating: 0, count: model.variableCount)
            for j in 0..<servers {
                guard let range = start.placement.ranges[j] else { continue }
                values[a[j].index] = Double(range.firstBlock + 1)
                values[m[j].index] = Double(range.blockCount)
            }
            for (r, links) in linkVariables.enumerated() {
                let used = Set(zip([nil] + start.routes[r].map(\.server), start.routes[r].map(\.server) + [nil]).map { "\($0.0 ?? -1)>\($0.1 ?? -1)" })
                for link in links where used.contains("\(link.from ?? -1)>\(link.to ?? -1)") { values[link.f.index] = 1 }
            }
            for product in products { values[product.w.index] = values[product.f.index] * values[product.x.index] }
            initial = values
        }
        let result: SolveResult
        do {
            result = try solver.solve(model, options: SolveOptions(timeLimit: timeLimit, relativeGap: 1e-6, initialSolution: initial))
        } catch {
            throw planningError(error)
        }
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
                    guard let server = next.to, let range = placement.ranges[server] else { break }
                    path.append(GeoHop(server: server, blocks: range.endBlock - end))
                    end = range.endBlock
                    current = server
                }
                routes.append(path)
            }
        } else if result.status == .infeasible {
            let diagnosis: String
            do {
                diagnosis = "\(try solver.diagnoseInfeasibility(of: model))"
            } catch {
                throw planningError(error)
            }
            throw .badInput("the MILP is infeasible: \(diagnosis)")
        }
        var solve = SolveSummary(result, wallSeconds: watch.seconds)
        solve.objective = result.objectiveValue.map { $0 / perTokenScale }
        solve.bestBound = result.bestBound.map { $0 / perTokenScale }
        return Result(solve: solve, placement: placement, routes: routes, heuristicPerTokenSeconds: start?.perTokenSeconds)
    }

    /// A solver failure as the planning error it is: a backend failure on this model is bad input
    /// (its numbers are too far apart), as are an invalid model or option; anything else is GPUSched's.
    static func planningError(_ error: any Error) -> PlanningError {
        if let error = error as? PlanningError { return error }
        switch error as? SolverError {
        case .backendFailure?:
            return .badInput("the MILP could not be solved (\(error)); the model's numbers may be too far apart for the solver "
                + "(blockBytes, cacheBytesPerToken, memoryBytes, the times)")
        case .invalidModel?, .invalidOption?:
            return .badInput("the MILP could not be solved: \(error)")
        default:
            return .failure("the MILP could not be solved: \(error)")
        }
    }

    /// Groups (two or more, ascending) of servers that differ only in name: any solution stays
    /// feasible and equally good when two of them swap roles, so ordering them by a_j loses nothing.
    static func interchangeableGroups(_ instance: GeoInstance) -> [[Int]] {
        var groups: [GeoServer: [Int]] = [:]
        for (j, server) in instance.servers.enumerated() {
            var key = server
            key.name = ""
            groups[key, default: []].append(j)
        }
        return groups.values.filter { $0.count > 1 }.sorted { $0[0] < $1[0] }
    }

    /// CG-BP for |R| = the requests, each routed on its shortest path, with interchangeable servers
    /// relabelled so that their starts ascend (nil when some server would hold no block, which the
    /// MILP forbids, or CG-BP fails). Every server holds s_j ≥ |R| sessions on all of its blocks, so
    /// the routes fit in memory together.
    static func warmStart(instance: GeoInstance, requestClients: [Int]) -> (placement: BlockPlacement, routes: [[GeoHop]], perTokenSeconds: Double)? {
        guard let plan = try? CGBP.place(instance: instance, plannedRequests: requestClients.count),
              plan.placement.ranges.allSatisfy({ $0 != nil }) else { return nil }
        var relabel = Array(instance.servers.indices)
        var placement = plan.placement
        for group in interchangeableGroups(instance) {
            let start = { (j: Int) in plan.placement.ranges[j]?.firstBlock ?? 0 }
            let byStart = group.sorted { (start($0), $0) < (start($1), $1) }
            for (slot, old) in zip(group, byStart) {
                relabel[old] = slot
                placement.ranges[slot] = plan.placement.ranges[old]
            }
        }
        var routes: [[GeoHop]] = []
        var total = 0.0
        for client in requestClients {
            guard let path = CGBPRouting.route(instance: instance, placement: plan.placement, client: client) else { return nil }
            routes.append(path.hops.map { GeoHop(server: relabel[$0.server], blocks: $0.blocks) })
            total += instance.perTokenSeconds(client: client, hops: path.hops)
        }
        return (placement, routes, total / Double(max(requestClients.count, 1)))
    }
}
