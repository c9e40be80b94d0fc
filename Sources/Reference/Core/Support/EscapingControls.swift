/// `text` with C0 and C1 control characters and the Unicode line and
/// paragraph separators escaped (\n, \r, \u{85}, \u{2028}).
///
/// Parsers quote what they were given ("unexpected key '…'", "unknown option
/// '…'"), and a damaged file or a hostile argument can hold any character;
/// escaping the quoted text keeps the promise that a `RefvisError` is one line.
/// Found by `refvis fuzz` (Docs/fuzzing.md).
package func escapingControls(_ text: String) -> String {
    text.unicodeScalars.map { c in
        c.value < 0x20 || (0x7F...0x9F).contains(c.value) || c.value == 0x2028 || c.value == 0x2029
            ? c.escaped(asASCII: true) : String(c)
    }.joined()
}
