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
                } else {
                    note(&report, "\(label): badly formed error '\(error.message)'")
                }
            } catch {
                note(&report, "\(label): threw \(type(of: error)): \(error)")
            }
        }
        return report
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
            switch rng.integer(in: 0..<8) {
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
