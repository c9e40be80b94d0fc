import Foundation
import ReferenceCore

/// A seeded mutation fuzzer for `PNG.decode`: it damages valid PNGs in the
/// ways real files get damaged and checks that the decoder answers every one
/// with a tensor or a `RefvisError`, never a trap, a hang, another error type
/// or an out-of-range pixel.
///
/// A trap cannot be counted from inside the process, it ends it; so a run
/// that returns at all had no crashes. The same corpus, count and seed give
/// the same cases, so any failure can be replayed. The test suite runs a
/// small count; `count` is a parameter so a command line can run many more.
public enum PNGFuzz {
    /// What a run saw.
    public struct Report: Sendable, Equatable {
        /// Mutated inputs decoded.
        public var cases = 0
        /// Inputs that decoded to a well-formed tensor.
        public var decoded = 0
        /// Inputs refused with a one-line `RefvisError`.
        public var refused = 0
        /// Inputs that threw something other than a one-line `RefvisError`, or
        /// decoded to a tensor with a bad shape or a value outside [0, 1].
        public var unexpected = 0
        /// Descriptions of the first few unexpected outcomes, with the case number to replay.
        public var firstUnexpected: [String] = []
        /// How often each kind of refusal occurred: the message with the file
        /// name dropped and every number written as #, so a run shows which
        /// checks the mutations reached (CRC, IHDR, zlib, Huffman, filters, ...).
        public var refusals: [String: Int] = [:]
    }

