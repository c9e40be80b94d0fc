import Foundation
import Testing
import ReferenceCore
import ReferenceIO
import ReferenceVis
import ReferenceGolden
import ReferenceTestSupport

/// `refvis render` on the bundled model: determinism, replay, outputs, and bad
/// input refused before any long computation.
@Suite("refvis render")
struct RenderCommandTests {
    /// A short render small enough for a debug build.
    private func shortRender(_ dir: TemporaryDirectory, _ name: String, _ extra: [String] = [],
                             environment: [String: String] = [:]) throws -> CommandResult {
        try Refvis.run(["render", "--size", "32", "--steps", "4", "--out", dir.path(name)] + extra, environment: environment)
    }

    @Test func sameSeedGivesTheSamePNGWithOneThreadOrMany() throws {
        let dir = try TemporaryDirectory()
        let first = try shortRender(dir, "a.png", ["--seed", "3"], environment: ["REFVIS_THREADS": "1"])
        #expect(first.status == 0, "\(first.stderr)")
        let second = try shortRender(dir, "b.png", ["--seed", "3"], environment: ["REFVIS_THREADS": "2"])
        #expect(second.status == 0, "\(second.stderr)")
        let a = try Data(contentsOf: dir.url.appendingPathComponent("a.png"))
        let b = try Data(contentsOf: dir.url.appendingPathComponent("b.png"))
        #expect(a == b)
        #expect(a.prefix(4) == Data([0x89, 0x50, 0x4E, 0x47]))
        let other = try shortRender(dir, "c.png", ["--seed", "4"])
        #expect(other.status == 0)
        #expect(try Data(contentsOf: dir.url.appendingPathComponent("c.png")) != a)
    }

    @Test func replayedTraceGivesTheSameImage() throws {
        let dir = try TemporaryDirectory()
        let recorded = try shortRender(dir, "a.ppm", ["--seed", "5", "--trace", dir.path("trace.json")])
        #expect(recorded.status == 0, "\(recorded.stderr)")
        // A different seed for the initial image would change it, so replay keeps the seed
        // and takes the transforms from the trace instead of the generator.
        let replayed = try shortRender(dir, "b.ppm", ["--seed", "5", "--replay", dir.path("trace.json")])
        #expect(replayed.status == 0, "\(replayed.stderr)")
        #expect(try Data(contentsOf: dir.url.appendingPathComponent("a.ppm")) == Data(contentsOf: dir.url.appendingPathComponent("b.ppm")))
    }

    @Test func writesTheLossCurveAndContactSheet() throws {
        let dir = try TemporaryDirectory()
        let result = try Refvis.run(["render", "--size", "32", "--thresholds", "1,3", "--out", dir.path("x.png"),
                                     "--loss-csv", dir.path("loss.csv"), "--contact-sheet", dir.path("sheet.png")])
        #expect(result.status == 0, "\(result.stderr)")
        let csv = try String(contentsOfFile: dir.path("loss.csv"), encoding: .utf8).split(separator: "\n")
        #expect(csv.first == "step,loss")
        #expect(csv.count == 4)
        #expect(FileManager.default.fileExists(atPath: dir.path("sheet.png")))
    }

    @Test func unknownLayerListsTheValidOnes() throws {
        let dir = try TemporaryDirectory()
        let result = try shortRender(dir, "x.png", ["--objective", "mixed4a:3"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("conv1"))
        #expect(!FileManager.default.fileExists(atPath: dir.path("x.png")))
    }

    @Test func channelOutOfRangeIsRefused() throws {
        let dir = try TemporaryDirectory()
        let result = try shortRender(dir, "x.png", ["--objective", "conv1:999"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("999"))
    }

    @Test func malformedObjectivePointsAtTheError() throws {
        let dir = try TemporaryDirectory()
        let result = try shortRender(dir, "x.png", ["--objective", "channel(conv1, 3))"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("column"))
    }

    @Test func unwritableOutputIsRefusedFirst() throws {
        let dir = try TemporaryDirectory()
        let result = try shortRender(dir, "missing/x.png")
        #expect(result.status == 1)
        #expect(result.stderr.contains("missing"))
    }

    @Test func tooSmallSizeIsRefused() throws {
        let dir = try TemporaryDirectory()
        let result = try Refvis.run(["render", "--size", "2", "--out", dir.path("x.png")])
        #expect(result.status == 2)
        #expect(result.stderr.contains("--size"))
    }

    /// Output paths are checked before the render starts: a folder, a picture
    /// format refvis does not write, and two outputs on one file are usage
    /// errors, and nothing is written.
    @Test(arguments: [
        (["--out", "DIR/"], "names a folder"),
        (["--out", "DIR/sub"], "names a folder"),
        (["--out", "DIR/x.jpg"], ".png or .ppm"),
        (["--out", "DIR/x.png", "--contact-sheet", "DIR/x.png"], "same file"),
        (["--out", "DIR/x.png", "--loss-csv", "DIR/./x.png"], "same file"),
    ])
    func badOutputPathsAreRefusedBeforeRendering(_ options: [String], _ fragment: String) throws {
        let dir = try TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: dir.path("sub"), withIntermediateDirectories: false)
        let arguments = options.map { $0.replacingOccurrences(of: "DIR", with: dir.url.path) }
        let result = try Refvis.run(["render", "--size", "32", "--steps", "4"] + arguments)
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.contains(fragment), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
        let written = try FileManager.default.contentsOfDirectory(atPath: dir.url.path)
        #expect(written == ["sub"], "\(written)")
    }

    /// More pixels at once than one 4096×4096 image, or a threshold list with
    /// an empty entry, are usage errors before the model runs.
    @Test(arguments: [
        (["--size", "2048", "--batch", "5"], "pixels"),
        (["--size", "32", "--thresholds", "1,,2"], "--thresholds"),
    ])
    func absurdRunsAreRefused(_ options: [String], _ fragment: String) throws {
        let dir = try TemporaryDirectory()
        let result = try Refvis.run(["render", "--out", dir.path("x.png")] + options)
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.contains(fragment), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.path("x.png")))
    }
}
