import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// An XML (or XHTML-compatible HTML) document parsed with XMLParser into a flat
/// list of elements in document order; parsing fails on anything not well-formed.
struct XMLTree {
    struct Element {
        var id: Int
        var name: String
        var attributes: [String: String]
        /// The text of the element and all its descendants.
        var text = ""
        /// Enclosing elements' ids, outermost first.
        var ancestors: [Int]
        var classes: [String] { (attributes["class"] ?? "").split(separator: " ").map(String.init) }
    }

    var elements: [Element] = []

    init(_ text: String) throws {
        let collector = Collector()
        let parser = XMLParser(data: Data(text.utf8))
        parser.delegate = collector
        guard parser.parse() else {
            throw NSError(domain: "XMLTree", code: 1, userInfo: [NSLocalizedDescriptionKey:
                "not well-formed XML at line \(parser.lineNumber): \(String(describing: parser.parserError))"])
        }
        elements = collector.elements
    }

    /// Elements named `name` (any name when nil) whose class list holds every class of `classes`.
    func elements(_ name: String? = nil, classed classes: String = "") -> [Element] {
        let wanted = classes.split(separator: " ").map(String.init)
        return elements.filter { element in
            (name == nil || element.name == name) && wanted.allSatisfy(element.classes.contains)
        }
    }

    /// The innermost element named `name` that encloses `element`.
    func enclosing(_ element: Element, _ name: String) -> Element? {
        element.ancestors.last { elements[$0].name == name }.map { elements[$0] }
    }

    /// The elements inside `element`, filtered as `elements(_:classed:)`.
    func descendants(of element: Element, _ name: String? = nil, classed classes: String = "") -> [Element] {
        elements(name, classed: classes).filter { $0.ancestors.contains(element.id) }
    }

    private final class Collector: NSObject, XMLParserDelegate {
        var elements: [Element] = []
        private var open: [Int] = []

        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String] = [:]) {
            elements.append(Element(id: elements.count, name: name, attributes: attributes, ancestors: open))
            open.append(elements.count - 1)
        }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            open.removeLast()
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            for id in open { elements[id].text += string }
        }
    }
}
