import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
@testable import Reporting

/// Parses markup as XML (libxml2 through Foundation's XMLParser, independent of the writer) and
/// records every element with its attributes and the text inside it.
struct XMLDocumentProbe {
    struct Element {
        var name: String
        var attributes: [String: String]
        var text: String
    }

    var elements: [Element] = []
    var error: String?

    init(_ markup: String) {
        let delegate = Delegate()
        let parser = XMLParser(data: Data(markup.utf8))
        parser.delegate = delegate
        if !parser.parse() { error = parser.parserError.map { "\($0)" } ?? "parse failed" }
        elements = delegate.finished
    }

    var parses: Bool { error == nil }

    func all(_ name: String) -> [Element] { elements.filter { $0.name == name } }

    /// Every text node's content, in document order of the elements that close.
    var texts: [String] { elements.map(\.text).filter { !$0.isEmpty } }

    final class Delegate: NSObject, XMLParserDelegate {
        var stack: [Element] = []
        var finished: [Element] = []

        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String]) {
            stack.append(Element(name: name, attributes: attributes, text: ""))
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            guard !stack.isEmpty else { return }
            stack[stack.count - 1].text += string
        }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            if let element = stack.popLast() { finished.append(element) }
        }
    }
}

extension Chart {
    /// The chart's SVG as text.
    var svgText: String { MarkupWriter.string(svg()) }
}
