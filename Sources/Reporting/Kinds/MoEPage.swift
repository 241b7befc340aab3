/// The report of `plan moe`: the hops-against-imbalance Pareto front of the sweep with every method
/// beside it, and a per-layer heat map of GPU load for the chosen placement against round-robin.
struct MoEPage: KindPage {
    static let kinds = ["plan-moe"]

    static func document(_ root: JSONCursor, kind: String) throws(ReportError) -> ReportDocument {
        let plan = root["plan"]
        let chosen = try plan["method"].string()
        let setting = plan["setting"]
        var facts = [ReportDocument.Fact("Kind", kind), .init("Chosen placement", chosen)]
        if let model = try setting["model"]["name"].optionalString() { facts.append(.init("Model", model)) }
        if let topology = try setting["topology"].optionalString() { facts.append(.init("Topology", topology)) }
        facts += try ReportReading.solveFacts(root["solve"])
        let evaluations = try root["evaluations"].optionalArray() ?? []
        var maps: [ReportItem] = []
        let loads = try evaluations.map { evaluation throws(ReportError) in (try evaluation["method"].string(), try layerLoad(evaluation)) }
        let shared = sharedRange(loads.compactMap { $0.1 })
        for method in [chosen, "round-robin"] {
            let values = loads.first { $0.0 == method }?.1
            maps.append(.chart(HeatMap(
                title: "GPU load by MoE layer: \(method)", rows: AxisTitle("MoE layer"), columns: AxisTitle("GPU"),
                value: AxisTitle("Load / layer mean"), rowLabels: (values ?? []).indices.map(String.init),
                columnLabels: (values?.first ?? []).indices.map(String.init), values: values ?? [], range: shared,
                emptyReason: values == nil ? "this output has no layerLoad for \(method) (an older gpusched, or the method was not evaluated)" : "no layers")))
        }
        return ReportDocument(title: "MoE expert placement report", facts: facts, sections: [
            ReportSection(title: "Hops against imbalance", items: [.chart(try front(plan, evaluations: evaluations))] + (try ReportReading.notes(root["notes"]))),
            ReportSection(title: "GPU load per layer", items: maps),
        ])
    }

    /// The sweep's front (expected hops, max/mean load) and each evaluated method's point.
    static func front(_ plan: JSONCursor, evaluations: [JSONCursor]) throws(ReportError) -> ScatterChart {
        var frontPoints: [XYPoint] = []
        for point in try plan["front"].optionalArray() ?? [] {
            guard let load = try point["maxMeanLoad"].optionalNumber() else { continue }
            let cap = try point["maxImbalance"].optionalNumber()
            frontPoints.append(XYPoint(x: try point["expectedHops"].number(), y: load, label: cap.map { "imbalance cap \(NumberText.value($0))" } ?? "no cap"))
        }
        var series = [XYSeries(name: "sweep (planning split)", points: frontPoints)]
        for evaluation in evaluations {
            guard let hops = try evaluation["expectedHops"].optionalNumber(), let load = try evaluation["maxMeanLoad"].optionalNumber() else { continue }
            let method = try evaluation["method"].string()
            series.append(XYSeries(name: "\(method) (evaluation split)", points: [XYPoint(x: hops, y: load, label: method)]))
        }
        return ScatterChart(
            title: "Expected hops against max/mean GPU load", x: AxisTitle("Expected hops per token"), y: AxisTitle("Max / mean GPU load"),
            series: series, front: frontPoints, frontName: "Pareto front of the sweep", emptyReason: "no front and no evaluations")
    }

    /// An evaluation's `layerLoad` (layers × GPUs), nil when absent.
    static func layerLoad(_ evaluation: JSONCursor) throws(ReportError) -> [[Double?]]? {
        guard let layers = try evaluation["layerLoad"].optionalArray() else { return nil }
        var rows: [[Double?]] = []
        for layer in layers {
            var row: [Double?] = []
            for gpu in try layer.array() { row.append(try gpu.optionalNumber()) }
            rows.append(row)
        }
        return rows
    }

    /// One colour scale for all maps, so the chosen placement and round-robin compare.
    static func sharedRange(_ maps: [[[Double?]]]) -> ClosedRange<Double>? {
        let values = maps.flatMap { $0.flatMap { $0.compactMap { $0 } } }.filter(\.isFinite)
        guard let low = values.min(), let high = values.max(), high > low else { return nil }
        return min(low, 0)...high
    }
}
