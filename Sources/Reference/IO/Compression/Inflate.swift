import ReferenceCore

/// A DEFLATE decompressor (RFC 1951) and the zlib wrapper around it (RFC 1950),
/// written from the two RFCs for reading PNG image data.
///
/// All three block types are handled: stored (§3.2.4), fixed Huffman (§3.2.6)
/// and dynamic Huffman (§3.2.7). Because the input is untrusted, every fault
/// is a one-line `RefvisError` rather than a trap: data that ends early, a
/// reserved block type, a stored block whose length and its complement
/// disagree, bad code lengths, a symbol no code allows, a distance reaching
/// back before the start of the output, and output beyond `limit` bytes. The
/// limit is checked before each byte is written, so a small "zip bomb" cannot
/// make a large allocation: memory grows only with output actually produced.
enum Inflate {
    /// Decompresses a zlib stream that must produce exactly `expectedSize` bytes.
    ///
    /// Checks the header (method 8, window ≤ 32 KiB, check bits, no preset
    /// dictionary — PNG forbids one), the Adler-32 trailer, and that nothing
    /// follows the trailer. `name` starts every error message.
    static func zlib(_ data: [UInt8], expectedSize: Int, name: String) throws -> [UInt8] {
        guard data.count >= 2 else { throw RefvisError("\(name): zlib stream is \(data.count) bytes, too short for its header") }
        let cmf = Int(data[0]), flg = Int(data[1])
        guard cmf & 0x0F == 8 else { throw RefvisError("\(name): zlib compression method \(cmf & 0x0F), expected 8 (deflate)") }
        guard cmf >> 4 <= 7 else { throw RefvisError("\(name): zlib window size field \(cmf >> 4) is beyond 7 (32 KiB)") }
        guard (cmf * 256 + flg) % 31 == 0 else { throw RefvisError("\(name): zlib header check bits are wrong") }
        guard flg & 0x20 == 0 else { throw RefvisError("\(name): zlib stream asks for a preset dictionary, which PNG forbids") }

        var reader = BitReader(Array(data[2...]), name: "\(name): zlib")
        let output = try inflate(&reader, limit: expectedSize)
        guard output.count == expectedSize else {
            throw RefvisError("\(name): image data inflates to \(output.count) bytes, expected \(expectedSize)")
        }
        reader.alignToByte()
        let trailer = try reader.bytes(4).reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        let adler = Adler32.of(output)
        guard trailer == adler else {
            throw RefvisError("\(name): zlib Adler-32 is \(hex(trailer)), the data's is \(hex(adler))")
        }
        guard reader.bytesRemaining == 0 else {
            throw RefvisError("\(name): \(reader.bytesRemaining) bytes follow the end of the zlib stream")
        }
        return output
    }

    /// Decompresses raw DEFLATE blocks from `reader` until the final block,
    /// refusing to write more than `limit` bytes.
    static func inflate(_ reader: inout BitReader, limit: Int) throws -> [UInt8] {
        var output = [UInt8]()
        output.reserveCapacity(min(limit, 1 << 20))
        var isFinal = false
        while !isFinal {
            isFinal = try reader.bit() == 1
            switch try reader.bits(2) {
            case 0: try storedBlock(&reader, into: &output, limit: limit)
            case 1: try codedBlock(&reader, literals: fixedLiterals, distances: fixedDistances, into: &output, limit: limit)
            case 2:
                let (literals, distances) = try dynamicCodes(&reader)
                try codedBlock(&reader, literals: literals, distances: distances, into: &output, limit: limit)
            default: throw RefvisError("\(reader.name): block type 3 is reserved")
            }
        }
        return output
    }

    /// A stored block: byte-aligned LEN, its one's complement NLEN, then LEN bytes.
    private static func storedBlock(_ reader: inout BitReader, into output: inout [UInt8], limit: Int) throws {
        reader.alignToByte()
        let header = try reader.bytes(4)
        let length = Int(header[header.startIndex]) | Int(header[header.startIndex + 1]) << 8
        let complement = Int(header[header.startIndex + 2]) | Int(header[header.startIndex + 3]) << 8
        guard length ^ 0xFFFF == complement else {
            throw RefvisError("\(reader.name): stored block length \(length) does not match its complement")
        }
        guard output.count + length <= limit else { throw tooMuch(reader, limit) }
        output += try reader.bytes(length)
    }

