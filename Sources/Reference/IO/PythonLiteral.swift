import ReferenceCore
/// A parser for the small subset of Python literal syntax that appears in
/// `.npy` headers: dicts, tuples, lists, strings, integers, True/False/None.
///
/// NumPy writes the header with `repr(dict)` and reads it back with
/// `ast.literal_eval`; refvis parses it instead of evaluating anything.
/// Accepted: single- or double-quoted strings (with backslash escapes),
/// decimal integers with an optional sign (and the Python 2 `L` suffix that old
/// NumPy versions wrote in shapes), `(x)` as grouping but `(x,)`, `()`,
/// `(x, y)` as tuples, trailing commas, and any whitespace between tokens.
/// Nesting is limited to 32 levels so that no input can exhaust the stack.
enum PythonLiteral: Equatable {
    case string(String)
    /// `nil` when the integer does not fit in an `Int` (kept as text for the message).
    case integer(Int?, text: String)
    case boolean(Bool)
    case none
    case tuple([PythonLiteral])
    case list([PythonLiteral])
    /// Key-value pairs in the order written (keys are strings in `.npy` headers).
    case dict([(key: PythonLiteral, value: PythonLiteral)])

    static func == (a: PythonLiteral, b: PythonLiteral) -> Bool {
        switch (a, b) {
        case let (.string(x), .string(y)): return x == y
        case let (.integer(x, tx), .integer(y, ty)): return x == y && tx == ty
        case let (.boolean(x), .boolean(y)): return x == y
        case (.none, .none): return true
        case let (.tuple(x), .tuple(y)), let (.list(x), .list(y)): return x == y
        case let (.dict(x), .dict(y)):
            return x.count == y.count && zip(x, y).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        default: return false
        }
    }

    /// A short description for error messages, e.g. "the string '<f8'".
    var summary: String {
        switch self {
        case .string(let s): return "the string '\(s)'"
        case .integer(_, let text): return "the integer \(text)"
        case .boolean(let b): return b ? "True" : "False"
        case .none: return "None"
        case .tuple: return "a tuple"
        case .list: return "a list"
        case .dict: return "a dict"
        }
    }

    struct SyntaxError: Error {
        /// 0-based character offset in the text.
        var position: Int
        var reason: String
    }

    /// Parses exactly one literal, allowing whitespace around it.
    static func parse(_ text: String) throws(SyntaxError) -> PythonLiteral {
        var parser = Parser(characters: Array(text.unicodeScalars))
        let value = try parser.parseValue(depth: 0)
        parser.skipWhitespace()
        guard parser.position == parser.characters.count else {
            throw parser.error("unexpected \(parser.describeCurrent()) after the end of the literal")
        }
        return value
    }

    private struct Parser {
        let characters: [Unicode.Scalar]
        var position = 0
        static let maxDepth = 32

        func error(_ reason: String) -> SyntaxError { SyntaxError(position: position, reason: reason) }

        var current: Unicode.Scalar? { position < characters.count ? characters[position] : nil }

        func describeCurrent() -> String {
            guard let c = current else { return "end of header" }
            return "character '\(c.escaped(asASCII: true))'"
        }

        mutating func skipWhitespace() {
            while let c = current, c == " " || c == "\t" || c == "\n" || c == "\r" || c == "\u{0B}" || c == "\u{0C}" {
                position += 1
            }
        }

        mutating func expect(_ c: Unicode.Scalar) throws(SyntaxError) {
            skipWhitespace()
            guard current == c else { throw error("expected '\(c)', found \(describeCurrent())") }
            position += 1
        }

        mutating func parseValue(depth: Int) throws(SyntaxError) -> PythonLiteral {
            guard depth < Parser.maxDepth else { throw error("nesting deeper than \(Parser.maxDepth) levels") }
            skipWhitespace()
            guard let c = current else { throw error("expected a value, found end of header") }
            switch c {
            case "'", "\"": return .string(try parseString())
            case "{": return try parseDict(depth: depth)
            case "(": return try parseParenthesized(depth: depth)
            case "[":
                position += 1
                return .list(try parseItems(until: "]", depth: depth).items)
            case "-", "+", "0"..."9": return try parseInteger()
            default:
                if c.properties.isAlphabetic || c == "_" { return try parseKeyword() }
                throw error("expected a value, found \(describeCurrent())")
            }
        }

