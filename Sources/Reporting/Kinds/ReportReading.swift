import Planning

/// Readers the kind reports share: a latency summary's CDF points, an `Estimate`'s mean and
/// half-width, the solve summary's facts.
/// ```
/// let series = try ReportReading.cdf(root["overall"]["ttftSeconds"], name: "overall")
/// ```
enum ReportReading {
    /// The `cdf` points of a latency summary (`{fraction, seconds}`) as a step series (x seconds,
    /// y fraction); nil when the output has none (an older gpusched, or no samples).
    static func cdf(_ summary: JSONCursor, name: String) throws(ReportError) -> XYSeries? {
        guard let points = try summary["cdf"].optionalArray(), !points.isEmpty else { return nil }
        var series: [XYPoint] = []
        for point in points {
            guard let seconds = try point["seconds"].optionalNumber() else { continue }
            series.append(XYPoint(x: seconds, y: try point["fraction"].number()))
        }
        return XYSeries(name: name, points: series)
    }

    /// An `Estimate` object's mean and 95 % half-width (nil where null).
    static func estimate(_ cursor: JSONCursor) throws(ReportError) -> (mean: Double?, halfWidth: Double?) {
        if case .number(let plain)? = cursor.value { return (plain, nil) }
        return (try cursor["mean"].optionalNumber(), try cursor["halfWidth95"].optionalNumber())
    }

    /// The facts of a `solve` summary: status, objective, gap, seconds.
    static func solveFacts(_ solve: JSONCursor) throws(ReportError) -> [ReportDocument.Fact] {
        guard solve.isPresent else { return [] }
        var facts = [ReportDocument.Fact("Solve", try solve["status"].string())]
        if let objective = try solve["objective"].optionalNumber() { facts.append(.init("Objective", NumberText.value(objective))) }
        if let gap = try solve["relativeGap"].optionalNumber() { facts.append(.init("Relative gap", NumberText.value(gap * 100) + " %")) }
        facts.append(.init("Solve time", NumberText.value(try solve["wallSeconds"].number()) + " s"))
        return facts
    }

    /// The seeds, as "1, 2, 3".
    static func seeds(_ cursor: JSONCursor) throws(ReportError) -> String {
        let seeds = try cursor.optionalArray() ?? []
        guard !seeds.isEmpty else { return "none" }
        var names: [String] = []
        for seed in seeds { names.append(NumberText.value(try seed.number())) }
        return names.joined(separator: ", ")
    }

    /// The output's notes as paragraphs.
    static func notes(_ cursor: JSONCursor) throws(ReportError) -> [ReportItem] {
        var items: [ReportItem] = []
        for note in try cursor.optionalArray() ?? [] { items.append(.note(try note.string())) }
        return items
    }

    static let missingCDF = "this output has no latency distribution (cdf), so it was made by an older gpusched"
}
