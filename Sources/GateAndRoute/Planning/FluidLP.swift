import Solver

/// The fluid LPs of §3–5 as a `LinearModel`: bundled (eq. 40) or separate (eq. 42) pricing, with
/// the SLI variants of eqs. 43–48 as hard limits or penalties.
///
/// Variables per class i (per GPU): x_i (prefill occupancy), y_{m,i} and y_{s,i} (mixed and solo
/// decode occupancy), q_{p,i} and q_{d,i} (prefill queue and decode buffer). Constraint families:
/// `prefillCapacity`, `mixedDecodeCapacity`, `soloDecodeCapacity`, `prefillBalance`,
/// `decodeBalance`, and `sli.<indicator>`. With any SLI the decode buffers are fixed at 0 (the
/// paper's standing rule for SLIs).
///
/// The average-TPOT penalty η′·f(X) is convex in X (f(X) = N(X)/D(X) with f″ > 0 when τ > 1/γ), so
/// its epigraph t ≥ f(X) is represented by tangents at X = 0, 1/64, …, 1: exact at those points and
/// below f by less than 0.1% between them on the paper's instances.
struct FluidLP {
    let instance: GateRouteInstance
    let targets: ServiceLevelTargets

    /// Handles to the model's variables and rows.
    struct Handles {
        var x: [Variable] = []
        var mixed: [Variable] = []
        var solo: [Variable] = []
        var prefillQueue: [Variable] = []
        var decodeQueue: [Variable] = []
        /// Epigraph variables of penalised or minimised indicators.
        var indicator: [SLIKind: Variable] = [:]
        var revenue = LinearExpression()
        var penalty = LinearExpression()
        var rows: [(constraint: Constraint, expression: LinearExpression, lower: Double, upper: Double)] = []
    }

    static let tangentPoints = 64

    private static func addRow(
        _ expression: LinearExpression, _ lower: Double, _ upper: Double, _ name: String, _ family: String,
        to model: inout LinearModel, handles h: inout Handles
    ) {
        let row = model.addConstraint(LinearConstraint(expression, lower: lower, upper: upper), name: name, family: family)
        h.rows.append((row, expression, lower, upper))
    }

    func build() -> (model: LinearModel, handles: Handles) {
        let classes = instance.classes
        let rates = instance.rates
        let engine = instance.engine
        let b = Double(engine.batchSize)
        var model = LinearModel(name: "gate-route-\(instance.pricing.scheme.rawValue)")
        var h = Handles()
        let withSLI = !targets.isEmpty
        for c in classes {
            h.x.append(model.addVariable(name: "x[\(c.name)]"))
            h.mixed.append(model.addVariable(name: "ym[\(c.name)]"))
            h.solo.append(model.addVariable(name: "ys[\(c.name)]"))
            h.prefillQueue.append(model.addVariable(name: "qp[\(c.name)]"))
            h.decodeQueue.append(model.addVariable(name: "qd[\(c.name)]", upper: withSLI ? 0 : .infinity))
        }
        func add(_ expression: LinearExpression, lower: Double = -.infinity, upper: Double = .infinity, name: String, family: String) {
            Self.addRow(expression, lower, upper, name, family, to: &model, handles: &h)
        }
        let totalX = LinearExpression.sum(h.x)
        add(totalX, upper: 1, name: "prefillCapacity", family: "prefillCapacity")
        add(LinearExpression.sum(h.mixed) - (b - 1) * totalX, upper: 0, name: "mixedDecodeCapacity", family: "mixedDecodeCapacity")
        add(LinearExpression.sum(h.solo) + b * totalX, upper: b, name: "soloDecodeCapacity", family: "soloDecodeCapacity")
        for (i, c) in classes.enumerated() {
            add(rates.prefill[i] * h.x[i] + c.abandonmentRate * h.prefillQueue[i], lower: c.arrivalRate, upper: c.arrivalRate,
                name: "prefillBalance[\(c.name)]", family: "prefillBalance")
            add(rates.prefill[i] * h.x[i] - c.abandonmentRate * h.decodeQueue[i] - rates.mixedDecode[i] * h.mixed[i]
                    - rates.soloDecode[i] * h.solo[i], lower: 0, upper: 0,
                name: "decodeBalance[\(c.name)]", family: "decodeBalance")
        }
        // Revenue per GPU per second.
        let pricing = instance.pricing
        for (i, c) in classes.enumerated() {
            let decodeRate = rates.mixedDecode[i] * h.mixed[i] + rates.soloDecode[i] * h.solo[i]
            switch pricing.scheme {
            case .bundled:
                h.revenue += pricing.bundledRevenue(of: c) * decodeRate
            case .separate:
                h.revenue += pricing.prefillPrice * c.promptTokens * rates.prefill[i] * h.x[i]
                h.revenue += pricing.decodePrice * c.decodeTokens * decodeRate
            }
        }
        let x = h.x, solo = h.solo
        addFairness(.prefillFairness, targets.prefillFairness, over: x, classes: classes, model: &model, handles: &h)
        addFairness(.decodeFairness, targets.decodeFairness, over: solo, classes: classes, model: &model, handles: &h)
        addAverageTPOT(totalX: totalX, model: &model, handles: &h)
        model.maximize(h.revenue - h.penalty)
        return (model, h)
    }

