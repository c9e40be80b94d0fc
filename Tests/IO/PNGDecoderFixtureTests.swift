import Foundation
import Testing
@testable import ReferenceCore
@testable import ReferenceIO
import ReferenceTestSupport

/// PNGs written by two independent encoders, Pillow and ImageMagick
/// (Fixtures/images/png/make_fixtures.py, run by hand), decoded by refvis and
/// compared bit for bit with the pixels the script saved beside them. PNG is
/// lossless and refvis scales n-bit samples by 1 / (2^n − 1) exactly as NumPy
/// does, so nothing short of exact equality is accepted.
@Suite("PNG decoder on Pillow and ImageMagick files")
struct PNGDecoderFixtureTests {
    /// Tests/IO/PNGDecoderFixtureTests.swift → repository root → Fixtures/images/png.
    static let folder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/images/png")

    /// The fixture names without ".png", sorted.
    static let names: [String] = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [])
        .filter { $0.hasSuffix(".png") }.map { String($0.dropLast(4)) }.sorted()

    static func path(_ name: String, _ ext: String) -> String { folder.appendingPathComponent(name + "." + ext).path }

    /// All fixtures as (name, bytes), for tests that damage them.
    static func corpus() throws -> [(name: String, data: Data)] { try PNGFuzz.corpus(folder: folder.path) }

    @Test func bothEncodersEveryColourTypeAndDepthAreCovered() throws {
        #expect(PNGDecoderFixtureTests.names.count >= 40)
        var seen = Set<String>()
        for name in PNGDecoderFixtureTests.names {
            let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: PNGDecoderFixtureTests.path(name, "png"))))
            let header = try PNGHeader(Array(bytes[16..<29]), name: name)
            let encoder = name.hasPrefix("pil_") ? "Pillow" : "ImageMagick"
            seen.insert("\(encoder) type \(header.colorType) depth \(header.bitDepth)")
            if header.interlaced { seen.insert("\(encoder) interlaced") }
        }
        for (type, depths) in [(0, [1, 2, 4, 8, 16]), (2, [8, 16]), (3, [1, 2, 4, 8]), (4, [8, 16]), (6, [8, 16])] {
            for depth in depths {
                #expect(seen.contains("Pillow type \(type) depth \(depth)") || seen.contains("ImageMagick type \(type) depth \(depth)"),
                        "no fixture of colour type \(type) at depth \(depth)")
            }
        }
        #expect(seen.contains("ImageMagick interlaced"))
        #expect(seen.filter { $0.hasPrefix("Pillow") }.count >= 8 && seen.filter { $0.hasPrefix("ImageMagick") }.count >= 8)
    }

    @Test(arguments: names)
    func decodesExactlyAsTheEncoderWasAsked(name: String) throws {
        let image = try PNG.read(path: PNGDecoderFixtureTests.path(name, "png"))
        let expected = try NumPyFile.read(path: PNGDecoderFixtureTests.path(name, "npy"))
        #expect(image.shape == expected.shape, "\(name): shape")
        #expect(sameBits(image, expected), "\(name): pixels differ")
    }

    /// The same data cut into IDAT chunks of 0 to 6 bytes decodes the same:
    /// chunk boundaries mean nothing to the zlib stream.
    @Test(arguments: ["im_rgb16_interlaced", "pil_palette4_trns", "im_rgba8_smooth"])
    func imageDataSplitOverManyIDATChunks(name: String) throws {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: PNGDecoderFixtureTests.path(name, "png"))))
        let chunks = PNGFuzz.chunks(bytes)
        var idat = [UInt8]()
        var rebuilt = Array(bytes[0..<8])
        var pieces = 0
        for chunk in chunks {
            let type = String(decoding: bytes[(chunk.offset + 4)..<(chunk.offset + 8)], as: UTF8.self)
            let data = Array(bytes[(chunk.offset + 8)..<(chunk.end - 4)])
            if type == "IDAT" { idat += data; continue }
            if type == "IEND" {
                var start = 0, size = 0
                while start < idat.count {
                    let end = min(idat.count, start + size)
                    rebuilt += PNGBytes.chunk("IDAT", Array(idat[start..<end]))
                    pieces += 1
                    start = end
                    size = (size + 1) % 7
                }
            }
            rebuilt += Array(bytes[chunk.offset..<chunk.end])
        }
        #expect(pieces > 20)
        let split = try PNG.decode(data: Data(rebuilt), name: name)
        #expect(sameBits(split, try PNG.read(path: PNGDecoderFixtureTests.path(name, "png"))))
    }

    /// refvis's writer (fixed-Huffman DEFLATE, adaptive filters) read back by
    /// the decoder gives the same 8-bit values, for 1, 3 and 4 channels.
    @Test(arguments: [(1, 1, 1), (1, 9, 5), (3, 7, 13), (4, 16, 3), (3, 40, 33)])
    func writerRoundTrip(channels: Int, height: Int, width: Int) throws {
        var rng = RandomGenerator(seed: UInt64(channels * 1000 + height * 10 + width))
        let count = channels * height * width
        // Smooth ramps (long matches, Sub/Up/Paeth filters) mixed with noise (literals).
        let levels = (0..<count).map { i in
            i % 3 == 0 ? rng.integer(in: 0..<256) : (i * 7 + i / width) % 256
        }
        let image = Tensor(shape: [1, channels, height, width], scalars: levels.map { Double($0) / 255 })
        let decoded = try PNG.decode(data: try PNG.encode(image), name: "round trip")
        #expect(decoded.shape == image.shape)
        #expect(sameBits(decoded, image))
        let back = decoded.scalars.map { Int(($0 * 255).rounded()) }
        #expect(back == levels)
    }

    @Test func readNamesAMissingFile() throws {
        let folder = try TemporaryDirectory()
        expectReadError(naming: folder.path("absent.png")) { try PNG.read(path: folder.path("absent.png")) }
    }
}

/// Builds PNG chunks and files in tests, with the CRCs done right.
enum PNGBytes {
    static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let body = Array(type.utf8) + data
        return be32(UInt32(data.count)) + body + be32(CRC32.of(body))
    }

    static func be32(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)]
    }

    static func ihdr(width: Int, height: Int, depth: UInt8, colorType: UInt8, interlace: UInt8 = 0) -> [UInt8] {
        chunk("IHDR", be32(UInt32(width)) + be32(UInt32(height)) + [depth, colorType, 0, 0, interlace])
    }

    /// A zlib stream around raw DEFLATE `blocks`, with the Adler-32 of `content`.
    static func zlib(_ blocks: [UInt8], content: [UInt8]) -> [UInt8] {
        [0x78, 0x01] + blocks + be32(Adler32.of(content))
    }

    /// A whole file: signature, IHDR, the given middle chunks, IEND.
    static func file(_ ihdr: [UInt8], _ middle: [UInt8]...) -> Data {
        Data(PNG.signature + ihdr + middle.flatMap { $0 } + chunk("IEND", []))
    }
}
