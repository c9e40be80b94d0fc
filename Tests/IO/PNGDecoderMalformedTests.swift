import Foundation
import Testing
@testable import ReferenceCore
@testable import ReferenceIO
import ReferenceTestSupport

/// Every fault the decoder promises to name: each file here is built by hand
/// to carry exactly one, and must be refused with a one-line error that
/// starts with the file's name and says what is wrong.
@Suite("PNG decoder refuses damaged files")
struct PNGDecoderMalformedTests {
    /// A 2×1 8-bit grey image, filter 0, pixels 10 and 200, in one stored block.
    static let rows: [UInt8] = [0, 10, 200]
    static let grey2x1 = PNGBytes.ihdr(width: 2, height: 1, depth: 8, colorType: 0)

    /// A stored DEFLATE block holding `content` (final).
    static func stored(_ content: [UInt8]) -> [UInt8] {
        let n = UInt16(content.count)
        return [1, UInt8(n & 0xFF), UInt8(n >> 8), UInt8(~n & 0xFF), UInt8(~n >> 8)] + content
    }

    static func idat(_ content: [UInt8]) -> [UInt8] {
        PNGBytes.chunk("IDAT", PNGBytes.zlib(stored(content), content: content))
    }

    static func refuse(_ data: Data, _ fragment: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let error = expectReadError(naming: "bad.png", sourceLocation: sourceLocation) { try PNG.decode(data: data, name: "bad.png") }
        if let error, !fragment.isEmpty, !error.message.contains(fragment) {
            Issue.record("'\(error.message)' does not mention '\(fragment)'", sourceLocation: sourceLocation)
        }
    }

    @Test func theHandBuiltFileIsValid() throws {
        let image = try PNG.decode(data: PNGBytes.file(Self.grey2x1, Self.idat(Self.rows)), name: "good.png")
        #expect(image.shape == [1, 1, 1, 2])
        #expect(image.scalars == [10.0 / 255, 200.0 / 255])
    }

