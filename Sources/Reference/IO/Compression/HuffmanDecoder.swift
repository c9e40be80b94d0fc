import ReferenceCore

/// Reads a DEFLATE stream bit by bit (RFC 1951 §3.1.1): data elements are
/// packed starting with the least significant bit of each byte; Huffman codes
/// arrive most significant bit first, so `HuffmanDecoder` takes them one bit
/// at a time.
///
/// Every read is bounds-checked and throws a one-line error naming the input
/// instead of trapping, because the bytes come from untrusted files.
struct BitReader {
    private let bytes: [UInt8]
    /// The index of the next bit, counted from bit 0 of byte 0.
    private(set) var bitPosition = 0
    /// What error messages call the input ("x.png: zlib").
    let name: String

    init(_ bytes: [UInt8], name: String) {
        self.bytes = bytes
        self.name = name
    }

    /// The whole bytes consumed so far, counting a partly read byte as consumed.
    var bytesConsumed: Int { (bitPosition + 7) / 8 }

    /// The number of bytes not yet touched.
    var bytesRemaining: Int { bytes.count - bytesConsumed }

    /// One bit.
    mutating func bit() throws -> Int {
        let index = bitPosition >> 3
        guard index < bytes.count else { throw RefvisError("\(name): compressed data ends early") }
        let value = Int(bytes[index] >> UInt8(bitPosition & 7)) & 1
        bitPosition += 1
        return value
    }

    /// `count` bits (0 to 16) as an unsigned number, first bit least significant.
    mutating func bits(_ count: Int) throws -> Int {
        guard count > 0 else { return 0 }
        guard bitPosition + count <= bytes.count * 8 else { throw RefvisError("\(name): compressed data ends early") }
        var value = 0
        for shift in 0..<count {
            value |= (Int(bytes[bitPosition >> 3] >> UInt8(bitPosition & 7)) & 1) << shift
            bitPosition += 1
        }
        return value
    }

    /// Skips to the next byte boundary (stored blocks and the zlib trailer start on one).
    mutating func alignToByte() { bitPosition = (bitPosition + 7) & ~7 }

    /// The next `count` whole bytes; the reader must be byte-aligned.
    mutating func bytes(_ count: Int) throws -> ArraySlice<UInt8> {
        let start = bitPosition >> 3
        guard count >= 0, count <= bytes.count - start else { throw RefvisError("\(name): compressed data ends early") }
        bitPosition += count * 8
        return bytes[start..<(start + count)]
    }
}

/// A canonical Huffman code (RFC 1951 §3.2.2) rebuilt from its code lengths.
///
/// Codes of one length are consecutive integers, assigned to symbols in
/// symbol order, and the first code of each length follows the last code of
/// the previous length. So the decoder needs only how many codes each length
/// has and the symbols sorted by (length, symbol): reading one bit at a time,
/// it knows after each bit whether the code so far is one of that length's codes.
///
/// The lengths are checked as zlib checks them: an over-subscribed set (more
/// codes than the bits allow) is always refused; an incomplete set (some bit
/// patterns unused) is refused unless it is a single code of one bit, which
/// RFC 1951 allows for a distance code with one symbol. A code with no symbols
/// at all is allowed (a block of literals needs no distance code) but any
/// attempt to decode with it is an error.
struct HuffmanDecoder {
    static let maxBits = 15
    /// `counts[n]`: how many symbols have a code of `n` bits (`counts[0]` unused).
    private var counts = [Int](repeating: 0, count: maxBits + 1)
    /// The symbols with a code, sorted by code length, then by symbol.
    private var symbols: [Int] = []

    /// Builds the code for `lengths[symbol]` (0 = symbol unused); `what` names
    /// the code in errors ("x.png: zlib: literal/length code lengths ...").
    init(lengths: [Int], name: String, what: String) throws {
        for length in lengths {
            guard (0...HuffmanDecoder.maxBits).contains(length) else {
                throw RefvisError("\(name): \(what) code length \(length) is beyond 15")
            }
            counts[length] += 1
        }
        counts[0] = 0
        let used = lengths.count - lengths.filter { $0 == 0 }.count
        // `left` is how many codes of the current length are still free; it
        // doubles with each extra bit and may never go negative.
        var left = 1
        for length in 1...HuffmanDecoder.maxBits {
            left = left * 2 - counts[length]
            guard left >= 0 else { throw RefvisError("\(name): \(what) code lengths are over-subscribed") }
        }
        if left > 0 && used > 0 && !(used == 1 && counts[1] == 1) {
            throw RefvisError("\(name): \(what) code lengths are incomplete")
        }
        // Symbols in (length, symbol) order: a stable pass per length.
        var offsets = [Int](repeating: 0, count: HuffmanDecoder.maxBits + 2)
        for length in 1...HuffmanDecoder.maxBits { offsets[length + 1] = offsets[length] + counts[length] }
        symbols = [Int](repeating: 0, count: used)
        for (symbol, length) in lengths.enumerated() where length > 0 {
            symbols[offsets[length]] = symbol
            offsets[length] += 1
        }
    }

    /// Reads one code and returns its symbol. A bit pattern that is no code
    /// (possible only for the empty code or the one-bit single code) is an error.
    func decode(_ reader: inout BitReader) throws -> Int {
        var code = 0       // the bits read so far, first bit most significant
        var first = 0      // the first code of the current length
        var index = 0      // where this length's symbols start in `symbols`
        for length in 1...HuffmanDecoder.maxBits {
            code |= try reader.bit()
            let count = counts[length]
            if code - first < count { return symbols[index + code - first] }
            index += count
            first = (first + count) << 1
            code <<= 1
        }
        throw RefvisError("\(reader.name): a Huffman code matches no symbol")
    }
}
