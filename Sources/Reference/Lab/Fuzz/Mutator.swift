import Foundation
import ReferenceCore

/// The mutations every harness shares, drawn from refvis's one seeded
/// generator so that a case number and a seed name one input for good.
///
/// Byte mutations damage files the way disks, truncated downloads and hostile
/// senders do; they reach the length checks of binary formats (.npy,
/// safetensors). Token mutations keep text formats (JSON, objective
/// expressions) mostly well formed, so the damage reaches past the JSON
/// syntax check into the value checks behind it: a number becomes huge,
/// negative, NaN or 1e309, a bracket disappears or doubles, a string empties.
public enum Mutator {
    /// Bytes that break parsers: NUL, all ones, the sign boundary, and the
    /// characters that start numbers, arrays and strings in text formats.
    public static let interestingBytes: [UInt8] = [0, 0xFF, 0x7F, 0x80, UInt8(ascii: "9"), UInt8(ascii: "-"),
                                                   UInt8(ascii: "["), UInt8(ascii: "\""), UInt8(ascii: "]"),
                                                   UInt8(ascii: "{"), UInt8(ascii: "}"), UInt8(ascii: ","),
                                                   UInt8(ascii: ":"), UInt8(ascii: "."), UInt8(ascii: "e")]

    /// Replacements for a number token: the limits of Int, UInt64 and Double,
    /// the spellings JSON refuses (NaN, Infinity), and the values that break
    /// counts and sizes (0, -1, a fraction where an integer belongs).
    public static let interestingNumbers = ["0", "-1", "-0", "1", "2", "0.5", "1.5", "-1e309", "1e309", "1e-400", "NaN",
                                            "Infinity", "-Infinity", "nan", "2147483648", "4294967296",
                                            "9223372036854775807", "9223372036854775808", "-9223372036854775809",
                                            "18446744073709551616", "99999999999999999999999999", "1e15", "1e300", "65536"]

    /// Replacements for a string token: empty, odd escapes, path escapes, long.
    public static let interestingStrings = ["\"\"", "\" \"", "\"\\u0000\"", "\"\\ud800\"", "\"../x\"", "\"/etc\"",
                                            "\"" + String(repeating: "a", count: 300) + "\"", "\"é\"", "null", "[]", "{}"]

    /// Applies one to four byte mutations; `others` feeds the splices.
    public static func bytes(_ input: [UInt8], others: [[UInt8]], _ rng: inout RandomGenerator) -> [UInt8] {
        var bytes = input
        for _ in 0..<rng.integer(in: 1...4) { mutateBytes(&bytes, others: others, &rng) }
        return bytes
    }

    /// Applies one to four mutations to text, two in three at the token level.
    public static func text(_ input: [UInt8], others: [[UInt8]], _ rng: inout RandomGenerator) -> [UInt8] {
        var bytes = input
        for _ in 0..<rng.integer(in: 1...4) {
            if rng.integer(in: 0..<3) == 0 { mutateBytes(&bytes, others: others, &rng) } else { mutateTokens(&bytes, &rng) }
        }
        return bytes
    }

    /// One byte-level mutation.
    static func mutateBytes(_ bytes: inout [UInt8], others: [[UInt8]], _ rng: inout RandomGenerator) {
        guard !bytes.isEmpty else { bytes = [rng.choice(from: interestingBytes)]; return }
        let at = rng.integer(in: 0..<bytes.count)
        switch rng.integer(in: 0..<9) {
        case 0:  // flip one to four bits
            for _ in 0..<rng.integer(in: 1...4) { bytes[rng.integer(in: 0..<bytes.count)] ^= UInt8(1 << rng.integer(in: 0..<8)) }
        case 1:  // an interesting byte
            bytes[at] = rng.choice(from: interestingBytes)
        case 2:  // a little-endian field (a length, a count, an offset) set to a boundary value
            let width = rng.choice(from: [2, 4, 8])
            var value = rng.choice(from: [0, 1, 0xFF, 0xFFFF, 0x7FFF_FFFF, 0xFFFF_FFFF, 1 << 32, 0x8000_0000_0000_0000, UInt64.max])
            for i in 0..<min(width, bytes.count - at) { bytes[at + i] = UInt8(truncatingIfNeeded: value); value >>= 8 }
        case 3:  // insert random or interesting bytes
            let run = (0..<rng.integer(in: 1...8)).map { _ in
                rng.integer(in: 0..<2) == 0 ? rng.choice(from: interestingBytes) : UInt8(rng.integer(in: 0..<256))
            }
            bytes.insert(contentsOf: run, at: rng.integer(in: 0...bytes.count))
        case 4:  // delete a run
            bytes.removeSubrange(at..<min(bytes.count, at + rng.integer(in: 1...16)))
        case 5:  // truncate
            bytes.removeLast(rng.integer(in: 1...bytes.count))
        case 6:  // duplicate a chunk elsewhere
            let chunk = Array(bytes[at..<min(bytes.count, at + rng.integer(in: 1...64))])
            bytes.insert(contentsOf: chunk, at: rng.integer(in: 0...bytes.count))
        case 7:  // splice: this input's head, another input's tail
            guard let other = others.isEmpty ? nil : rng.choice(from: others), !other.isEmpty else { break }
            bytes = Array(bytes[..<at]) + Array(other[rng.integer(in: 0..<other.count)...])
        default:  // a random byte
            bytes[at] = UInt8(rng.integer(in: 0..<256))
        }
    }

