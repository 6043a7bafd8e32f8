import SwiftIDEUtils
import SwiftParser
import SwiftSyntax

/// Syntax highlighting of Swift code at build time, from the Swift parser's
/// own classification of every token (swift-syntax's `SwiftIDEUtils`), so the
/// page needs no script to colour code. Each classified run becomes a
/// `<span class="hl-KIND">`; the text is HTML-escaped.
enum SwiftHighlighter {
    static func html(_ code: String) -> String {
        let tree = Parser.parse(source: code)
        let bytes = Array(code.utf8)
        var out = ""
        var cursor = 0
        for range in tree.classifications {
            let start = max(range.range.lowerBound.utf8Offset, cursor), end = min(range.range.upperBound.utf8Offset, bytes.count)
            guard end > start else { continue }
            if start > cursor { out += escape(bytes[cursor..<start]) }
            let text = escape(bytes[start..<end])
            if let kind = className(range.kind) {
                out += "<span class=\"hl-\(kind)\">\(text)</span>"
            } else {
                out += text
            }
            cursor = end
        }
        if cursor < bytes.count { out += escape(bytes[cursor...]) }
        return out
    }

    private static func escape(_ bytes: ArraySlice<UInt8>) -> String {
        OutputHTML.escape(String(decoding: bytes, as: UTF8.self))
    }

    private static func className(_ kind: SyntaxClassification) -> String? {
        switch kind {
        case .keyword: return "keyword"
        case .attribute: return "attribute"
        case .blockComment, .lineComment: return "comment"
        case .docBlockComment, .docLineComment: return "doc"
        case .floatLiteral, .integerLiteral: return "number"
        case .stringLiteral, .regexLiteral: return "string"
        case .type: return "type"
        case .ifConfigDirective: return "directive"
        case .operator: return "operator"
        case .argumentLabel: return "label"
        case .dollarIdentifier, .identifier, .editorPlaceholder, .none: return nil
        @unknown default: return nil
        }
    }
}