    /// Every `.png` file in `folder`, sorted by name, as a corpus for `run`
    /// (Fixtures/images/png holds one made by Pillow and ImageMagick).
    public static func corpus(folder: String) throws -> [(name: String, data: Data)] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".png") }.sorted()
        } catch {
            throw RefvisError("\(folder): cannot list the folder of PNG files")
        }
        guard !names.isEmpty else { throw RefvisError("\(folder): no .png files to mutate") }
        return try names.map { ($0, try FileBytes.read((folder as NSString).appendingPathComponent($0))) }
    }

    /// Decodes `count` mutations of the PNGs in `corpus` (name, bytes),
    /// drawn from `RandomGenerator(seed: seed)`.
    public static func run(corpus: [(name: String, data: Data)], count: Int, seed: UInt64 = 12) -> Report {
        var report = Report()
        guard !corpus.isEmpty else { return report }
        var rng = RandomGenerator(seed: seed)
        for index in 0..<count {
            let original = corpus[rng.integer(in: 0..<corpus.count)]
            let mutated = mutate([UInt8](original.data), &rng)
            let label = "case \(index) (from \(original.name))"
            report.cases += 1
            do {
                let image = try PNG.decode(data: Data(mutated), name: "fuzz")
                if let fault = check(image) {
                    note(&report, "\(label): \(fault)")
                } else {
                    report.decoded += 1
                }
            } catch let error as RefvisError {
                if error.message.hasPrefix("fuzz: ") && !error.message.contains("\n") {
                    report.refused += 1
                    report.refusals[kind(of: error.message), default: 0] += 1
                } else {
                    note(&report, "\(label): badly formed error '\(error.message)'")
                }
            } catch {
                note(&report, "\(label): threw \(type(of: error)): \(error)")
            }
        }
        return report
    }

    /// The kind of a refusal: the message without "fuzz: ", each word holding
    /// a digit (sizes, offsets, checksums) as "#", and each chunk type other
    /// than the five the decoder reads as "????", since mutated types are endless:
    /// "CRC mismatch in chunk IHDq at byte 8" → "CRC mismatch in chunk ???? at byte #".
    private static func kind(of message: String) -> String {
        let known: Set<Substring> = ["IHDR", "PLTE", "IDAT", "IEND", "tRNS"]
        return message.dropFirst("fuzz: ".count).split(separator: " ", omittingEmptySubsequences: false).map { word -> Substring in
            if word.contains(where: \.isNumber) { return "#" }
            let core = word.prefix { $0.isLetter }
            if core.count == 4, core.count == word.count || ",;:)".contains(word.last!), core.allSatisfy(\.isASCII),
               core.contains(where: \.isUppercase), !known.contains(core) {
                return "????" + word.dropFirst(4)
            }
            return word
        }.joined(separator: " ")
    }

    private static func note(_ report: inout Report, _ text: String) {
        report.unexpected += 1
        if report.firstUnexpected.count < 10 { report.firstUnexpected.append(text) }
    }

    /// Nil when the tensor is a (1, C, H, W) image with C in 1…4 and every value in [0, 1].
    private static func check(_ image: Tensor) -> String? {
        let shape = image.shape
        guard shape.count == 4, shape[0] == 1, (1...4).contains(shape[1]), shape[2] >= 1, shape[3] >= 1,
              image.scalars.count == shape.reduce(1, *) else { return "decoded to shape \(shape)" }
        guard image.scalars.allSatisfy({ $0 >= 0 && $0 <= 1 }) else { return "decoded a value outside [0, 1]" }
        return nil
    }

    /// One to three mutations of `bytes`; half the time every chunk CRC that
    /// can be found is then recomputed, so the damage reaches past the CRC
    /// check into IHDR, PLTE, tRNS, zlib and filter handling.
    static func mutate(_ input: [UInt8], _ rng: inout RandomGenerator) -> [UInt8] {
        var bytes = input
        for _ in 0..<rng.integer(in: 1...3) {
            guard !bytes.isEmpty else { break }
            switch rng.integer(in: 0..<9) {
            case 0:  // flip one to eight bits
                for _ in 0..<rng.integer(in: 1...8) {
                    bytes[rng.integer(in: 0..<bytes.count)] ^= UInt8(1 << rng.integer(in: 0..<8))
                }
            case 1:  // replace a byte, often with a boundary value
                let value = rng.integer(in: 0..<2) == 0 ? rng.choice(from: [0, 1, 0x7F, 0x80, 0xFF]) : rng.integer(in: 0..<256)
                bytes[rng.integer(in: 0..<bytes.count)] = UInt8(value)
            case 2:  // truncate
                bytes.removeLast(rng.integer(in: 1...bytes.count))
            case 3:  // edit a chunk's length field
                if let chunk = chunks(bytes).randomElement(using: &rng) {
                    let old = readUInt32(bytes, chunk.offset)
                    let new: UInt32
                    switch rng.integer(in: 0..<4) {
                    case 0: new = old &+ UInt32(rng.integer(in: 1...16))
                    case 1: new = old &- UInt32(rng.integer(in: 1...16))
                    case 2: new = UInt32(rng.choice(from: [0, 1, 13, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF]))
                    default: new = rng.nextUInt32()
                    }
                    writeUInt32(&bytes, chunk.offset, new)
                }
            case 4:  // insert or delete a run of bytes
                let at = rng.integer(in: 0...bytes.count)
                if rng.integer(in: 0..<2) == 0 {
                    bytes.insert(contentsOf: (0..<rng.integer(in: 1...16)).map { _ in UInt8(rng.integer(in: 0..<256)) }, at: at)
                } else {
                    bytes.removeSubrange(at..<min(bytes.count, at + rng.integer(in: 1...16)))
                }
            case 5:  // drop, duplicate or swap whole chunks
                let found = chunks(bytes)
                guard found.count >= 2 else { break }
                let a = found[rng.integer(in: 0..<found.count)], b = found[rng.integer(in: 0..<found.count)]
                let pieceA = Array(bytes[a.offset..<a.end]), pieceB = Array(bytes[b.offset..<b.end])
                switch rng.integer(in: 0..<3) {
                case 0: bytes.removeSubrange(a.offset..<a.end)
                case 1: bytes.insert(contentsOf: pieceA, at: b.offset)
                default:
                    if a.offset < b.offset {
                        bytes.replaceSubrange(b.offset..<b.end, with: pieceA)
                        bytes.replaceSubrange(a.offset..<a.end, with: pieceB)
                    }
                }
            case 6:  // damage the data inside a chunk (IHDR and IDAT most useful)
                if let chunk = chunks(bytes).filter({ $0.end - $0.offset > 12 }).randomElement(using: &rng) {
                    let at = rng.integer(in: (chunk.offset + 8)..<(chunk.end - 4))
                    bytes[at] = rng.integer(in: 0..<2) == 0 ? bytes[at] ^ UInt8(1 << rng.integer(in: 0..<8)) : UInt8(rng.integer(in: 0..<256))
                }
            case 7:  // damage the pixel data beneath the compression
                damageImageData(&bytes, &rng)
            default:  // set an IHDR field to another plausible value
                if bytes.count >= 33 {
                    switch rng.integer(in: 0..<4) {
                    case 0: writeUInt32(&bytes, 16 + 4 * rng.integer(in: 0..<2), UInt32(rng.choice(from: [0, 1, 2, 7, 13, 255, 65536, 65537, 1 << 20])))
                    case 1: bytes[24] = UInt8(rng.choice(from: [0, 1, 2, 3, 4, 8, 16, 32]))
                    case 2: bytes[25] = UInt8(rng.choice(from: [0, 1, 2, 3, 4, 5, 6, 7]))
                    default: bytes[28] = UInt8(rng.integer(in: 0..<3))
                    }
                }
            }
        }
        if rng.integer(in: 0..<2) == 0 { fixCRCs(&bytes) }
        return bytes
    }

    /// Inflates the IDAT data, changes filter-type bytes, samples (palette
    /// indices too) or the length, and compresses it again as one IDAT chunk
    /// with a correct CRC and Adler-32: damage the checksums would otherwise
    /// stop before it reaches the filters and the pixels. Does nothing to a
    /// file whose IHDR or image data does not decode.
    private static func damageImageData(_ bytes: inout [UInt8], _ rng: inout RandomGenerator) {
        let found = chunks(bytes)
        func type(_ chunk: ChunkExtent) -> [UInt8] { Array(bytes[(chunk.offset + 4)..<(chunk.offset + 8)]) }
        let idat = found.filter { type($0) == Array("IDAT".utf8) }
        guard let first = found.first, type(first) == Array("IHDR".utf8), let start = idat.first, let end = idat.last,
              let header = try? PNGHeader(Array(bytes[(first.offset + 8)..<(first.end - 4)]), name: "fuzz") else { return }
        let compressed = idat.flatMap { bytes[($0.offset + 8)..<($0.end - 4)] }
        guard var raw = try? Inflate.zlib(compressed, expectedSize: header.dataSize, name: "fuzz"), !raw.isEmpty else { return }
        for _ in 0..<rng.integer(in: 1...4) {
            if raw.isEmpty { raw.append(0) }
            switch rng.integer(in: 0..<4) {
            case 0:  // a filter-type byte of the first scanline becomes anything
                raw[0] = UInt8(rng.integer(in: 0..<256))
            case 1:  // any byte: a filter type, a sample or a palette index
                raw[rng.integer(in: 0..<raw.count)] = UInt8(rng.integer(in: 0..<256))
            case 2:
                raw.removeLast(rng.integer(in: 1...min(raw.count, 8)))
            default:
                raw += (0..<rng.integer(in: 1...8)).map { _ in UInt8(rng.integer(in: 0..<256)) }
            }
        }
        let data = Deflate.zlib(raw)
        let body = Array("IDAT".utf8) + data
        var chunk = [UInt8](repeating: 0, count: 4) + body + [0, 0, 0, 0]
        writeUInt32(&chunk, 0, UInt32(data.count))
        writeUInt32(&chunk, chunk.count - 4, CRC32.of(body))
        bytes.replaceSubrange(start.offset..<end.end, with: chunk)
    }

    /// A chunk's extent: its length field at `offset`, its CRC ending at `end`.
    struct ChunkExtent { let offset: Int; let end: Int }

    /// The chunks that fit in `bytes`, walking from the signature until a length runs past the end.
    static func chunks(_ bytes: [UInt8]) -> [ChunkExtent] {
        var found = [ChunkExtent]()
        var offset = 8
        while bytes.count - offset >= 12 {
            let length = Int(readUInt32(bytes, offset))
            guard length <= bytes.count - offset - 12 else { break }
            found.append(ChunkExtent(offset: offset, end: offset + 12 + length))
            offset += 12 + length
        }
        return found
    }

    /// Recomputes the CRC of every chunk `chunks` finds.
    static func fixCRCs(_ bytes: inout [UInt8]) {
        for chunk in chunks(bytes) { writeUInt32(&bytes, chunk.end - 4, CRC32.of(bytes[(chunk.offset + 4)..<(chunk.end - 4)])) }
    }

    private static func readUInt32(_ bytes: [UInt8], _ at: Int) -> UInt32 {
        bytes[at..<(at + 4)].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
    }

    private static func writeUInt32(_ bytes: inout [UInt8], _ at: Int, _ value: UInt32) {
        for i in 0..<4 where at + i < bytes.count { bytes[at + i] = UInt8((value >> (24 - 8 * UInt32(i))) & 0xFF) }
    }
}

extension Array {
    /// A uniformly chosen element drawn from refvis's generator, nil when empty.
    fileprivate func randomElement(using rng: inout RandomGenerator) -> Element? {
        isEmpty ? nil : self[rng.integer(in: 0..<count)]
    }
}