    /// Decodes literals and (length, distance) copies until the end-of-block symbol 256.
    private static func codedBlock(_ reader: inout BitReader, literals: HuffmanDecoder, distances: HuffmanDecoder,
                                   into output: inout [UInt8], limit: Int) throws {
        while true {
            let symbol = try literals.decode(&reader)
            if symbol < 256 {
                guard output.count < limit else { throw tooMuch(reader, limit) }
                output.append(UInt8(symbol))
                continue
            }
            if symbol == 256 { return }
            let lengthIndex = symbol - 257
            guard lengthIndex < DeflateTables.lengthBase.count else { throw RefvisError("\(reader.name): length symbol \(symbol) is not allowed") }
            let length = DeflateTables.lengthBase[lengthIndex] + (try reader.bits(DeflateTables.lengthExtra[lengthIndex]))
            let distanceSymbol = try distances.decode(&reader)
            guard distanceSymbol < DeflateTables.distanceBase.count else {
                throw RefvisError("\(reader.name): distance symbol \(distanceSymbol) is not allowed")
            }
            let distance = DeflateTables.distanceBase[distanceSymbol] + (try reader.bits(DeflateTables.distanceExtra[distanceSymbol]))
            guard distance <= output.count else {
                throw RefvisError("\(reader.name): distance \(distance) reaches back before the start of the data (\(output.count) bytes)")
            }
            guard output.count + length <= limit else { throw tooMuch(reader, limit) }
            // Byte by byte: a copy may overlap the bytes it is producing (distance < length repeats them).
            let start = output.count - distance
            for offset in 0..<length { output.append(output[start + offset]) }
        }
    }

    /// The order in which a dynamic block lists the code lengths of the code-length code (§3.2.7).
    private static let codeLengthOrder = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]

    /// Reads a dynamic block's header: the code-length code, then the
    /// literal/length and distance code lengths run-length coded with it.
    private static func dynamicCodes(_ reader: inout BitReader) throws -> (HuffmanDecoder, HuffmanDecoder) {
        let literalCount = try reader.bits(5) + 257
        let distanceCount = try reader.bits(5) + 1
        let codeLengthCount = try reader.bits(4) + 4
        // 286 and 287 literal/length symbols, and 30 and 31 distance symbols, never occur (§3.2.6).
        guard literalCount <= 286 else { throw RefvisError("\(reader.name): dynamic block declares \(literalCount) literal/length codes, at most 286") }
        guard distanceCount <= 30 else { throw RefvisError("\(reader.name): dynamic block declares \(distanceCount) distance codes, at most 30") }
        var codeLengthLengths = [Int](repeating: 0, count: 19)
        for index in 0..<codeLengthCount { codeLengthLengths[codeLengthOrder[index]] = try reader.bits(3) }
        let codeLengthCode = try HuffmanDecoder(lengths: codeLengthLengths, name: reader.name, what: "code-length")

        var lengths = [Int]()
        let total = literalCount + distanceCount
        while lengths.count < total {
            let symbol = try codeLengthCode.decode(&reader)
            var value = 0, repeats = 1
            switch symbol {
            case 0...15: (value, repeats) = (symbol, 1)
            case 16:
                guard let previous = lengths.last else { throw RefvisError("\(reader.name): code length repeat with no previous length") }
                (value, repeats) = (previous, 3 + (try reader.bits(2)))
            case 17: (value, repeats) = (0, 3 + (try reader.bits(3)))
            default: (value, repeats) = (0, 11 + (try reader.bits(7)))
            }
            guard lengths.count + repeats <= total else { throw RefvisError("\(reader.name): code length repeat runs past the \(total) lengths") }
            lengths += repeatElement(value, count: repeats)
        }
        guard lengths[256] > 0 else { throw RefvisError("\(reader.name): dynamic block has no end-of-block code") }
        let literals = try HuffmanDecoder(lengths: Array(lengths[0..<literalCount]), name: reader.name, what: "literal/length")
        let distances = try HuffmanDecoder(lengths: Array(lengths[literalCount...]), name: reader.name, what: "distance")
        return (literals, distances)
    }

    /// The fixed literal/length code: 0–143 eight bits, 144–255 nine, 256–279 seven, 280–287 eight.
    private static let fixedLiterals = try! HuffmanDecoder(
        lengths: Array(repeating: 8, count: 144) + Array(repeating: 9, count: 112)
            + Array(repeating: 7, count: 24) + Array(repeating: 8, count: 8),
        name: "fixed", what: "literal/length")
    /// The fixed distance code: all 32 symbols five bits (30 and 31 are refused when decoded).
    private static let fixedDistances = try! HuffmanDecoder(lengths: Array(repeating: 5, count: 32), name: "fixed", what: "distance")


    private static func tooMuch(_ reader: BitReader, _ limit: Int) -> RefvisError {
        RefvisError("\(reader.name): data inflates to more than the \(limit) bytes the image needs")
    }

    private static func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16)
        return "0x" + String(repeating: "0", count: 8 - digits.count) + digits
    }
}
