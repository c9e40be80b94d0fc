import Foundation
import Testing
@testable import ReferenceCore
@testable import ReferenceIO
@testable import ReferenceVis
@testable import ReferenceGolden
@testable import ReferenceTestSupport

/// The PNG writer: checksums against published check values, DEFLATE against
/// an independent inflater written here from RFC 1951, and whole files whose
/// structure is checked byte by byte.
@Suite("PNG writer")
struct PNGTests {
    @Test func crc32MatchesTheStandardCheckValue() {
        // The CRC-32 of the ASCII string "123456789" is 0xCBF43926 (the standard check value).
        #expect(CRC32.of(Array("123456789".utf8)) == 0xCBF4_3926)
        // The CRC of the IEND chunk type with no data, as every PNG ends with it.
        #expect(CRC32.of(Array("IEND".utf8)) == 0xAE42_6082)
    }

    @Test func adler32MatchesRFC1950() {
        // "Wikipedia" → 0x11E60398 (the worked example of the Adler-32 definition).
        #expect(Adler32.of(Array("Wikipedia".utf8)) == 0x11E6_0398)
        #expect(Adler32.of([]) == 1)
    }

    @Test(arguments: [0, 1, 7, 300, 5000, 70_000])
    func deflateRoundTripsThroughAnIndependentInflater(length: Int) throws {
        var rng = RandomGenerator(seed: UInt64(length))
        // Runs, repeats far apart and noise: exercises literals, short and long matches.
        var input = [UInt8]()
        while input.count < length {
            switch rng.integer(in: 0..<3) {
            case 0: input += Array(repeating: UInt8(rng.integer(in: 0..<256)), count: rng.integer(in: 1..<300))
            case 1 where input.count > 10:
                let start = rng.integer(in: 0..<input.count)
                input += input[start..<min(input.count, start + rng.integer(in: 3..<260))]
            default: input += (0..<rng.integer(in: 1..<50)).map { _ in UInt8(rng.integer(in: 0..<256)) }
            }
        }
        input = Array(input.prefix(length))
        let stream = Deflate.zlib(input)
        #expect((UInt16(stream[0]) << 8 | UInt16(stream[1])) % 31 == 0, "zlib header check bits")
        let inflated = try Inflater.inflate(Array(stream[2..<(stream.count - 4)]))
        #expect(inflated == input)
        let trailer = stream.suffix(4).reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        #expect(trailer == Adler32.of(input))
    }

