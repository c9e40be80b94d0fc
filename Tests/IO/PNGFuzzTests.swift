import Foundation
import Testing
@testable import ReferenceCore
@testable import ReferenceIO
import ReferenceTestSupport

/// A bounded, seeded mutation run over every fixture: each damaged file must
/// decode to a valid image or be refused with a one-line `RefvisError`. A
/// trap would end the test process, so reaching the assertions at all means
/// none of the cases crashed. Larger runs go through `PNGFuzz.run` directly.
@Suite("PNG decoder under mutation")
struct PNGFuzzTests {
    @Test func twoThousandMutationsDecodeOrAreRefused() throws {
        let corpus = try PNGDecoderFixtureTests.corpus()
        #expect(corpus.count >= 40)
        let report = PNGFuzz.run(corpus: corpus, count: 2000, seed: 12)
        #expect(report.cases == 2000)
        #expect(report.unexpected == 0, "\(report.firstUnexpected)")
        #expect(report.decoded + report.refused == 2000)
        // Both outcomes occur: mutations of ancillary chunks (with CRCs fixed) still decode.
        #expect(report.decoded > 0 && report.refused > 0)
        // The damage reaches every layer: chunk CRCs, the zlib stream, the scanline filters.
        let kinds = report.refusals.keys
        for layer in ["CRC mismatch", "zlib", "filter type"] {
            #expect(kinds.contains { $0.contains(layer) }, "no refusal mentions '\(layer)'")
        }
    }

    @Test func theSameSeedGivesTheSameCases() throws {
        let corpus = try PNGDecoderFixtureTests.corpus()
        var a = RandomGenerator(seed: 5), b = RandomGenerator(seed: 5)
        for _ in 0..<50 {
            let original = [UInt8](corpus[a.integer(in: 0..<corpus.count)].data)
            _ = b.integer(in: 0..<corpus.count)
            #expect(PNGFuzz.mutate(original, &a) == PNGFuzz.mutate(original, &b))
        }
        #expect(PNGFuzz.run(corpus: corpus, count: 100, seed: 3) == PNGFuzz.run(corpus: corpus, count: 100, seed: 3))
    }

    @Test func aCorpusFolderMustHoldPNGs() throws {
        let folder = try TemporaryDirectory()
        expectError([folder.url.path, "no .png files"]) { _ = try PNGFuzz.corpus(folder: folder.url.path) }
        expectError("cannot list") { _ = try PNGFuzz.corpus(folder: folder.path("absent")) }
    }

    @Test func fixingCRCsMakesAnEditedAncillaryChunkAcceptable() throws {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: PNGDecoderFixtureTests.path("im_rgb8", "png"))))
        let chunks = PNGFuzz.chunks(bytes)
        #expect(chunks.last?.end == bytes.count)
        // gAMA is the second chunk ImageMagick writes; change its value.
        var edited = bytes
        edited[chunks[1].offset + 9] ^= 0xFF
        #expect(throws: RefvisError.self) { try PNG.decode(data: Data(edited), name: "x") }
        PNGFuzz.fixCRCs(&edited)
        #expect(sameBits(try PNG.decode(data: Data(edited), name: "x"), try PNG.decode(data: Data(bytes), name: "x")))
    }
}