    /// A token of text: where it is and what kind.
    struct Token { enum Kind { case number, string, bracket, punctuation }; let range: Range<Int>; let kind: Kind }

    /// A light lexer good enough for JSON and objective expressions: numbers
    /// (with sign, fraction and exponent), double- and single-quoted strings,
    /// brackets and the punctuation , : = + * /.
    static func tokens(_ bytes: [UInt8]) -> [Token] {
        var found = [Token]()
        var i = 0
        func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
        while i < bytes.count {
            let b = bytes[i]
            if isDigit(b) || (b == UInt8(ascii: "-") && i + 1 < bytes.count && isDigit(bytes[i + 1])) {
                let start = i
                i += 1
                while i < bytes.count, isDigit(bytes[i]) || ".eE+-".utf8.contains(bytes[i]) { i += 1 }
                found.append(Token(range: start..<i, kind: .number))
            } else if b == UInt8(ascii: "\"") || b == UInt8(ascii: "'") {
                let start = i
                i += 1
                while i < bytes.count, bytes[i] != b { i += bytes[i] == UInt8(ascii: "\\") ? 2 : 1 }
                i = min(i + 1, bytes.count)
                found.append(Token(range: start..<i, kind: .string))
            } else if "[]{}()".utf8.contains(b) {
                found.append(Token(range: i..<(i + 1), kind: .bracket))
                i += 1
            } else if ",:=+*/".utf8.contains(b) {
                found.append(Token(range: i..<(i + 1), kind: .punctuation))
                i += 1
            } else {
                i += 1
            }
        }
        return found
    }

    /// One token-level mutation; falls back to a byte mutation when the text has no tokens.
    static func mutateTokens(_ bytes: inout [UInt8], _ rng: inout RandomGenerator) {
        let all = tokens(bytes)
        guard !all.isEmpty else { mutateBytes(&bytes, others: [], &rng); return }
        func pick(_ kind: Token.Kind) -> Token? {
            let some = all.filter { $0.kind == kind }
            return some.isEmpty ? nil : rng.choice(from: some)
        }
        switch rng.integer(in: 0..<7) {
        case 0, 1:  // a number becomes huge, negative, NaN, 1e309, ...
            if let token = pick(.number) { bytes.replaceSubrange(token.range, with: Array(rng.choice(from: interestingNumbers).utf8)) }
        case 2:  // a number is nudged by one (off-by-one in sizes and indices)
            if let token = pick(.number), let value = Int(String(decoding: bytes[token.range], as: UTF8.self)) {
                bytes.replaceSubrange(token.range, with: Array(String(value &+ rng.choice(from: [-1, 1])).utf8))
            }
        case 3:  // a string becomes empty, odd, long, or another type
            if let token = pick(.string) { bytes.replaceSubrange(token.range, with: Array(rng.choice(from: interestingStrings).utf8)) }
        case 4:  // delete or duplicate a bracket
            if let token = pick(.bracket) {
                if rng.integer(in: 0..<2) == 0 { bytes.removeSubrange(token.range) } else { bytes.insert(bytes[token.range.lowerBound], at: token.range.lowerBound) }
            }
        case 5:  // delete or duplicate a comma, colon or operator
            if let token = pick(.punctuation) {
                if rng.integer(in: 0..<2) == 0 { bytes.removeSubrange(token.range) } else { bytes.insert(bytes[token.range.lowerBound], at: token.range.lowerBound) }
            }
        default:  // copy one token over another (a string where a number was, a key over a value, ...)
            let a = rng.choice(from: all), b = rng.choice(from: all)
            bytes.replaceSubrange(b.range, with: Array(bytes[a.range]))
        }
    }
}
