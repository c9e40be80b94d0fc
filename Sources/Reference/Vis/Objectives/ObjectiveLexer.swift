import ReferenceCore
import ReferenceIO
// The tokens of objective expressions such as
// `channel(mixed4a, 476) - 0.05*total_variation()` or `mixed4a:476`.
// Columns count characters from 1, for error messages.

/// One token and the column of its first character.
struct ObjectiveToken: Equatable {
    enum Kind: Equatable {
        /// A number; `isInteger` when written without a point or an exponent.
        case number(Double, isInteger: Bool)
        /// A name: letters, digits, '_' and '.', not starting with a digit or '.'
        /// (layer names such as `features.1` are names).
        case name(String)
        /// A quoted name ('...' or "..."), for layers with other characters.
        case quoted(String)
        /// One of + - * / ( ) , = [ ] :
        case symbol(Character)
        case end
    }
    let kind: Kind
    let column: Int
    /// The token as written, for messages.
    let text: String
}

enum ObjectiveLexer {
    static let symbols: Set<Character> = ["+", "-", "*", "/", "(", ")", ",", "=", "[", "]", ":"]

    static func isNameStart(_ c: Character) -> Bool { c == "_" || (c.isLetter && c.isASCII) }
    static func isNamePart(_ c: Character) -> Bool { isNameStart(c) || c == "." || (c.isASCII && c.isNumber) }
    static func isDigit(_ c: Character) -> Bool { c.isASCII && c.isNumber }

    /// Splits `source` into tokens, ending with `.end`.
    static func tokens(_ source: String) throws -> [ObjectiveToken] {
        let chars = Array(source)
        var tokens = [ObjectiveToken]()
        var i = 0
        func fail(_ message: String, at index: Int) -> RefvisError {
            RefvisError.usage("objective: \(message) at column \(index + 1)")
        }
        while i < chars.count {
            let c = chars[i]
            if c.isWhitespace { i += 1; continue }
            let start = i
            if isNameStart(c) {
                while i < chars.count, isNamePart(chars[i]) { i += 1 }
                let text = String(chars[start..<i])
                tokens.append(ObjectiveToken(kind: .name(text), column: start + 1, text: text))
            } else if isDigit(c) || (c == "." && i + 1 < chars.count && isDigit(chars[i + 1])) {
                var isInteger = true
                while i < chars.count, isDigit(chars[i]) { i += 1 }
                if i < chars.count, chars[i] == "." {
                    isInteger = false
                    i += 1
                    while i < chars.count, isDigit(chars[i]) { i += 1 }
                }
                if i < chars.count, chars[i] == "e" || chars[i] == "E" {
                    isInteger = false
                    i += 1
                    if i < chars.count, chars[i] == "+" || chars[i] == "-" { i += 1 }
                    guard i < chars.count, isDigit(chars[i]) else {
                        throw fail("malformed number '\(String(chars[start..<min(i, chars.count)]))'", at: start)
                    }
                    while i < chars.count, isDigit(chars[i]) { i += 1 }
                }
                if i < chars.count, isNameStart(chars[i]) {
                    throw fail("unexpected '\(chars[i])' after the number '\(String(chars[start..<i]))'", at: i)
                }
                let text = String(chars[start..<i])
                guard let value = Double(text), value.isFinite else { throw fail("malformed number '\(text)'", at: start) }
                tokens.append(ObjectiveToken(kind: .number(value, isInteger: isInteger), column: start + 1, text: text))
            } else if c == "'" || c == "\"" {
                i += 1
                while i < chars.count, chars[i] != c { i += 1 }
                guard i < chars.count else { throw fail("unterminated quoted name", at: start) }
                let text = String(chars[(start + 1)..<i])
                i += 1
                tokens.append(ObjectiveToken(kind: .quoted(text), column: start + 1, text: String(chars[start..<i])))
            } else if symbols.contains(c) {
                i += 1
                tokens.append(ObjectiveToken(kind: .symbol(c), column: start + 1, text: String(c)))
            } else {
                throw fail("unexpected character '\(c)'", at: start)
            }
        }
        tokens.append(ObjectiveToken(kind: .end, column: chars.count + 1, text: "end of expression"))
        return tokens
    }
}
