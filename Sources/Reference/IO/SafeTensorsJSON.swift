import ReferenceCore
/// A strict JSON (RFC 8259) parser and string writer for safetensors headers.
///
/// Foundation's `JSONSerialization` silently keeps one of two duplicate keys,
/// turns `2.0` and `2` into the same number and reports errors in several
/// lines, so the header gets its own small parser instead: it works on the
/// raw UTF-8 bytes (already validated by the caller), keeps number tokens as
/// text so that only real integers become shapes and offsets, refuses
/// duplicate keys, limits nesting to 64 levels so that no input can exhaust
/// the stack, and reports the byte offset of every error.
///
/// Arrays are limited to 64 items: a valid header holds no arrays but shapes
/// (refvis, like NumPy, accepts at most 64 dimensions) and offset pairs, and
/// without the limit a 100 MB header of `[0,0,0,...]` would become tens of
/// millions of values and gigabytes of memory.
enum HeaderJSON {
    /// Members in the order written; keys are unique (the parser checks).
    indirect case object([(key: String, value: HeaderJSON)])
    indirect case array([HeaderJSON])
    case string(String)
    /// The number exactly as written, and whether it is a plain integer
    /// (no fraction, no exponent).
    case number(text: String, isInteger: Bool)
    case boolean(Bool)
    case null

    /// A short description for error messages, e.g. "the number 1.5".
    var summary: String {
        switch self {
        case .object: return "an object"
        case .array: return "an array"
        case .string(let text): return "the string \(quotedForMessage(text))"
        case .number(let text, _): return "the number \(text)"
        case .boolean(let flag): return flag ? "true" : "false"
        case .null: return "null"
        }
    }

    struct SyntaxError: Error {
        /// 0-based byte offset in the header.
        var position: Int
        var reason: String
    }

    /// Parses exactly one value, allowing JSON whitespace around it.
    static func parse(_ bytes: UnsafeRawBufferPointer) throws(SyntaxError) -> HeaderJSON {
        var parser = Parser(bytes: bytes)
        let value = try parser.parseValue(depth: 0)
        parser.skipWhitespace()
        guard parser.position == bytes.count else {
            throw parser.error("unexpected \(parser.describeCurrent()) after the end of the JSON value")
        }
        return value
    }

    private struct Parser {
        let bytes: UnsafeRawBufferPointer
        var position = 0
        static let maxDepth = 64
        static let maxArrayCount = 64

        func error(_ reason: String) -> SyntaxError { SyntaxError(position: position, reason: reason) }

        var current: UInt8? { position < bytes.count ? bytes[position] : nil }

        func describeCurrent() -> String {
            guard let byte = current else { return "end of header" }
            if (0x21..<0x7F).contains(byte) { return "character '\(Character(Unicode.Scalar(byte)))'" }
            return "byte 0x" + String(byte, radix: 16, uppercase: true)
        }

        mutating func skipWhitespace() {
            while let byte = current, byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D { position += 1 }
        }

        mutating func parseValue(depth: Int) throws(SyntaxError) -> HeaderJSON {
            guard depth < Parser.maxDepth else { throw error("nesting deeper than \(Parser.maxDepth) levels") }
            skipWhitespace()
            guard let byte = current else { throw error("expected a value, found end of header") }
            switch byte {
            case UInt8(ascii: "{"): return try parseObject(depth: depth)
            case UInt8(ascii: "["): return try parseArray(depth: depth)
            case UInt8(ascii: "\""): return .string(try parseString())
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
            case UInt8(ascii: "t"): try expectWord("true"); return .boolean(true)
            case UInt8(ascii: "f"): try expectWord("false"); return .boolean(false)
            case UInt8(ascii: "n"): try expectWord("null"); return .null
            default: throw error("expected a value, found \(describeCurrent())")
            }
        }

        mutating func expectWord(_ word: String) throws(SyntaxError) {
            for expected in word.utf8 {
                guard current == expected else { throw error("expected '\(word)', found \(describeCurrent())") }
                position += 1
            }
        }

