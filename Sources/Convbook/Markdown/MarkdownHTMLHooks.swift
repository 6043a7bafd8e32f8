/// Ways for the generator to change how ``MarkdownHTMLRenderer`` renders
/// nodes. With no hooks set, the output is exactly cmark-gfm's.
struct MarkdownHTMLHooks {
    /// Renders the children of the node being rendered, with the renderer's
    /// usual context (tight lists, table headers) and hooks.
    typealias RenderChildren = (inout MarkdownHTMLOutput) -> Void

    /// Called for every node outside image descriptions before the default
    /// rendering. Write HTML into the output and return true to replace the
    /// default; return false (writing nothing) to keep it. A block should
    /// call `cr()` first, as cmark does. Call `renderChildren` to render
    /// the node's children in place.
    var node: ((_ node: MarkdownNode, _ output: inout MarkdownHTMLOutput, _ renderChildren: RenderChildren) -> Bool)?

    /// Returns the `id` attribute for a heading (e.g. a slug of
    /// `heading.plainText`), or nil for none. The renderer escapes it and
    /// writes `<h2 id="...">`.
    var headingID: ((_ heading: MarkdownNode) -> String?)?

    init(node: ((MarkdownNode, inout MarkdownHTMLOutput, RenderChildren) -> Bool)? = nil,
         headingID: ((MarkdownNode) -> String?)? = nil) {
        self.node = node
        self.headingID = headingID
    }
}
