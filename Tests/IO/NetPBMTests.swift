import Foundation
import Testing
import ReferenceCore
import ReferenceIO
import ReferenceVis
import ReferenceGolden
import ReferenceTestSupport

/// A header string followed by raw raster bytes.
private func pnm(_ header: String, _ raster: [UInt8]) -> Data {
    Data(Array(header.utf8) + raster)
}

/// The expected values: each sample divided by maxval.
private func scaled(_ samples: [Double], by maxval: Double) -> [Double] { samples.map { $0 / maxval } }

private func readNetPBM(_ data: Data) throws -> Tensor { try NetPBM.read(data: data, name: "t.ppm") }

/// The one-line RefvisError naming t.ppm that reading `data` must throw (see `expectReadError`).
private func readNetPBMError(_ data: Data, sourceLocation: SourceLocation = #_sourceLocation) -> RefvisError? {
    expectReadError(naming: "t.ppm", sourceLocation: sourceLocation) { try readNetPBM(data) }
}

@Suite("NetPBM reading")
struct NetPBMReadTests {
    /// A 2x2 P6 image: red, green / blue, white. Interleaved RGB in the file,
    /// planar (1, 3, 2, 2) in the tensor.
    @Test func ppmIsPlanarInZeroOne() throws {
        let raster: [UInt8] = [255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255]
        let t = try readNetPBM(pnm("P6\n2 2\n255\n", raster))
        #expect(t.shape == [1, 3, 2, 2])
        #expect(t.scalars == [1, 0, 0, 1,   // red plane
                              0, 1, 0, 1,   // green plane
                              0, 0, 1, 1])  // blue plane
    }

    /// Samples are divided by maxval: 51/255 = 0.2 (and 255/255 exactly 1).
    @Test func pgmWithOneByteSamples() throws {
        let t = try readNetPBM(pnm("P5 3 1 255\n", [0, 51, 255]))
        #expect(t.shape == [1, 1, 1, 3])
        #expect(t.scalars == scaled([0, 51, 255], by: 255))
    }

    /// maxval ≥ 256 uses two bytes per sample, most significant first:
    /// 0x01 0x00 = 256, 0xFF 0xFF = 65535.
    @Test func twoByteSamplesAreBigEndian() throws {
        let t = try readNetPBM(pnm("P5\n3 1\n65535\n", [0x01, 0x00, 0xFF, 0xFF, 0x00, 0x01]))
        #expect(t.scalars == scaled([256, 65535, 1], by: 65535))
        let rgb = try readNetPBM(pnm("P6 1 1 1000\n", [0x03, 0xE8, 0x01, 0xF4, 0x00, 0x00]))
        #expect(rgb.scalars == [1, 0.5, 0])  // 1000, 500, 0 of 1000
    }

    @Test func smallMaxvals() throws {
        #expect(try readNetPBM(pnm("P5 2 1 1\n", [0, 1])).scalars == [0, 1])
        #expect(try readNetPBM(pnm("P5 2 1 15\n", [3, 15])).scalars == [0.2, 1])
    }

    @Test func commentsAndWhitespaceInTheHeader() throws {
        let headers = [
            "P5 2 1 255\n",
            "P5\n# a comment\n2 1\n255\n",
            "P5#comment right after the magic\n2\t1\r\n255\r",
            "P5 2 # width then\n # more comments\n1 255 ",
            "P5\n2 1\n255# a comment before the single delimiter\n",
            "P5\n\n\n   2    1\n\n255\n",
        ]
        for header in headers {
            let t = try readNetPBM(pnm(header, [10, 20]))
            #expect(t.scalars == scaled([10, 20], by: 255), "\(header.debugDescription)")
        }
    }

    /// Only one whitespace byte follows maxval: a raster that starts with the
    /// byte values of space or newline must not be eaten as more whitespace.
    @Test func rasterMayStartWithWhitespaceBytes() throws {
        let t = try readNetPBM(pnm("P5 3 1 255\n", [0x20, 0x0A, 0x23]))
        #expect(t.scalars == scaled([32, 10, 35], by: 255))
    }

    @Test func trailingWhitespaceIsToleratedButNotData() throws {
        #expect(try readNetPBM(pnm("P5 1 1 255\n", [7, 0x0A])).scalars == scaled([7], by: 255))
        let error = readNetPBMError(pnm("P5 1 1 255\n", [7, 8, 9]))
        #expect(error?.message.contains("2 extra bytes") == true)
    }

    @Test func badMagic() {
        #expect(readNetPBMError(Data())?.message.contains("bad magic") == true)
        #expect(readNetPBMError(pnm("Q6 1 1 255\n", [0, 0, 0]))?.message.contains("bad magic") == true)
        #expect(readNetPBMError(pnm("P7 1 1 255\n", [0, 0, 0]))?.message.contains("bad magic") == true)
        #expect(readNetPBMError(pnm("\u{89}PNG", []))?.message.contains("bad magic") == true)
        #expect(readNetPBMError(pnm("P3 1 1 255\n0 0 0\n", []))?.message.contains("P3 (plain text") == true)
    }

    @Test func truncatedRasterNamesTheClaim() {
        let error = readNetPBMError(pnm("P6\n4 3\n255\n", [UInt8](repeating: 0, count: 20)))
        #expect(error?.message == "t.ppm: truncated image: header says 4x3 P6 maxval 255 = 36 bytes of raster, file has 20")
        let wide = readNetPBMError(pnm("P5 2 2 65535\n", [0, 0, 0, 0, 0, 0, 0]))
        #expect(wide?.message.contains("= 8 bytes of raster, file has 7") == true)
    }

    @Test(arguments: ["P6", "P6 ", "P6 2", "P6 2 2", "P6 2 2 255", "P6 2 2 # no maxval\n", "P6 2 2 255#unended"])
    func truncatedHeader(header: String) {
        #expect(readNetPBMError(pnm(header, []))?.message.contains("truncated") == true)
    }

    @Test(arguments: ["P5 0 1 255\n", "P5 1 0 255\n"])
    func emptyImages(header: String) {
        #expect(readNetPBMError(pnm(header, []))?.message.contains("empty") == true)
    }

    @Test func maxvalOutOfRange() {
        #expect(readNetPBMError(pnm("P5 1 1 0\n", [0]))?.message.contains("maxval 0 is outside 1...65535") == true)
        #expect(readNetPBMError(pnm("P5 1 1 65536\n", [0, 0]))?.message.contains("maxval 65536") == true)
        #expect(readNetPBMError(pnm("P5 1 1 99999999999999999999999\n", [0]))?.message.contains("maxval") == true)
    }

    @Test func sampleAboveMaxval() {
        let error = readNetPBMError(pnm("P5 2 1 100\n", [100, 101]))
        #expect(error?.message.contains("sample 101 at row 0, column 1 exceeds maxval 100") == true)
        #expect(readNetPBMError(pnm("P5 1 1 1000\n", [0x03, 0xE9])) != nil)  // 1001
    }

    /// Sizes are checked before allocating: 100000 x 100000 x 3 > 2^31.
    @Test func absurdSizes() {
        #expect(readNetPBMError(pnm("P6 100000 100000 255\n", [0]))?.message.contains("more than 2^31") == true)
        #expect(readNetPBMError(pnm("P5 65536 65537 255\n", [0]))?.message.contains("more than 2^31") == true)
        #expect(readNetPBMError(pnm("P5 99999999999999999999999 1 255\n", [0]))?.message.contains("absurdly large") == true)
    }

    @Test(arguments: ["P6 abc 2 255\n", "P6 2x 2 255\n", "P6 2 -2 255\n", "P6 2 2 25.5\n", "P6 +2 2 255\n",
                      "P62 2 255\n", "P6 2 2 255x"])
    func nonNumericFields(header: String) {
        #expect(readNetPBMError(pnm(header, [UInt8](repeating: 0, count: 12))) != nil)
    }

    /// Every prefix of a valid file must throw a RefvisError, never trap.
    @Test func noPrefixTraps() throws {
        let valid = Array(pnm("P6 # c\n2 2\n65535\n", [UInt8](repeating: 0x41, count: 24)))
        _ = try readNetPBM(Data(valid))
        for length in 0..<valid.count {
            do { _ = try readNetPBM(Data(valid.prefix(length))) } catch is RefvisError {} catch {
                Issue.record("unexpected \(error)")
            }
        }
    }

    @Test func readingAMissingFileThrows() throws {
        let directory = try TemporaryDirectory(prefix: "refvis-io-test")
        #expect(throws: RefvisError.self) { try NetPBM.read(path: directory.path("missing.ppm")) }
    }
}