        mutating func parseObject(depth: Int) throws(SyntaxError) -> HeaderJSON {
            position += 1  // {
            var members: [(key: String, value: HeaderJSON)] = []
            // Where each key is in `members`. Swift compares strings by canonical
            // equivalence, so two keys can be equal as Strings but different bytes
            // (a String keeps its bytes as written, which the message compares).
            var seen: [String: Int] = [:]
            skipWhitespace()
            if current == UInt8(ascii: "}") { position += 1; return .object(members) }
            while true {
                skipWhitespace()
                guard current == UInt8(ascii: "\"") else {
                    throw error("expected a string key, found \(describeCurrent())")
                }
                let keyStart = position
                let key = try parseString()
                if let earlier = seen[key].map({ members[$0].key }) {
                    let what = earlier.utf8.elementsEqual(key.utf8)
                        ? "the key \(quotedForMessage(key)) appears twice"
                        : "the keys \(quotedForMessage(earlier)) and \(quotedForMessage(key)) are the same Unicode "
                            + "text in different forms"
                    throw SyntaxError(position: keyStart, reason: what)
                }
                seen[key] = members.count
                skipWhitespace()
                guard current == UInt8(ascii: ":") else { throw error("expected ':' after a key, found \(describeCurrent())") }
                position += 1
                let value = try parseValue(depth: depth + 1)
                members.append((key, value))
                skipWhitespace()
                if current == UInt8(ascii: ",") { position += 1; continue }
                if current == UInt8(ascii: "}") { position += 1; return .object(members) }
                throw error("expected ',' or '}' in an object, found \(describeCurrent())")
            }
        }

        mutating func parseArray(depth: Int) throws(SyntaxError) -> HeaderJSON {
            position += 1  // [
            var items: [HeaderJSON] = []
            skipWhitespace()
            if current == UInt8(ascii: "]") { position += 1; return .array(items) }
            while true {
                guard items.count < Parser.maxArrayCount else {
                    throw error("an array of more than \(Parser.maxArrayCount) items (a safetensors header holds no "
                        + "arrays but shapes and offsets, and refvis accepts at most \(Parser.maxArrayCount) dimensions)")
                }
                items.append(try parseValue(depth: depth + 1))
                skipWhitespace()
                if current == UInt8(ascii: ",") { position += 1; continue }
                if current == UInt8(ascii: "]") { position += 1; return .array(items) }
                throw error("expected ',' or ']' in an array, found \(describeCurrent())")
            }
        }

        /// A string token; `position` is at its opening quote. The bytes between
        /// escapes are copied as they are (the whole header is valid UTF-8).
        mutating func parseString() throws(SyntaxError) -> String {
            let start = position
            position += 1
            var utf8: [UInt8] = []
            while let byte = current {
                switch byte {
                case UInt8(ascii: "\""):
                    position += 1
                    return String(decoding: utf8, as: UTF8.self)
                case UInt8(ascii: "\\"):
                    position += 1
                    try appendEscape(to: &utf8)
                case 0x00..<0x20:
                    throw error("control character 0x\(String(byte, radix: 16, uppercase: true)) inside a string "
                        + "(it must be escaped)")
                default:
                    utf8.append(byte)
                    position += 1
                }
            }
            throw SyntaxError(position: start, reason: "unterminated string")
        }

        /// One escape after the backslash: \" \\ \/ \b \f \n \r \t or \uXXXX
        /// (a UTF-16 unit; surrogates must come in high-low pairs).
        mutating func appendEscape(to utf8: inout [UInt8]) throws(SyntaxError) {
            guard let byte = current else { throw error("unterminated escape at end of header") }
            let simple: [UInt8: UInt8] = [
                UInt8(ascii: "\""): 0x22, UInt8(ascii: "\\"): 0x5C, UInt8(ascii: "/"): 0x2F,
                UInt8(ascii: "b"): 0x08, UInt8(ascii: "f"): 0x0C, UInt8(ascii: "n"): 0x0A,
                UInt8(ascii: "r"): 0x0D, UInt8(ascii: "t"): 0x09,
            ]
            if let replacement = simple[byte] {
                utf8.append(replacement)
                position += 1
                return
            }
            guard byte == UInt8(ascii: "u") else { throw error("invalid escape '\\\(describeCurrent())'") }
            position += 1
            let escapeStart = position - 2
            let unit = try parseHexUnit()
            var scalarValue = UInt32(unit)
            if (0xD800..<0xDC00).contains(unit) {
                let lowFollows = current == UInt8(ascii: "\\") && position + 1 < bytes.count
                    && bytes[position + 1] == UInt8(ascii: "u")
                guard lowFollows else {
                    throw SyntaxError(position: escapeStart, reason: "lone high surrogate \\u\(hex4(unit))")
                }
                position += 2
                let low = try parseHexUnit()
                guard (0xDC00..<0xE000).contains(low) else {
                    let reason = "high surrogate \\u\(hex4(unit)) followed by \\u\(hex4(low)), not a low surrogate"
                    throw SyntaxError(position: escapeStart, reason: reason)
                }
                scalarValue = 0x10000 + ((UInt32(unit) - 0xD800) << 10) + (UInt32(low) - 0xDC00)
            } else if (0xDC00..<0xE000).contains(unit) {
                throw SyntaxError(position: escapeStart, reason: "lone low surrogate \\u\(hex4(unit))")
            }
            // Cannot fail: surrogates were handled above and the value is <= 0x10FFFF.
            guard let scalar = Unicode.Scalar(scalarValue) else {
                throw SyntaxError(position: escapeStart, reason: "invalid code point")
            }
            utf8.append(contentsOf: String(Character(scalar)).utf8)
        }