    private func addFairness(
        _ kind: SLIKind, _ requirement: SLIRequirement?, over variables: [Variable], classes: [GateRouteClass],
        model: inout LinearModel, handles h: inout Handles
    ) {
        func add(_ e: LinearExpression, _ lower: Double, _ upper: Double, _ name: String, _ family: String) {
            Self.addRow(e, lower, upper, name, family, to: &model, handles: &h)
        }
        guard let requirement else { return }
        let pairs = classes.indices.flatMap { i in classes.indices.filter { $0 != i }.map { (i, $0) } }
        switch requirement {
        case let .limit(limit):
            for (i, j) in pairs {
                add(variables[i] - variables[j], -.infinity, limit, "\(kind.family)[\(classes[i].name),\(classes[j].name)]", kind.family)
            }
        case let .penalty(weight):
            let epigraph = model.addVariable(name: "max_\(kind.rawValue)")
            h.indicator[kind] = epigraph
            for (i, j) in pairs {
                add(variables[i] - variables[j] - epigraph, -.infinity, 0,
                    "\(kind.family)[\(classes[i].name),\(classes[j].name)]", kind.family)
            }
            h.penalty.add(epigraph, coefficient: weight)
        }
    }

    private func addAverageTPOT(
        totalX: LinearExpression, model: inout LinearModel, handles h: inout Handles
    ) {
        func add(_ e: LinearExpression, _ lower: Double, _ upper: Double, _ name: String, _ family: String) {
            Self.addRow(e, lower, upper, name, family, to: &model, handles: &h)
        }
        guard let requirement = targets.averageTPOT else { return }
        let engine = instance.engine
        let b = Double(engine.batchSize)
        let slope = engine.mixedIterationSeconds * (b - 1) - b / engine.gamma   // numerator: slope·X + B/γ
        switch requirement {
        case let .limit(limit):
            // [slope·X + B/γ] ≤ η·[B − X]  ⇔  (slope + η)·X ≤ ηB − B/γ
            add((slope + limit) * totalX, -.infinity, limit * b - b / engine.gamma, SLIKind.averageTPOT.family, SLIKind.averageTPOT.family)
        case let .penalty(weight):
            let epigraph = model.addVariable(name: "averageTPOT", lower: 0)
            h.indicator[.averageTPOT] = epigraph
            for k in 0...Self.tangentPoints {
                let point = Double(k) / Double(Self.tangentPoints)
                let value = engine.averageTPOT(mixedFraction: point)
                let derivative = (slope * (b - point) + (slope * point + b / engine.gamma)) / ((b - point) * (b - point))
                // t ≥ f(p) + f′(p)(X − p)
                add(epigraph - derivative * totalX, value - derivative * point, .infinity,
                    "\(SLIKind.averageTPOT.family).tangent[\(k)]", SLIKind.averageTPOT.family)
            }
            h.penalty.add(epigraph, coefficient: weight)
        }
    }
}