@Suite("NetPBM writing")
struct NetPBMWriteTests {
    @Test func ppmBytes() throws {
        // Planar (1, 3, 1, 2): pixel 0 = (1, 0, 0.2), pixel 1 = (0, 1, 0.4).
        let image = Tensor(shape: [1, 3, 1, 2], scalars: [1, 0, 0, 1, 0.2, 0.4])
        let bytes = Array(try NetPBM.encode(image, name: "x.ppm"))
        #expect(bytes == Array("P6\n2 1\n255\n".utf8) + [255, 0, 51, 0, 255, 102])
    }

    @Test func pgmFromARank3TensorWithTwoByteSamples() throws {
        // 0.5 · 65535 = 32767.5 rounds (half away from zero) to 32768 = 0x8000.
        let image = Tensor(shape: [1, 1, 2], scalars: [0.5, 1])
        let bytes = Array(try NetPBM.encode(image, maxval: 65535, name: "x.pgm"))
        #expect(bytes == Array("P5\n2 1\n65535\n".utf8) + [0x80, 0x00, 0xFF, 0xFF])
    }

    /// Clamped to [0, 1], then rounded to nearest: 127.5 → 128, 0.4 · 255 = 102.
    @Test func valuesAreClampedAndRounded() throws {
        let values: [Double] = [-0.5, 1.7, 0.5, .infinity, -.infinity, 0.4, 0.001, 0.002]
        let image = Tensor(shape: [1, 1, 1, values.count], scalars: values)
        let bytes = Array(try NetPBM.encode(image, name: "x.pgm"))
        let header = Array("P5\n8 1\n255\n".utf8)
        #expect(Array(bytes[header.count...]) == [0, 255, 128, 255, 0, 102, 0, 1])  // 0.255 → 0, 0.51 → 1
    }

