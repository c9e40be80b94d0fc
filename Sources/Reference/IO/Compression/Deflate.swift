import ReferenceCore
/// A small DEFLATE compressor (RFC 1951) using fixed-Huffman blocks.
///
/// Repeated strings are found with a hash of the next three bytes and the most
/// recent earlier position with the same hash (greedy matching, 32 KiB window);
/// everything is coded with the fixed Huffman code of RFC 1951 §3.2.6, so no
/// code tables need to be sent. Simple, deterministic, and readable by any
/// inflater — the goal is a PNG that opens everywhere, not the smallest file.
enum Deflate {
    /// A zlib stream (RFC 1950): header, DEFLATE data, Adler-32 of the input.
    static func zlib(_ input: [UInt8]) -> [UInt8] {
        // CMF 0x78: deflate with a 32 KiB window; FLG 0x01 makes CMF·256 + FLG divisible by 31.
        var output: [UInt8] = [0x78, 0x01]
        output += compress(input)
        let adler = Adler32.of(input)
        output += [UInt8(adler >> 24), UInt8((adler >> 16) & 0xFF), UInt8((adler >> 8) & 0xFF), UInt8(adler & 0xFF)]
        return output
    }

    /// Raw DEFLATE data: a single final fixed-Huffman block.
    static func compress(_ input: [UInt8]) -> [UInt8] {
        var writer = BitWriter()
        writer.write(1, count: 1)  // BFINAL
        writer.write(1, count: 2)  // BTYPE = 01, fixed Huffman
        let windowSize = 32768, minMatch = 3, maxMatch = 258
        var head = [Int](repeating: -1, count: 1 << 15)
        func hash(_ i: Int) -> Int {
            (Int(input[i]) << 10 ^ Int(input[i + 1]) << 5 ^ Int(input[i + 2])) & 0x7FFF
        }
        var i = 0
        while i < input.count {
            var matchLength = 0, matchDistance = 0
            if i + minMatch <= input.count {
                let h = hash(i)
                let candidate = head[h]
                head[h] = i
                if candidate >= 0, i - candidate <= windowSize {
                    var length = 0
                    let limit = min(maxMatch, input.count - i)
                    while length < limit && input[candidate + length] == input[i + length] { length += 1 }
                    if length >= minMatch {
                        matchLength = length
                        matchDistance = i - candidate
                    }
                }
            }
            if matchLength > 0 {
                writer.writeLength(matchLength)
                writer.writeDistance(matchDistance)
                // Index the skipped positions so later matches can find them.
                for j in (i + 1)..<(i + matchLength) where j + minMatch <= input.count { head[hash(j)] = j }
                i += matchLength
            } else {
                writer.writeLiteral(Int(input[i]))
                i += 1
            }
        }
        writer.writeLiteral(256)  // end of block
        return writer.finish()
    }
}

/// Packs bits least-significant first, as DEFLATE requires; Huffman codes are
/// written most-significant bit first (RFC 1951 §3.1.1).
struct BitWriter {
    private var bytes: [UInt8] = []
    private var buffer: UInt32 = 0
    private var filled = 0

    /// Writes the low `count` bits of `value`, least significant first.
    mutating func write(_ value: Int, count: Int) {
        for bit in 0..<count {
            buffer |= UInt32((value >> bit) & 1) << UInt32(filled)
            filled += 1
            if filled == 8 {
                bytes.append(UInt8(buffer))
                buffer = 0
                filled = 0
            }
        }
    }

    /// Writes a Huffman code of `length` bits, most significant first.
    mutating func writeCode(_ code: Int, length: Int) {
        for bit in stride(from: length - 1, through: 0, by: -1) { write((code >> bit) & 1, count: 1) }
    }

    /// The fixed literal/length code (RFC 1951 §3.2.6).
    mutating func writeLiteral(_ symbol: Int) {
        switch symbol {
        case 0...143: writeCode(0x30 + symbol, length: 8)
        case 144...255: writeCode(0x190 + symbol - 144, length: 9)
        case 256...279: writeCode(symbol - 256, length: 7)
        default: writeCode(0xC0 + symbol - 280, length: 8)
        }
    }


    mutating func writeLength(_ length: Int) {
        var code = DeflateTables.lengthBase.count - 1
        while DeflateTables.lengthBase[code] > length { code -= 1 }
        writeLiteral(257 + code)
        write(length - DeflateTables.lengthBase[code], count: DeflateTables.lengthExtra[code])
    }

    mutating func writeDistance(_ distance: Int) {
        var code = DeflateTables.distanceBase.count - 1
        while DeflateTables.distanceBase[code] > distance { code -= 1 }
        writeCode(code, length: 5)  // fixed distance codes are 5 bits
        write(distance - DeflateTables.distanceBase[code], count: DeflateTables.distanceExtra[code])
    }

    mutating func finish() -> [UInt8] {
        if filled > 0 { bytes.append(UInt8(buffer)) }
        buffer = 0
        filled = 0
        return bytes
    }
}
