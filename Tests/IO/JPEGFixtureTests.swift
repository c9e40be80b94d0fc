import Foundation
import Testing
import ReferenceCore
import ReferenceIO
import ReferenceTestSupport

/// JPEG files written by Pillow and by ImageMagick (Fixtures/images/jpeg/
/// make_fixtures.py, run by hand), decoded by refvis and compared with Pillow's
/// own decode of the same file, stored beside it as .npy.
@Suite("JPEG fixtures from Pillow and ImageMagick")
struct JPEGFixtureTests {
    static let folder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/images/jpeg")

    static let names: [String] = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [])
        .filter { $0.hasSuffix(".jpg") }.map { String($0.dropLast(4)) }.sorted()

    @Test func thereAreManyFixturesFromBothEncoders() {
        #expect(Self.names.count >= 20)
        #expect(Self.names.filter { $0.hasPrefix("pil_") }.count >= 8)
        #expect(Self.names.filter { $0.hasPrefix("im_") }.count >= 6)
    }

    /// Within 1/255 of Pillow on at least 99 % of samples; prints the measured
    /// agreement so a regression towards "close" rather than "exact" is visible.
    @Test(arguments: names)
    func decodesLikePillow(name: String) throws {
        let image = try JPEG.read(path: Self.folder.appendingPathComponent(name + ".jpg").path)
        let expected = try NumPyFile.read(path: Self.folder.appendingPathComponent(name + ".npy").path)
        try #require(image.shape == expected.shape, "\(name): shape \(image.shape), Pillow \(expected.shape)")
        var exact = 0, within = 0, worst = 0.0
        for (a, b) in zip(image.scalars, expected.scalars) {
            let difference = abs(a - b)
            worst = max(worst, difference)
            if difference < 1e-12 { exact += 1 }
            if difference <= 1.0 / 255 + 1e-12 { within += 1 }
        }
        let count = Double(image.count)
        print(String(format: "JPEG fixture %@: %.2f%% exact, %.2f%% within 1/255, max |diff| %.0f/255",
                     name, 100 * Double(exact) / count, 100 * Double(within) / count, worst * 255))
        #expect(Double(within) >= 0.99 * count, "\(name): only \(within) of \(image.count) samples within 1/255")
    }

    @Test func orientationCanBeLeftAlone() throws {
        let path = Self.folder.appendingPathComponent("pil_exif_orientation6.jpg").path
        #expect(try JPEG.read(path: path).shape == [1, 3, 37, 23])
        #expect(try JPEG.read(path: path, applyOrientation: false).shape == [1, 3, 23, 37])
    }
}
