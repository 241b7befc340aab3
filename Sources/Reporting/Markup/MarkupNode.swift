/// One node of an HTML or SVG document: an element with ordered attributes and children, or text.
/// Text and attribute values are escaped when written (`MarkupWriter`), never before, so a name such
/// as `a<b & "c"` is safe wherever it goes.
/// ```
/// let node = MarkupNode.element("p", ["class": "note"], [.text("x < y")])
/// MarkupWriter.string(node)   // <p class="note">x &lt; y</p>
/// ```
public enum MarkupNode: Sendable, Hashable {
    case element(MarkupElement)
    case text(String)

    /// An element with attributes in the order given (deterministic output) and children.
    public static func element(
        _ name: String, _ attributes: KeyValuePairs<String, String> = [:], _ children: [MarkupNode] = []
    ) -> MarkupNode {
        .element(MarkupElement(name: name, attributes: attributes.map { MarkupAttribute(name: $0.key, value: $0.value) }, children: children))
    }

    /// An element whose attributes were built as a list (for optional attributes).
    public static func element(_ name: String, attributes: [MarkupAttribute], _ children: [MarkupNode] = []) -> MarkupNode {
        .element(MarkupElement(name: name, attributes: attributes, children: children))
    }
}

/// An element: a tag name, attributes in writing order, children.
public struct MarkupElement: Sendable, Hashable {
    public var name: String
    public var attributes: [MarkupAttribute]
    public var children: [MarkupNode]
}

/// One attribute of an element.
public struct MarkupAttribute: Sendable, Hashable {
    public var name: String
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}
