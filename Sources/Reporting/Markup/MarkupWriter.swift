/// Writes `MarkupNode`s as text: escapes `&`, `<`, `>` in text and also `"` in attribute values;
/// HTML's void elements (`meta`, `br`, …) get no end tag, childless SVG elements close themselves.
/// ```
/// MarkupWriter.string(.element("rect", ["width": "4"]))   // <rect width="4"/>
/// ```
public enum MarkupWriter {
    static let voidElements: Set<String> = ["meta", "br", "hr", "img", "link", "input", "col"]
    /// Elements written with an end tag even when empty (HTML does not allow `<title/>`).
    static let htmlContainers: Set<String> = [
        "html", "head", "body", "main", "section", "div", "p", "span", "h1", "h2", "h3", "table", "thead", "tbody",
        "tr", "th", "td", "figure", "figcaption", "style", "title", "details", "summary", "ul", "li", "dl", "dt", "dd",
        "caption", "header", "footer", "code", "strong", "nav", "a",
    ]

    /// The node as markup text.
    public static func string(_ node: MarkupNode) -> String {
        var output = ""
        output.reserveCapacity(4096)
        write(node, into: &output)
        return output
    }

    static func write(_ node: MarkupNode, into output: inout String) {
        switch node {
        case .text(let text):
            output += escapeText(text)
        case .element(let element):
            output += "<"
            output += element.name
            for attribute in element.attributes {
                output += " "
                output += attribute.name
                output += "=\""
                output += escapeAttribute(attribute.value)
                output += "\""
            }
            if voidElements.contains(element.name) {
                output += ">"
                return
            }
            if element.children.isEmpty && !htmlContainers.contains(element.name) {
                output += "/>"
                return
            }
            output += ">"
            for child in element.children { write(child, into: &output) }
            output += "</"
            output += element.name
            output += ">"
        }
    }

    /// Text content with `&`, `<`, `>` escaped.
    public static func escapeText(_ text: String) -> String {
        guard text.contains(where: { $0 == "&" || $0 == "<" || $0 == ">" }) else { return text }
        var result = ""
        result.reserveCapacity(text.count + 8)
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            default: result.append(character)
            }
        }
        return result
    }

    /// An attribute value with `&`, `<`, `>` and `"` escaped (values are always written in double
    /// quotes, so a single quote needs no escape).
    public static func escapeAttribute(_ text: String) -> String {
        guard text.contains(where: { "&<>\"".contains($0) }) else { return text }
        var result = ""
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            default: result.append(character)
            }
        }
        return result
    }
}
