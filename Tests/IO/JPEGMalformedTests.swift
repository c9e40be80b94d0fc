import Foundation
import Testing
import ReferenceCore
import ReferenceIO
import ReferenceTestSupport

/// Damaged JPEG files, each with one specific fault: every one must fail with a
/// one-line RefvisError that names the file and the fault, before any large
/// allocation.
@Suite("Malformed JPEG files")
struct JPEGMalformedTests {
    static func fixture(_ name: String = "pil_baseline_420") throws -> [UInt8] {
        [UInt8](try Data(contentsOf: JPEGFixtureTests.folder.appendingPathComponent(name + ".jpg")))
    }

    /// The offset of the first segment with `marker` (its 0xFF byte), walking
    /// the segment lengths from SOI up to and including the first SOS.
    static func segment(_ marker: UInt8, in bytes: [UInt8]) throws -> Int {
        var p = 2
        while p + 4 <= bytes.count, bytes[p] == 0xFF {
            if bytes[p + 1] == marker { return p }
            if bytes[p + 1] == 0xDA { break }
            p += 2 + (Int(bytes[p + 2]) << 8 | Int(bytes[p + 3]))
        }
        throw RefvisError("fixture has no marker 0x\(String(marker, radix: 16))")
    }

    static func expectFault(_ bytes: [UInt8], _ fragments: [String], sourceLocation: SourceLocation = #_sourceLocation) {
        expectError(["bad.jpg"] + fragments, sourceLocation: sourceLocation) {
            _ = try JPEG.decode(data: Data(bytes), name: "bad.jpg")
        }
        do {
            _ = try JPEG.decode(data: Data(bytes), name: "bad.jpg")
        } catch let error as RefvisError {
            #expect(!error.message.contains("\n"), "not one line: \(error.message)", sourceLocation: sourceLocation)
        } catch {}
    }

    @Test func missingOrWrongMarkers() throws {
        let good = try Self.fixture()
        Self.expectFault(Array(good.dropFirst(2)), ["missing SOI"])
        Self.expectFault([], ["missing SOI"])
        Self.expectFault(Array(good.dropLast(2)), ["truncated", "EOI"])
        let sof = try Self.segment(0xC0, in: good)
        let sofLength = Int(good[sof + 2]) << 8 | Int(good[sof + 3])
        var noSOF = good
        noSOF.removeSubrange(sof..<(sof + 2 + sofLength))
        Self.expectFault(noSOF, ["SOF"])
        let sos = try Self.segment(0xDA, in: good)
        Self.expectFault(Array(good[..<sos]) + [0xFF, 0xD9], ["no SOS"])
        Self.expectFault([0xFF, 0xD8, 0xFF, 0xD9], ["no SOF"])
        var twoSOI = good
        twoSOI.insert(contentsOf: [0xFF, 0xD8], at: sof)
        Self.expectFault(twoSOI, ["second SOI"])
    }

    @Test func truncationAnywhereIsAnErrorNotATrap() throws {
        let good = try Self.fixture("pil_progressive_420")
        for cut in stride(from: 0, to: good.count - 2, by: 7) {
            expectError("bad.jpg") { _ = try JPEG.decode(data: Data(good[..<cut]), name: "bad.jpg") }
        }
        Self.expectFault(Array(good[..<(good.count / 2)]), ["truncated"])
    }

    @Test func sizesZeroAbsurdOrBeyondTheData() throws {
        let good = try Self.fixture()
        let sof = try Self.segment(0xC0, in: good)
        func withSize(height: Int, width: Int) -> [UInt8] {
            var bytes = good
            bytes[sof + 5] = UInt8(height >> 8); bytes[sof + 6] = UInt8(height & 0xFF)
            bytes[sof + 7] = UInt8(width >> 8); bytes[sof + 8] = UInt8(width & 0xFF)
            return bytes
        }
        Self.expectFault(withSize(height: 0, width: 37), ["bad image size", "37×0"])
        Self.expectFault(withSize(height: 23, width: 0), ["bad image size"])
        Self.expectFault(withSize(height: 65535, width: 65535), ["exceeds the cap of 2^28 samples"])
        Self.expectFault(withSize(height: 4000, width: 4000), ["blocks", "more than a \(good.count)-byte file can hold"])
    }