        /// Comma-separated values up to `closer`; reports whether any comma was seen
        /// (which is what makes `(x,)` a tuple and `(x)` a grouping).
        mutating func parseItems(until closer: Unicode.Scalar, depth: Int) throws(SyntaxError)
            -> (items: [PythonLiteral], sawComma: Bool)
        {
            var items: [PythonLiteral] = []
            var sawComma = false
            while true {
                skipWhitespace()
                if current == closer { position += 1; return (items, sawComma) }
                items.append(try parseValue(depth: depth + 1))
                skipWhitespace()
                if current == "," { position += 1; sawComma = true; continue }
                if current == closer { position += 1; return (items, sawComma) }
                throw error("expected ',' or '\(closer)', found \(describeCurrent())")
            }
        }

        mutating func parseParenthesized(depth: Int) throws(SyntaxError) -> PythonLiteral {
            let start = position
            position += 1
            let (items, sawComma) = try parseItems(until: ")", depth: depth)
            if items.count == 1 && !sawComma { return items[0] }  // (x) is just x
            if items.isEmpty && sawComma { throw SyntaxError(position: start, reason: "'(,)' is not a valid tuple") }
            return .tuple(items)
        }

        mutating func parseDict(depth: Int) throws(SyntaxError) -> PythonLiteral {
            position += 1
            var pairs: [(key: PythonLiteral, value: PythonLiteral)] = []
            while true {
                skipWhitespace()
                if current == "}" { position += 1; return .dict(pairs) }
                let key = try parseValue(depth: depth + 1)
                try expect(":")
                let value = try parseValue(depth: depth + 1)
                pairs.append((key, value))
                skipWhitespace()
                if current == "," { position += 1; continue }
                if current == "}" { position += 1; return .dict(pairs) }
                throw error("expected ',' or '}', found \(describeCurrent())")
            }
        }

        mutating func parseString() throws(SyntaxError) -> String {
            let start = position
            let quote = characters[position]
            position += 1
            var result = String.UnicodeScalarView()
            while let c = current {
                position += 1
                if c == quote { return String(result) }
                if c == "\n" { break }
                if c == "\\" {
                    guard let escaped = current else { break }
                    position += 1
                    switch escaped {
                    case "n": result.append("\n")
                    case "t": result.append("\t")
                    case "r": result.append("\r")
                    case "0": result.append("\u{0}")
                    case "\\", "'", "\"": result.append(escaped)
                    default: result.append("\\"); result.append(escaped)  // Python keeps unknown escapes
                    }
                } else {
                    result.append(c)
                }
            }
            throw SyntaxError(position: start, reason: "unterminated string")
        }

        mutating func parseInteger() throws(SyntaxError) -> PythonLiteral {
            let start = position
            var negative = false
            if current == "-" || current == "+" {
                negative = current == "-"
                position += 1
                skipWhitespace()  // Python allows "- 3"
            }
            var value: Int? = 0
            var digits = 0
            while let c = current, c.isASCII, ("0"..."9").contains(c) {
                let digit = Int(c.value - 48)
                if let v = value {
                    let (shifted, o1) = v.multipliedReportingOverflow(by: 10)
                    let (sum, o2) = negative ? shifted.subtractingReportingOverflow(digit)
                                             : shifted.addingReportingOverflow(digit)
                    value = (o1 || o2) ? nil : sum
                }
                digits += 1
                position += 1
            }
            guard digits > 0 else { throw SyntaxError(position: start, reason: "expected digits after the sign") }
            var text = String(String.UnicodeScalarView(characters[start..<position]))
            text.removeAll { $0 == " " || $0 == "+" }
            if current == "L" || current == "l" { position += 1 }  // Python 2 long suffix
            if let c = current, c.properties.isAlphabetic || c == "." || c == "_" {
                throw error("only decimal integers are supported, found \(describeCurrent()) in a number")
            }
            return .integer(value, text: text)
        }

        mutating func parseKeyword() throws(SyntaxError) -> PythonLiteral {
            let start = position
            while let c = current, c.properties.isAlphabetic || c == "_" || (c.isASCII && ("0"..."9").contains(c)) {
                position += 1
            }
            let word = String(String.UnicodeScalarView(characters[start..<position]))
            switch word {
            case "True": return .boolean(true)
            case "False": return .boolean(false)
            case "None": return .none
            default: throw SyntaxError(position: start, reason: "unknown name '\(word)' (only True, False and None are allowed)")
            }
        }
    }
}