    @Test func nanIsAnErrorAndNothingIsWritten() throws {
        let directory = try TemporaryDirectory(prefix: "refvis-io-test")
        let path = directory.path("nan.ppm")
        let image = Tensor(shape: [3, 2, 2], scalars: [0, 0, 0, 0, 0, 0, 0, .nan, 0, 0, 0, 0])
        let error = try #require(throws: RefvisError.self) { try NetPBM.write(image, to: path) }
        #expect(error.message == path + ": cannot store NaN (channel 1, row 1, column 1) in an image")
        #expect(try directory.listing().isEmpty)
    }

    @Test func badShapesAndMaxvals() {
        let cases: [(Tensor, Int)] = [
            (Tensor.zeros([2, 3, 2, 2]), 255),   // batch of 2
            (Tensor.zeros([1, 2, 2, 2]), 255),   // 2 channels
            (Tensor.zeros([4, 2, 2]), 255),      // 4 channels
            (Tensor.zeros([2, 2]), 255),         // rank 2
            (Tensor.zeros([1, 3, 0, 2]), 255),   // empty
            (Tensor.zeros([1, 1, 2, 2]), 0),
            (Tensor.zeros([1, 1, 2, 2]), 65536),
        ]
        for (image, maxval) in cases {
            #expect(throws: RefvisError.self) { try NetPBM.encode(image, maxval: maxval, name: "x.ppm") }
        }
    }

    /// Values k / maxval survive write then read exactly.
    @Test(arguments: [(3, 255), (1, 255), (3, 65535), (1, 1000), (3, 1)])
    func roundTripThroughAFile(channels: Int, maxval: Int) throws {
        let directory = try TemporaryDirectory(prefix: "refvis-io-test")
        let path = directory.path("image.pnm")
        let (height, width) = (3, 5)
        let count = channels * height * width
        var generator = RandomGenerator(seed: 17)
        let samples = (0..<count).map { _ in generator.integer(in: 0...maxval) }
        let image = Tensor(shape: [1, channels, height, width], scalars: samples.map { Double($0) / Double(maxval) })
        try NetPBM.write(image, to: path, maxval: maxval)
        let back = try NetPBM.read(path: path)
        #expect(back.shape == [1, channels, height, width])
        #expect(back == image)
        #expect(try directory.listing() == ["image.pnm"])
    }
}