    @Test func badFrameAndTableFields() throws {
        let good = try Self.fixture()
        let sof = try Self.segment(0xC0, in: good)
        var twelveBit = good
        twelveBit[sof + 4] = 12
        Self.expectFault(twelveBit, ["12-bit samples are not supported"])
        var fiveComponents = good
        fiveComponents[sof + 9] = 5
        Self.expectFault(fiveComponents, ["5 components"])
        var badTableInFrame = good
        badTableInFrame[sof + 12] = 7  // the first component's Tq
        Self.expectFault(badTableInFrame, ["quantization table 7"])
        var arithmetic = good
        arithmetic[sof + 1] = 0xC9
        Self.expectFault(arithmetic, ["arithmetic", "not supported"])
        var lossless = good
        lossless[sof + 1] = 0xC3
        Self.expectFault(lossless, ["lossless"])
        let dqt = try Self.segment(0xDB, in: good)
        var badQuantID = good
        badQuantID[dqt + 4] = 0x05
        Self.expectFault(badQuantID, ["bad quantization table id 5"])
        var undefinedQuant = good
        undefinedQuant[dqt + 4] = 0x03  // table 0 is then never defined
        Self.expectFault(undefinedQuant, ["quantization table 0", "not defined"])
    }

    @Test func badHuffmanTables() throws {
        let good = try Self.fixture()
        let sof = try Self.segment(0xC0, in: good)
        // Three codes of length 1 cannot exist.
        let overfull: [UInt8] = [0xFF, 0xC4, 0x00, 0x16, 0x00, 3] + [UInt8](repeating: 0, count: 15) + [0, 1, 2]
        Self.expectFault(Array(good[..<sof]) + overfull + Array(good[sof...]), ["bad Huffman table", "overflow"])
        let dcSymbolTooBig: [UInt8] = [0xFF, 0xC4, 0x00, 0x14, 0x00, 1] + [UInt8](repeating: 0, count: 15) + [200]
        Self.expectFault(Array(good[..<sof]) + dcSymbolTooBig + Array(good[sof...]), ["bad Huffman table", "DC symbol 200"])
        let badClass: [UInt8] = [0xFF, 0xC4, 0x00, 0x14, 0x25, 1] + [UInt8](repeating: 0, count: 15) + [0]
        Self.expectFault(Array(good[..<sof]) + badClass + Array(good[sof...]), ["bad Huffman table", "class 2"])
        let dht = try Self.segment(0xC4, in: good)
        var tooMany = good
        tooMany[dht + 5 + 8] = 250  // more symbols than the segment holds
        Self.expectFault(tooMany, ["bad Huffman table", "do not fit"])
    }

    /// The file cut into its scans: the bytes before the first SOS, then each
    /// SOS segment with its entropy-coded data (and any tables defined just
    /// before it), leaving out the EOI.
    static func scans(of bytes: [UInt8]) throws -> (head: [UInt8], scans: [[UInt8]]) {
        let first = try segment(0xDA, in: bytes)
        var starts = [first]
        var p = first + 2
        while p + 1 < bytes.count {
            if bytes[p] == 0xFF, bytes[p + 1] != 0x00, !(0xD0...0xD7).contains(bytes[p + 1]), bytes[p + 1] != 0xFF {
                starts.append(p)
            }
            p += 1
        }
        var scans: [[UInt8]] = []
        var pending: [UInt8] = []
        for (i, start) in starts.dropLast().enumerated() {
            pending += bytes[start..<starts[i + 1]]
            if bytes[start + 1] == 0xDA { scans.append(pending); pending = [] }
        }
        return (Array(bytes[..<first]), scans)
    }

    @Test func tooManyPassesOverTheImageAreRefusedNotGrinding() throws {
        let good = try Self.fixture("pil_grey_progressive")
        let (head, scans) = try Self.scans(of: good)
        // A DC refinement scan (Ss = 0, Ah > 0) reads one bit per block and can be repeated harmlessly.
        let refine = try #require(scans.first { $0.count > 10 && $0[1] == 0xDA && $0[7] == 0 && $0[8] == 0 && $0[9] >> 4 > 0 })
        let original = try JPEG.decode(data: Data(good), name: "good.jpg")
        let rebuilt = try JPEG.decode(data: Data(head + scans.flatMap { $0 } + [0xFF, 0xD9]), name: "ok.jpg")
        #expect(rebuilt == original)
        let many = head + scans.flatMap { $0 } + Array(repeating: refine, count: 120).flatMap { $0 } + [0xFF, 0xD9]
        Self.expectFault(many, ["more than 100 passes"])
    }

    /// A real arithmetic-coded file (libjpeg-turbo's cjpeg -arithmetic, SOF9).
    @Test func arithmeticCodingFromARealEncoderIsRefused() {
        let path = JPEGFixtureTests.folder.appendingPathComponent("refused/arithmetic.jpg").path
        expectError(["arithmetic.jpg", "arithmetic-coded JPEG (SOF9) is not supported"]) { _ = try JPEG.read(path: path) }
    }

    @Test func readingAMissingFileNamesIt() {
        expectError(["nowhere.jpg", "no such file"]) { _ = try JPEG.read(path: "/nonexistent/nowhere.jpg") }
    }
}
