import ReferenceCore

/// A DEFLATE decoder (RFC 1951) for zip members that were recompressed
/// after `torch.save` — by `zip -r`, say, or Python's `zipfile` with
/// ZIP_DEFLATED. torch.save itself stores members, and its own loader
/// refuses compressed ones, but a reader that never touches the network
/// can afford to be kinder.
///
/// Written from the RFC in the canonical-code style of zlib's `puff`: short
/// and easy to check rather than fast. The output is bounded by the size the
/// zip directory records, so a "zip bomb" cannot make it allocate more, and
/// every malformed stream — bad block type, over-subscribed code, distance
/// before the start, missing end-of-block — is a `RefvisError`.
struct TorchInflate {
    private let input: UnsafeRawBufferPointer
    private var position = 0
    private var bitBuffer = 0
    private var bitCount = 0
    private var output: [UInt8] = []
    private let limit: Int

    /// Decodes `input`, which must decode to exactly `size` bytes.
    static func inflate(_ input: UnsafeRawBufferPointer, size: Int) throws -> [UInt8] {
        var decoder = TorchInflate(input: input, limit: size)
        decoder.output.reserveCapacity(size)
        var final = false
        while !final {
            final = try decoder.bits(1) == 1
            switch try decoder.bits(2) {
            case 0: try decoder.stored()
            case 1: try decoder.codes(Self.fixed.literals, Self.fixed.distances)
            case 2:
                let (literals, distances) = try decoder.dynamicTables()
                try decoder.codes(literals, distances)
            default: throw RefvisError("deflate stream has a block of type 3, which does not exist")
            }
        }
        guard decoder.output.count == size else {
            throw RefvisError("deflate stream decodes to \(decoder.output.count) bytes, not the \(size) its directory records")
        }
        return decoder.output
    }

    private init(input: UnsafeRawBufferPointer, limit: Int) {
        self.input = input
        self.limit = limit
    }

    private mutating func bits(_ count: Int) throws -> Int {
        while bitCount < count {
            guard position < input.count else { throw RefvisError("deflate stream ends early (truncated?)") }
            bitBuffer |= Int(input[position]) << bitCount
            position += 1
            bitCount += 8
        }
        let value = bitBuffer & ((1 << count) - 1)
        bitBuffer >>= count
        bitCount -= count
        return value
    }

    private mutating func emit(_ byte: UInt8) throws {
        guard output.count < limit else { throw RefvisError("deflate stream decodes to more than the \(limit) bytes its directory records") }
        output.append(byte)
    }

    /// A stored block: byte-aligned LEN, its complement, then LEN bytes.
    private mutating func stored() throws {
        bitBuffer = 0
        bitCount = 0
        guard input.count - position >= 4 else { throw RefvisError("deflate stream ends early (truncated?)") }
        let length = Int(input[position]) | Int(input[position + 1]) << 8
        let complement = Int(input[position + 2]) | Int(input[position + 3]) << 8
        position += 4
        guard length == ~complement & 0xFFFF else { throw RefvisError("deflate stored block length does not match its complement") }
        guard input.count - position >= length else { throw RefvisError("deflate stream ends early (truncated?)") }
        for i in 0..<length { try emit(input[position + i]) }
        position += length
    }

    /// A canonical Huffman code: how many codes of each length, and the
    /// symbols in code order.
    struct Code {
        var counts = [Int](repeating: 0, count: 16)
        var symbols: [Int] = []

        init(lengths: [Int]) throws {
            for length in lengths { counts[length] += 1 }
            var left = 1
            for length in 1...15 {
                left = left * 2 - counts[length]
                guard left >= 0 else { throw RefvisError("deflate stream has an over-subscribed Huffman code") }
            }
            var offsets = [Int](repeating: 0, count: 16)
            for length in 1..<15 { offsets[length + 1] = offsets[length] + counts[length] }
            symbols = [Int](repeating: 0, count: lengths.count)
            for (symbol, length) in lengths.enumerated() where length != 0 {
                symbols[offsets[length]] = symbol
                offsets[length] += 1
            }
        }
    }

    private mutating func decode(_ code: Code) throws -> Int {
        var value = 0, first = 0, index = 0
        for length in 1...15 {
            value |= try bits(1)
            let count = code.counts[length]
            if value - first < count { return code.symbols[index + value - first] }
            index += count
            first = (first + count) << 1
            value <<= 1
        }
        throw RefvisError("deflate stream has a code that its Huffman table does not define")
    }

    private static let lengthBase = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258]
    private static let lengthExtra = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0]
    private static let distanceBase = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537,
                                       2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577]
    private static let distanceExtra = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13]

    /// The fixed codes of block type 1.
    private static let fixed: (literals: Code, distances: Code) = {
        let literals = (0..<288).map { $0 < 144 ? 8 : $0 < 256 ? 9 : $0 < 280 ? 7 : 8 }
        // These lengths are complete codes by construction.
        return (try! Code(lengths: literals), try! Code(lengths: [Int](repeating: 5, count: 30)))
    }()

    /// Literals, lengths and distances until the end-of-block symbol.
    private mutating func codes(_ literals: Code, _ distances: Code) throws {
        while true {
            let symbol = try decode(literals)
            if symbol < 256 { try emit(UInt8(symbol)); continue }
            if symbol == 256 { return }
            let lengthIndex = symbol - 257
            guard lengthIndex < Self.lengthBase.count else { throw RefvisError("deflate stream has length symbol \(symbol), which does not exist") }
            let length = Self.lengthBase[lengthIndex] + (try bits(Self.lengthExtra[lengthIndex]))
            let distanceSymbol = try decode(distances)
            guard distanceSymbol < Self.distanceBase.count else {
                throw RefvisError("deflate stream has distance symbol \(distanceSymbol), which does not exist")
            }
            let distance = Self.distanceBase[distanceSymbol] + (try bits(Self.distanceExtra[distanceSymbol]))
            guard distance <= output.count else { throw RefvisError("deflate stream refers \(distance) bytes back, before its start") }
            for _ in 0..<length { try emit(output[output.count - distance]) }
        }
    }

    private static let lengthOrder = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]

    /// The code-length code, then the literal/length and distance code lengths it encodes.
    private mutating func dynamicTables() throws -> (Code, Code) {
        let literalCount = try bits(5) + 257, distanceCount = try bits(5) + 1, lengthCount = try bits(4) + 4
        guard literalCount <= 286, distanceCount <= 30 else { throw RefvisError("deflate stream has too many codes in a block header") }
        var lengthLengths = [Int](repeating: 0, count: 19)
        for i in 0..<lengthCount { lengthLengths[Self.lengthOrder[i]] = try bits(3) }
        let lengthCode = try Code(lengths: lengthLengths)
        var lengths: [Int] = []
        while lengths.count < literalCount + distanceCount {
            let symbol = try decode(lengthCode)
            var repeated = 0, times = 0
            switch symbol {
            case 0...15: lengths.append(symbol); continue
            case 16:
                guard let last = lengths.last else { throw RefvisError("deflate stream repeats a code length before the first") }
                repeated = last; times = 3 + (try bits(2))
            case 17: times = 3 + (try bits(3))
            default: times = 11 + (try bits(7))
            }
            guard lengths.count + times <= literalCount + distanceCount else {
                throw RefvisError("deflate stream repeats code lengths past the end of the table")
            }
            lengths += [Int](repeating: repeated, count: times)
        }
        guard lengths[256] != 0 else { throw RefvisError("deflate stream has no end-of-block code") }
        return (try Code(lengths: Array(lengths[..<literalCount])), try Code(lengths: Array(lengths[literalCount...])))
    }
}
