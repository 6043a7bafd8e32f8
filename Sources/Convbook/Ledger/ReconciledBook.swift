import Foundation

/// The book as the reconcile stage hands it on: the executed book, with the
/// published numbers kept wherever a recomputation agrees with them within
/// their tolerance, and each chapter's text in the ledger (`manifest.json`).
struct ReconciledBook {
    /// A chapter's text in the ledger.
    enum LedgerText {
        /// Made here (or found letter for letter in the published ledger).
        case text(String)
        /// Where the published `manifest.json` holds it, unread, made from the same key.
        case published(Range<Int>)
    }

    /// Results and result keys as reconciled (``ExecutedBook/resultKeys``
    /// says which kept published numbers).
    var book: ExecutedBook
    /// Each chapter's text in the ledger, and the key that fixes it (its source and its result's key).
    var ledger: [LedgerText]
    var ledgerKeys: [String]
    /// What reconciliation found; nil when the site folder has no ledger of this format.
    var reconciliation: Reconciliation?
}
