/// A word as a reader can paste it into a POSIX shell: as it is when it
/// holds only characters no shell treats specially, else in single quotes
/// (a `'` in it written `'\''`). The "Reproduce this page" commands and the
/// downloaded program's instructions name chapters this way, so a chapter
/// called `01-$(cmd).md` shows `convbook verify '01-$(cmd)'`, which runs
/// nothing but convbook.
///
/// ```swift
/// ShellWord.quoted("01-forward")   // 01-forward
/// ShellWord.quoted("01-$(cmd)")    // '01-$(cmd)'
/// ShellWord.quoted("it's")         // 'it'\''s'
/// ```
public enum ShellWord {
    public static func quoted(_ word: String) -> String {
        let plain = !word.isEmpty && word.unicodeScalars.allSatisfy { scalar in
            ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
                || "-_.,+=:@/".unicodeScalars.contains(scalar)
        }
        return plain ? word : "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