        mutating func parseHexUnit() throws(SyntaxError) -> UInt16 {
            var value: UInt16 = 0
            for _ in 0..<4 {
                guard let byte = current, let digit = hexDigitValue(byte) else {
                    throw error("expected 4 hex digits after \\u, found \(describeCurrent())")
                }
                value = value << 4 | UInt16(digit)
                position += 1
            }
            return value
        }

        func hexDigitValue(_ byte: UInt8) -> UInt8? {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
            default: return nil
            }
        }

        func hex4(_ unit: UInt16) -> String {
            let digits = String(unit, radix: 16, uppercase: true)
            return String(repeating: "0", count: 4 - digits.count) + digits
        }

        /// -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
        mutating func parseNumber() throws(SyntaxError) -> HeaderJSON {
            let start = position
            var isInteger = true
            if current == UInt8(ascii: "-") { position += 1 }
            guard let first = current, isDigit(first) else {
                throw error("expected a digit in a number, found \(describeCurrent())")
            }
            position += 1
            if first == UInt8(ascii: "0"), let next = current, isDigit(next) {
                throw error("numbers must not have leading zeros")
            }
            skipDigits()
            if current == UInt8(ascii: ".") {
                isInteger = false
                position += 1
                guard let next = current, isDigit(next) else {
                    throw error("expected a digit after the decimal point, found \(describeCurrent())")
                }
                skipDigits()
            }
            if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
                isInteger = false
                position += 1
                if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { position += 1 }
                guard let next = current, isDigit(next) else {
                    throw error("expected a digit in the exponent, found \(describeCurrent())")
                }
                skipDigits()
            }
            let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
            return .number(text: text, isInteger: isInteger)
        }

        func isDigit(_ byte: UInt8) -> Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }

        mutating func skipDigits() {
            while let byte = current, isDigit(byte) { position += 1 }
        }
    }

    /// `text` as a JSON string literal, escaped as serde_json (which the
    /// reference writer uses) escapes it: `"` and `\` with a backslash, the
    /// control characters \b \t \n \f \r by name and the other ones below 0x20
    /// as `\u00xx` (lowercase hex); everything else, including non-ASCII, as
    /// raw UTF-8.
    static func quoted(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\u{08}": result += "\\b"
            case "\t": result += "\\t"
            case "\n": result += "\\n"
            case "\u{0C}": result += "\\f"
            case "\r": result += "\\r"
            case "\u{00}"..."\u{1F}":
                let digits = String(scalar.value, radix: 16)
                result += "\\u" + String(repeating: "0", count: 4 - digits.count) + digits
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}

/// A name or string from a file, single-quoted for a one-line error message:
/// control characters escaped and anything past 80 characters cut off.
func quotedForMessage(_ text: String) -> String {
    let scalars = Array(text.unicodeScalars)
    let shown = scalars.prefix(80).map { c in
        // C0/C1 controls and the Unicode line/paragraph separators would break the line.
        let breaksLine = c.value < 0x20 || (0x7F..<0xA0).contains(c.value) || c.value == 0x2028 || c.value == 0x2029
        return breaksLine || c == "'" || c == "\\" ? c.escaped(asASCII: true) : String(c)
    }.joined()
    return "'" + shown + (scalars.count > 80 ? "...'" : "'")
}