    @Test func pngFileHasSignatureChunksAndPixels() throws {
        // A 2×3 RGB image with known pixels.
        let image = Tensor(shape: [1, 3, 2, 3], scalars: [
            1, 0, 0, 0.5, 0, 1,      // red
            0, 1, 0, 0.5, 0, 1,      // green
            0, 0, 1, 0.5, 0, 1,      // blue
        ])
        let png = [UInt8](try PNG.encode(image))
        #expect(Array(png.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        let chunks = try parseChunks(png)
        #expect(chunks.map(\.type) == ["IHDR", "IDAT", "IEND"])
        #expect(chunks[0].data == [0, 0, 0, 3, 0, 0, 0, 2, 8, 2, 0, 0, 0])
        let pixels = try unfilter(Inflater.inflate(Array(chunks[1].data.dropFirst(2).dropLast(4))), width: 3, height: 2, bpp: 3)
        // 0.5 → round(127.5) = 128.
        #expect(pixels == [255, 0, 0, 0, 255, 0, 0, 0, 255,
                           128, 128, 128, 0, 0, 0, 255, 255, 255])
    }

    @Test func badImagesAreRefused() throws {
        #expect(throws: RefvisError.self) { try PNG.encode(Tensor(shape: [1, 2, 2, 2], scalars: Array(repeating: 0, count: 8))) }
        #expect(throws: RefvisError.self) { try PNG.encode(Tensor(shape: [2, 2], scalars: [0, 0, 0, 0])) }
        #expect(throws: RefvisError.self) { try PNG.encode(Tensor(shape: [1, 1, 1, 1], scalars: [.nan])) }
    }

    @Test func writeToAMissingFolderLeavesNothing() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("refvis-png-\(UUID().uuidString)")
        #expect(throws: RefvisError.self) {
            try PNG.write(Tensor(shape: [1, 1, 1], scalars: [0.5]), to: folder.appendingPathComponent("x.png").path)
        }
        #expect(!FileManager.default.fileExists(atPath: folder.path))
    }

    // MARK: - Independent decoding helpers, written from the specifications.

    struct Chunk { let type: String; let data: [UInt8] }

    private func parseChunks(_ png: [UInt8]) throws -> [Chunk] {
        var chunks = [Chunk]()
        var i = 8
        while i < png.count {
            let length = Int(png[i..<(i + 4)].reduce(UInt32(0)) { $0 << 8 | UInt32($1) })
            let type = String(decoding: png[(i + 4)..<(i + 8)], as: UTF8.self)
            let data = Array(png[(i + 8)..<(i + 8 + length)])
            let crc = png[(i + 8 + length)..<(i + 12 + length)].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            #expect(crc == CRC32.of(Array(png[(i + 4)..<(i + 8 + length)])), "CRC of \(type)")
            chunks.append(Chunk(type: type, data: data))
            i += 12 + length
        }
        return chunks
    }

    private func unfilter(_ data: [UInt8], width: Int, height: Int, bpp: Int) -> [UInt8] {
        let rowBytes = width * bpp
        var out = [UInt8]()
        var previous = [UInt8](repeating: 0, count: rowBytes)
        for y in 0..<height {
            let filter = data[y * (rowBytes + 1)]
            var row = Array(data[(y * (rowBytes + 1) + 1)..<((y + 1) * (rowBytes + 1))])
            for i in 0..<rowBytes {
                let a = i >= bpp ? Int(row[i - bpp]) : 0, b = Int(previous[i]), c = i >= bpp ? Int(previous[i - bpp]) : 0
                let p: Int
                switch filter {
                case 0: p = 0
                case 1: p = a
                case 2: p = b
                case 3: p = (a + b) / 2
                default:
                    let e = a + b - c, pa = abs(e - a), pb = abs(e - b), pc = abs(e - c)
                    p = (pa <= pb && pa <= pc) ? a : (pb <= pc ? b : c)
                }
                row[i] = UInt8(truncatingIfNeeded: Int(row[i]) + p)
            }
            out += row
            previous = row
        }
        return out
    }
}

/// A minimal inflater for stored and fixed-Huffman blocks (RFC 1951), used
/// only to check the compressor; it shares no code with it.
enum Inflater {
    struct Failure: Error {}

    static func inflate(_ data: [UInt8]) throws -> [UInt8] {
        var position = 0
        func bit() throws -> Int {
            guard position / 8 < data.count else { throw Failure() }
            let b = Int(data[position / 8] >> UInt8(position % 8)) & 1
            position += 1
            return b
        }
        func bits(_ n: Int) throws -> Int {
            var v = 0
            for i in 0..<n { v |= try bit() << i }
            return v
        }
        func huffman(_ n: Int) throws -> Int {
            var v = 0
            for _ in 0..<n { v = (v << 1) | (try bit()) }
            return v
        }
        func literalLength() throws -> Int {
            var code = try huffman(7)
            if code <= 0b0010111 { return code + 256 }
            code = (code << 1) | (try bit())
            if code >= 0b00110000 && code <= 0b10111111 { return code - 0b00110000 }
            if code >= 0b11000000 && code <= 0b11000111 { return code - 0b11000000 + 280 }
            code = (code << 1) | (try bit())
            return code - 0b110010000 + 144
        }
        let lengthBase = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258]
        let lengthExtra = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0]
        let distBase = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577]
        let distExtra = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13]
        var out = [UInt8]()
        var final = 0
        repeat {
            final = try bit()
            let type = try bits(2)
            if type == 0 {
                position = (position + 7) / 8 * 8
                let length = try bits(16)
                _ = try bits(16)
                for _ in 0..<length { out.append(UInt8(try bits(8))) }
            } else if type == 1 {
                while true {
                    let symbol = try literalLength()
                    if symbol < 256 { out.append(UInt8(symbol)); continue }
                    if symbol == 256 { break }
                    let li = symbol - 257
                    let length = lengthBase[li] + (try bits(lengthExtra[li]))
                    let di = try huffman(5)
                    let distance = distBase[di] + (try bits(distExtra[di]))
                    guard distance <= out.count else { throw Failure() }
                    for _ in 0..<length { out.append(out[out.count - distance]) }
                }
            } else {
                throw Failure()
            }
        } while final == 0
        return out
    }
}