    @Test func fileStructureFaults() {
        let good = [UInt8](PNGBytes.file(Self.grey2x1, Self.idat(Self.rows)))
        Self.refuse(Data("GIF89a".utf8), "not a PNG")
        Self.refuse(Data(PNG.signature + Self.grey2x1 + Self.idat(Self.rows)), "without an IEND")
        Self.refuse(PNGBytes.file(Self.grey2x1), "no IDAT")
        Self.refuse(Data(PNG.signature + Self.idat(Self.rows) + Self.grey2x1 + PNGBytes.chunk("IEND", [])), "expected IHDR")
        var badCRC = good
        badCRC[42] ^= 0x01  // inside the IDAT data
        Self.refuse(Data(badCRC), "CRC mismatch in chunk IDAT")
        var badLength = good
        badLength[33 + 3] = 0xF0  // the IDAT length now runs past the end
        Self.refuse(Data(badLength), "truncated")
        Self.refuse(PNGBytes.file(Self.grey2x1, PNGBytes.chunk("ABCD", [1]), Self.idat(Self.rows)), "unknown critical chunk ABCD")
        Self.refuse(PNGBytes.file(Self.grey2x1, Self.idat([0, 10]) , PNGBytes.chunk("tEXt", Array("a\0b".utf8)),
                                  PNGBytes.chunk("IDAT", [200])), "not consecutive")
        Self.refuse(Data(good.dropLast(12) + PNGBytes.chunk("IEND", [0])), "IEND chunk has 1 data bytes")
        // Ancillary chunks are skipped, CRC-checked, wherever they are.
        #expect((try? PNG.decode(data: PNGBytes.file(Self.grey2x1, PNGBytes.chunk("gAMA", [0, 0, 0xB1, 0x8F]), Self.idat(Self.rows)),
                                 name: "ok.png")) != nil)
        // Every proper prefix of a valid file is refused.
        for length in 0..<good.count { Self.refuse(Data(good.prefix(length)), "") }
    }

    @Test func headerFaultsAndSizeCaps() {
        let data = Self.idat(Self.rows)
        Self.refuse(PNGBytes.file(PNGBytes.ihdr(width: 0, height: 1, depth: 8, colorType: 0), data), "at least 1")
        Self.refuse(PNGBytes.file(PNGBytes.ihdr(width: 65537, height: 1, depth: 8, colorType: 0), data), "at most 65536 pixels a side")
        Self.refuse(PNGBytes.file(PNGBytes.ihdr(width: 65536, height: 65536, depth: 1, colorType: 0), data), "2^28 samples")
        Self.refuse(PNGBytes.file(PNGBytes.ihdr(width: 0xFFFF_FFFF, height: 0xFFFF_FFFF, depth: 8, colorType: 6), data), "a side")
        Self.refuse(PNGBytes.file(PNGBytes.ihdr(width: 2, height: 1, depth: 4, colorType: 2), data), "bit depth 4 is not allowed")
        Self.refuse(PNGBytes.file(PNGBytes.ihdr(width: 2, height: 1, depth: 16, colorType: 3), data), "bit depth 16 is not allowed")
        Self.refuse(PNGBytes.file(PNGBytes.ihdr(width: 2, height: 1, depth: 8, colorType: 5), data), "colour type 5")
        Self.refuse(PNGBytes.file(PNGBytes.ihdr(width: 2, height: 1, depth: 8, colorType: 0, interlace: 2), data), "interlace method 2")
        Self.refuse(PNGBytes.file(PNGBytes.chunk("IHDR", Array(Self.grey2x1[8..<20])), data), "IHDR is 12 bytes")
    }

    @Test func paletteAndTransparencyFaults() {
        let ihdr = PNGBytes.ihdr(width: 2, height: 1, depth: 8, colorType: 3)
        let plte = PNGBytes.chunk("PLTE", [1, 2, 3, 4, 5, 6])
        Self.refuse(PNGBytes.file(ihdr, Self.idat([0, 0, 1])), "no PLTE")
        Self.refuse(PNGBytes.file(ihdr, plte, Self.idat([0, 0, 2])), "palette index 2")
        Self.refuse(PNGBytes.file(ihdr, PNGBytes.chunk("PLTE", [1, 2, 3, 4]), Self.idat([0, 0, 1])), "PLTE has 4 bytes")
        Self.refuse(PNGBytes.file(ihdr, plte, PNGBytes.chunk("tRNS", [1, 2, 3]), Self.idat([0, 0, 1])), "3 alphas for a palette of 2")
        Self.refuse(PNGBytes.file(Self.grey2x1, plte, Self.idat(Self.rows)), "PLTE chunk in a greyscale image")
        Self.refuse(PNGBytes.file(Self.grey2x1, PNGBytes.chunk("tRNS", [0]), Self.idat(Self.rows)), "expected 2")
        let rgba = PNGBytes.ihdr(width: 1, height: 1, depth: 8, colorType: 6)
        Self.refuse(PNGBytes.file(rgba, PNGBytes.chunk("tRNS", [0, 0]), Self.idat([0, 1, 2, 3, 4])), "alpha channel")
        let decoded = try? PNG.decode(data: PNGBytes.file(ihdr, plte, PNGBytes.chunk("tRNS", [51]), Self.idat([0, 0, 1])), name: "p.png")
        #expect(decoded?.shape == [1, 4, 1, 2])
        #expect(decoded?.scalars == [1, 4, 2, 5, 3, 6, 51, 255].map { Double($0) / 255 })
    }

    @Test func imageDataFaults() {
        Self.refuse(PNGBytes.file(Self.grey2x1, Self.idat([5, 10, 200])), "filter type 5")
        Self.refuse(PNGBytes.file(Self.grey2x1, Self.idat([0, 10])), "inflates to 2 bytes, expected 3")
        Self.refuse(PNGBytes.file(Self.grey2x1, Self.idat([0, 10, 200, 7])), "more than the 3 bytes")
        var wrongAdler = PNGBytes.zlib(Self.stored(Self.rows), content: Self.rows)
        wrongAdler[wrongAdler.count - 1] ^= 1
        Self.refuse(PNGBytes.file(Self.grey2x1, PNGBytes.chunk("IDAT", wrongAdler)), "Adler-32")
        let extra = PNGBytes.zlib(Self.stored(Self.rows), content: Self.rows) + [0]
        Self.refuse(PNGBytes.file(Self.grey2x1, PNGBytes.chunk("IDAT", extra)), "1 bytes follow the end")
        let dictionary: [UInt8] = [0x78, 0x20] + Self.stored(Self.rows)  // 0x7820 is a multiple of 31
        Self.refuse(PNGBytes.file(Self.grey2x1, PNGBytes.chunk("IDAT", dictionary)), "preset dictionary")
        Self.refuse(PNGBytes.file(Self.grey2x1, PNGBytes.chunk("IDAT", [0x78, 0x02] + Self.stored(Self.rows))), "check bits")
        Self.refuse(PNGBytes.file(Self.grey2x1, PNGBytes.chunk("IDAT", [0x79, 0x01] + Self.stored(Self.rows))),
                    "compression method 9")
    }

    /// Raw DEFLATE faults, each in a zlib stream inside an otherwise good PNG.
    @Test func deflateFaults() {
        func refuseBlocks(_ blocks: [UInt8], _ fragment: String, sourceLocation: SourceLocation = #_sourceLocation) {
            Self.refuse(PNGBytes.file(Self.grey2x1, PNGBytes.chunk("IDAT", PNGBytes.zlib(blocks, content: Self.rows))), fragment,
                        sourceLocation: sourceLocation)
        }
        refuseBlocks([0x07], "block type 3 is reserved")
        refuseBlocks([1, 3, 0, 0xFC, 0xFE, 0, 10, 200], "does not match its complement")
        Self.refuse(PNGBytes.file(Self.grey2x1, PNGBytes.chunk("IDAT", [0x78, 0x01, 0x01, 3, 0])), "compressed data ends early")
        // Fixed block: a literal, then a copy from 5 bytes back with only 1 written.
        var far = BitWriter()
        far.write(1, count: 1); far.write(1, count: 2)
        far.writeLiteral(0); far.writeLength(3); far.writeDistance(5); far.writeLiteral(256)
        refuseBlocks(far.finish(), "distance 5 reaches back before the start")
        // Fixed block: literal/length symbol 286 never occurs.
        var symbol286 = BitWriter()
        symbol286.write(1, count: 1); symbol286.write(1, count: 2); symbol286.writeLiteral(286)
        refuseBlocks(symbol286.finish(), "length symbol 286")
        // Dynamic block: 19 code-length codes all of one bit are over-subscribed.
        var over = BitWriter()
        over.write(1, count: 1); over.write(2, count: 2)
        over.write(0, count: 5); over.write(0, count: 5); over.write(15, count: 4)
        for _ in 0..<19 { over.write(1, count: 3) }
        refuseBlocks(over.finish(), "code-length code lengths are over-subscribed")
        // Dynamic block: code-length code {0: 1 bit, 16: 1 bit}; the first length is "repeat previous".
        var repeatFirst = BitWriter()
        repeatFirst.write(1, count: 1); repeatFirst.write(2, count: 2)
        repeatFirst.write(0, count: 5); repeatFirst.write(0, count: 5); repeatFirst.write(0, count: 4)
        repeatFirst.write(1, count: 3); repeatFirst.write(0, count: 3); repeatFirst.write(0, count: 3); repeatFirst.write(1, count: 3)
        repeatFirst.writeCode(1, length: 1)  // code 0 is symbol 0, code 1 is symbol 16
        refuseBlocks(repeatFirst.finish(), "repeat with no previous length")
        // Dynamic block whose lengths give symbol 256 no code.
        var noEnd = BitWriter()
        noEnd.write(1, count: 1); noEnd.write(2, count: 2)
        noEnd.write(0, count: 5); noEnd.write(0, count: 5); noEnd.write(0, count: 4)
        noEnd.write(0, count: 3); noEnd.write(1, count: 3); noEnd.write(1, count: 3); noEnd.write(0, count: 3)  // 17 → 0, 18 → 1
        noEnd.writeCode(1, length: 1); noEnd.write(127, count: 7)  // 18: 138 zeros
        noEnd.writeCode(1, length: 1); noEnd.write(109, count: 7)  // 18: 120 zeros, 258 in all
        refuseBlocks(noEnd.finish(), "no end-of-block code")
        // The same, but a third run of zeros goes past the 258 lengths.
        var past = BitWriter()
        past.write(1, count: 1); past.write(2, count: 2)
        past.write(0, count: 5); past.write(0, count: 5); past.write(0, count: 4)
        past.write(0, count: 3); past.write(1, count: 3); past.write(1, count: 3); past.write(0, count: 3)
        for _ in 0..<2 { past.writeCode(1, length: 1); past.write(127, count: 7) }
        refuseBlocks(past.finish(), "runs past the 258 lengths")
    }

    /// A stored block refuses to copy beyond the size the image needs, before copying.
    @Test func aLargeDeclaredOutputIsRefusedBeforeItIsWritten() {
        let content = [UInt8](repeating: 0, count: 60_000)
        Self.refuse(PNGBytes.file(Self.grey2x1, Self.idat(content)), "more than the 3 bytes")
    }
}
