import Foundation
import Testing
import ReferenceCore
import ReferenceIO
import ReferenceVis
import ReferenceTestSupport

/// Loading a picture for a model: resize, centre crop, channels.
@Suite("Images into tensors")
struct ImagePreparationTests {
    static let folder = URL(fileURLWithPath: RepositoryFixtures.directory()).appendingPathComponent("images/resize")

    /// Against PyTorch's interpolate(bilinear, antialias=True, align_corners=False)
    /// in float64 (Fixtures/images/resize/make_fixtures.py).
    @Test(arguments: ["shrink", "enlarge", "mixed", "same_rows"])
    func resizeMatchesTorchsAntialiasedBilinear(_ name: String) throws {
        let input = try NumPyFile.read(path: Self.folder.appendingPathComponent("\(name)_input.npy").path)
        let expected = try NumPyFile.read(path: Self.folder.appendingPathComponent("\(name)_output.npy").path)
        let output = try resizeImage(input, height: expected.shape[2], width: expected.shape[3])
        #expect(output.shape == expected.shape)
        #expect(closeAbsolute(output.scalars, expected.scalars, 1e-14))
    }

    /// Halving: the triangle widened to 2 pixels reaches three columns, with
    /// weights ¾, ¾, ¼ (normalized by 7/4) — not a 2×2 block average.
    @Test func shrinkingByTwoUsesTheWidenedTriangle() throws {
        let image = Tensor(shape: [1, 1, 2, 4], scalars: [0, 2, 4, 6, 8, 10, 12, 14])
        let half = try resizeImage(image, height: 1, width: 2)
        // Rows average to 4, 6, 8, 10; then (¾·4 + ¾·6 + ¼·8)/(7/4) and (¼·6 + ¾·8 + ¾·10)/(7/4).
        let expected: [Double] = [9.5 / 1.75, 15 / 1.75]
        #expect(closeAbsolute(half.scalars, expected, 1e-15))
    }

    @Test func centreCropRoundsAsTorchvision() throws {
        let image = Tensor(shape: [1, 1, 1, 6], scalars: [0, 1, 2, 3, 4, 5])
        // (6 − 3)/2 = 1.5 rounds half to even: 2.
        #expect(try centreCrop(image, height: 1, width: 3).scalars == [2, 3, 4])
        #expect(try centreCrop(image, height: 1, width: 4).scalars == [1, 2, 3, 4])
        expectError("does not fit") { _ = try centreCrop(image, height: 2, width: 3) }
    }

    @Test func channelsConvertAsPillow() throws {
        let rgba = Tensor(shape: [1, 4, 1, 1], scalars: [1, 0.5, 0, 0.25])
        #expect(try convertChannels(rgba, to: 3).scalars == [1, 0.5, 0])
        #expect(close(try convertChannels(rgba, to: 1).scalars[0], 0.299 + 0.587 * 0.5, 1e-15))
        #expect(try convertChannels(rgba, to: 2).scalars.last == 0.25)
        let grey = Tensor(shape: [1, 1, 1, 2], scalars: [0.2, 0.7])
        #expect(try convertChannels(grey, to: 3).scalars == [0.2, 0.7, 0.2, 0.7, 0.2, 0.7])
        #expect(try convertChannels(grey, to: 4).scalars.suffix(2) == [1, 1])
        expectError("cannot turn 5 channels") { _ = try convertChannels(Tensor.zeros([1, 5, 1, 1]), to: 3) }
    }

    @Test func aModelsImageIsResizedOnItsShortSideAndCropped() throws {
        let dir = try TemporaryDirectory()
        var rng = RandomGenerator(seed: 3)
        try NumPyFile.write(rng.uniformTensor([1, 3, 30, 45]), to: dir.path("photo.npy"))
        let image = try ImageFile.read(path: dir.path("photo.npy"), channels: 1, size: (height: 20, width: 20))
        #expect(image.shape == [1, 1, 20, 20])
        expectError(["photo.gif", "by extension"]) { _ = try ImageFile.read(path: dir.path("photo.gif")) }
    }
}
