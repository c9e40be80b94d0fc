import ReferenceCore

/// A canonical Huffman table from a DHT segment (ITU T.81 annex C), decoded one
/// bit at a time with the MAXCODE/VALPTR scheme of T.81 F.2.2.3: slower than a
/// lookup table, but short and obviously bounded (at most 16 bits per symbol).
struct JPEGHuffmanTable {
    /// For each length 1…16 the largest code of that length, or -1 if none.
    private var maxCode = [Int](repeating: -1, count: 17)
    private var minCode = [Int](repeating: 0, count: 17)
    private var valuePointer = [Int](repeating: 0, count: 17)
    private var values: [UInt8]

    /// Builds the table from the 16 counts and the symbols, refusing what
    /// libjpeg refuses (jdhuff.c): more than 256 symbols, a code that does not fit
    /// in its length, and for DC tables a symbol above 15 (a DC difference has at
    /// most 15 bits at 8-bit precision; larger would read garbage).
    init(counts: [Int], values: [UInt8], isDC: Bool, name: String) throws {
        guard counts.count == 16, counts.reduce(0, +) == values.count, values.count <= 256 else {
            throw RefvisError("\(name): bad Huffman table: \(values.count) symbols")
        }
        if isDC, let bad = values.first(where: { $0 > 15 }) {
            throw RefvisError("\(name): bad Huffman table: DC symbol \(bad) is above 15")
        }
        self.values = values
        var code = 0
        var k = 0
        for length in 1...16 {
            let n = counts[length - 1]
            if n > 0 {
                valuePointer[length] = k
                minCode[length] = code
                code += n
                k += n
                maxCode[length] = code - 1
            }
            guard code <= 1 << length else {
                throw RefvisError("\(name): bad Huffman table: the code lengths overflow at length \(length)")
            }
            code <<= 1
        }
    }

    /// The next symbol; a bit pattern that is no code at all is an error (libjpeg
    /// warns and substitutes 0; refusing is clearer for a reference decoder).
    func decode(_ reader: inout JPEGBitReader) throws -> Int {
        var code = 0
        for length in 1...16 {
            code = (code << 1) | reader.bit()
            if code <= maxCode[length] {
                return Int(values[valuePointer[length] + code - minCode[length]])
            }
        }
        throw RefvisError("\(reader.name): corrupt data: a Huffman code that is in no table")
    }
}

/// Reads entropy-coded bits MSB first, removing the 0x00 stuffed after each 0xFF.
/// On reaching a marker it supplies zero bits without passing it, as libjpeg does
/// (jdhuff.c), so a short scan ends at the marker instead of eating the next
/// segment; running off the end of the file is "truncated data".
struct JPEGBitReader {
    let bytes: [UInt8]
    let name: String
    /// The next byte to read; at a marker, the position of its 0xFF.
    private(set) var position: Int
    private var buffer = 0
    private var bitsLeft = 0
    private(set) var atMarker = false
    /// Set when the data ran out; checked after each block so `bit()` can stay non-throwing.
    private(set) var truncated = false

    init(bytes: [UInt8], position: Int, name: String) {
        self.bytes = bytes
        self.position = position
        self.name = name
    }

    mutating func bit() -> Int {
        if bitsLeft == 0 { load() }
        bitsLeft -= 1
        return (buffer >> bitsLeft) & 1
    }

    /// `count` (0…16) bits as an unsigned number.
    mutating func bits(_ count: Int) -> Int {
        var value = 0
        for _ in 0..<count { value = (value << 1) | bit() }
        return value
    }

    /// T.81 F.2.2.1 EXTEND: `count` bits as a signed magnitude-category value.
    mutating func receiveExtend(_ count: Int) -> Int {
        guard count > 0 else { return 0 }
        let value = bits(count)
        return value < 1 << (count - 1) ? value - (1 << count) + 1 : value
    }

    private mutating func load() {
        bitsLeft = 8
        if atMarker || truncated { buffer = 0; return }
        guard position < bytes.count else { truncated = true; buffer = 0; return }
        let byte = bytes[position]
        if byte == 0xFF {
            guard position + 1 < bytes.count else { truncated = true; buffer = 0; return }
            let next = bytes[position + 1]
            if next == 0x00 {
                position += 2
            } else {
                atMarker = true
                buffer = 0
                return
            }
        } else {
            position += 1
        }
        buffer = Int(byte)
    }

    func checkNotTruncated() throws {
        if truncated { throw RefvisError("\(name): truncated data: the file ends inside a scan") }
    }

    /// At a restart interval boundary: drop the partial byte and pass the RSTn
    /// marker if it is next (after any stray bytes). A missing RSTn is tolerated,
    /// as libjpeg does, by decoding on from wherever the data is.
    mutating func restart() {
        bitsLeft = 0
        var p = position
        while p + 1 < bytes.count, !(bytes[p] == 0xFF && bytes[p + 1] != 0x00 && bytes[p + 1] != 0xFF) { p += 1 }
        if p + 1 < bytes.count, (0xD0...0xD7).contains(bytes[p + 1]) {
            position = p + 2
            atMarker = false
        } else if p + 1 < bytes.count {
            position = p
            atMarker = true
        }
    }
}
