/// The SVG elements charts are drawn with; coordinates written by `NumberText.coordinate`.
/// ```
/// SVG.line(x1: 0, y1: 0, x2: 10, y2: 0, class: "axis")
/// ```
enum SVG {
    static func root(width: Double, height: Double, label: String, _ children: [MarkupNode]) -> MarkupNode {
        .element(
            "svg",
            [
                "xmlns": "http://www.w3.org/2000/svg", "class": "chart", "role": "img",
                "viewBox": "0 0 \(NumberText.coordinate(width)) \(NumberText.coordinate(height))",
                "width": NumberText.coordinate(width), "height": NumberText.coordinate(height),
                "aria-label": label,
            ],
            [.element("title", [:], [.text(label)])] + children)
    }

    static func group(class name: String, _ children: [MarkupNode]) -> MarkupNode {
        .element("g", ["class": name], children)
    }

    static func line(x1: Double, y1: Double, x2: Double, y2: Double, class name: String) -> MarkupNode {
        .element("line", [
            "x1": NumberText.coordinate(x1), "y1": NumberText.coordinate(y1),
            "x2": NumberText.coordinate(x2), "y2": NumberText.coordinate(y2), "class": name,
        ])
    }

    static func rect(x: Double, y: Double, width: Double, height: Double, class name: String, fill: String? = nil, tooltip: String? = nil) -> MarkupNode {
        var attributes = [
            MarkupAttribute(name: "x", value: NumberText.coordinate(x)), MarkupAttribute(name: "y", value: NumberText.coordinate(y)),
            MarkupAttribute(name: "width", value: NumberText.coordinate(max(0, width))),
            MarkupAttribute(name: "height", value: NumberText.coordinate(max(0, height))),
            MarkupAttribute(name: "class", value: name),
        ]
        if let fill { attributes.append(MarkupAttribute(name: "fill", value: fill)) }
        return .element("rect", attributes: attributes, tooltip.map { [.element("title", [:], [.text($0)])] } ?? [])
    }

    static func circle(x: Double, y: Double, radius: Double, class name: String, tooltip: String? = nil) -> MarkupNode {
        .element(
            "circle",
            ["cx": NumberText.coordinate(x), "cy": NumberText.coordinate(y), "r": NumberText.coordinate(radius), "class": name],
            tooltip.map { [.element("title", [:], [.text($0)])] } ?? [])
    }

    /// A polyline through the points (an SVG path of M/L commands).
    static func path(_ points: [(Double, Double)], class name: String) -> MarkupNode {
        var data = ""
        for (index, point) in points.enumerated() {
            data += index == 0 ? "M" : " L"
            data += NumberText.coordinate(point.0) + " " + NumberText.coordinate(point.1)
        }
        return .element("path", ["d": data, "class": name])
    }

    /// A closed polygon (for confidence bands).
    static func polygon(_ points: [(Double, Double)], class name: String) -> MarkupNode {
        let data = points.map { NumberText.coordinate($0.0) + "," + NumberText.coordinate($0.1) }.joined(separator: " ")
        return .element("polygon", ["points": data, "class": name])
    }

    enum Anchor: String { case start, middle, end }

    static func text(_ content: String, x: Double, y: Double, anchor: Anchor = .start, class name: String, rotate: Bool = false) -> MarkupNode {
        var attributes = [
            MarkupAttribute(name: "x", value: NumberText.coordinate(x)), MarkupAttribute(name: "y", value: NumberText.coordinate(y)),
            MarkupAttribute(name: "text-anchor", value: anchor.rawValue), MarkupAttribute(name: "class", value: name),
        ]
        if rotate {
            attributes.append(MarkupAttribute(
                name: "transform", value: "rotate(-90 \(NumberText.coordinate(x)) \(NumberText.coordinate(y)))"))
        }
        return .element("text", attributes: attributes, [.text(content)])
    }
}
