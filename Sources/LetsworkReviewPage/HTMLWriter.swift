import Mustache

/// Markup that may go into a page as it is. Only ``HTMLWriter`` makes it, and the writer escapes
/// every text and attribute value it is given, so a value of this type holds no markup that a
/// guest wrote. Templates put it in with `{{&name}}`; ``Templates/unescapedNames`` lists the
/// only names allowed there, and the tests hold that each one answers with this type.
struct SafeHTML: MustacheCustomRenderable {
    let renderText: String
    var isNull: Bool { false }

    fileprivate init(_ markup: String) {
        renderText = markup
    }
}

/// A typed HTML builder for the parts of a page too large for Mustache's lookups (a diff's
/// rows: thousands of cells on a large change). Elements and attribute names come from fixed
/// sets; everything else is text, escaped as the templates escape it (``HTMLEscaping``).
struct HTMLWriter {
    enum Tag: String {
        case tr, td, span, ins, del
    }

    enum Attribute: String {
        case `class`, colspan
    }

    private var markup = ""

    init(capacity: Int = 4096) {
        markup.reserveCapacity(capacity)
    }

    /// `<tag attributes…>`, what `body` writes, then `</tag>`.
    mutating func element(_ tag: Tag, _ attributes: KeyValuePairs<Attribute, String> = [:], _ body: (inout HTMLWriter) -> Void) {
        markup += "<"
        markup += tag.rawValue
        for (name, value) in attributes {
            markup += " "
            markup += name.rawValue
            markup += "=\""
            markup += HTMLEscaping.escape(value)
            markup += "\""
        }
        markup += ">"
        body(&self)
        markup += "</"
        markup += tag.rawValue
        markup += ">"
    }

    /// `text`, escaped.
    mutating func text(_ text: String) {
        markup += HTMLEscaping.escape(text)
    }

    /// The markup written so far.
    var html: SafeHTML { SafeHTML(markup) }
}
