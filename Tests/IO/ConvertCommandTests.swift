import Foundation
import Testing
import ReferenceCore
import ReferenceIO
import ReferenceVis
import ReferenceTestSupport

/// `refvis convert` and pictures as model inputs.
@Suite("refvis convert and forward on pictures")
struct ConvertCommandTests {
    static let fixtures = URL(fileURLWithPath: RepositoryFixtures.directory())
    func fixture(_ relative: String) -> String { Self.fixtures.appendingPathComponent(relative).path }

    @Test func aPictureBecomesAnArrayAndBack() throws {
        let dir = try TemporaryDirectory()
        let png = fixture("images/png/pil_rgba8.png")
        let toArray = try Refvis.run(["convert", png, "-o", dir.path("x.npy")])
        #expect(toArray.status == 0, "\(toArray.stderr)")
        let array = try NumPyFile.read(path: dir.path("x.npy"))
        #expect(array == (try PNG.read(path: png)))
        let back = try Refvis.run(["convert", dir.path("x.npy"), "-o", dir.path("y.png")])
        #expect(back.status == 0, "\(back.stderr)")
        #expect(try PNG.read(path: dir.path("y.png")) == array)
    }

    /// A CMYK JPEG is read as RGB, as Pillow's convert("RGB") gives it (to 1/255).
    @Test func aCMYKJPEGBecomesRGB() throws {
        let image = try ImageFile.read(path: fixture("images/jpeg/im_cmyk_adobe.jpg"))
        let pillow = try NumPyFile.read(path: fixture("images/jpeg/converted/im_cmyk_adobe_rgb.npy"))
        #expect(image.shape == pillow.shape)
        #expect(closeAbsolute(image.scalars, pillow.scalars, 1.0 / 255 + 1e-12))
    }

    @Test func aCheckpointBecomesSafetensorsBitExact() throws {
        let dir = try TemporaryDirectory()
        let pth = fixture("torch/nested.pth")
        let result = try Refvis.run(["convert", pth, "-o", dir.path("w.safetensors"), "--dtype", "float64", "--strip-prefix", "module."])
        #expect(result.status == 0, "\(result.stderr)")
        let converted = try SafeTensorsFile.read(path: dir.path("w.safetensors")).tensors
        let original = try TorchCheckpoint.read(path: pth, stripPrefix: "module.")
        #expect(Set(converted.keys) == Set(original.keys))
        for (name, tensor) in original { #expect(converted[name] == tensor, "\(name)") }
    }

    @Test func forwardTakesAJPEG() throws {
        let result = try Refvis.run(["forward", "bundled", "-i", fixture("images/jpeg/im_baseline_420.jpg"), "--resize", "16", "--layer", "logits"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("logits: shape (1, 9)"), "\(result.stdout)")
    }

    @Test func renderStartsFromAPicture() throws {
        let dir = try TemporaryDirectory()
        let jpg = fixture("images/jpeg/pil_progressive_420.jpg")
        let result = try Refvis.run(["render", "--init", "image:" + jpg, "--size", "24", "--steps", "2", "--out", dir.path("x.npy")])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try NumPyFile.read(path: dir.path("x.npy")).shape == [1, 3, 24, 24])
        let recipe = try Refvis.run(["render", "--init", "image:" + jpg, "--print-recipe"])
        #expect(recipe.stdout.contains("\"start\" : \"image:"), "\(recipe.stdout)")
    }

    @Test func badConversionsAreUsageErrors() throws {
        let dir = try TemporaryDirectory()
        let wrong = try Refvis.run(["convert", fixture("torch/nested.pth"), "-o", dir.path("w.npy")])
        #expect(wrong.status == 2 && wrong.stderr.contains(".safetensors"))
        let foreign = try Refvis.run(["convert", fixture("torch/nested.pth"), "-o", dir.path("w.safetensors"), "--resize", "8"])
        #expect(foreign.status == 2 && foreign.stderr.contains("--resize"), "\(foreign.stderr)")
        let foreignDtype = try Refvis.run(["convert", fixture("images/png/pil_rgba8.png"), "-o", dir.path("x.npy"), "--dtype", "float64"])
        #expect(foreignDtype.status == 2 && foreignDtype.stderr.contains("--dtype"), "\(foreignDtype.stderr)")
        let unknown = try Refvis.run(["convert", dir.path("x.gif"), "-o", dir.path("y.npy")])
        #expect(unknown.status == 2 && unknown.stderr.contains("x.gif"))
    }
}
