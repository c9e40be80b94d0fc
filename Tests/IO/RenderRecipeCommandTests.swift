import Foundation
import Testing
import ReferenceCore
import ReferenceIO
import ReferenceVis
import ReferenceTestSupport

/// `refvis render`'s options meet the recipe: each fault a new user found is
/// now a clear error before any work, or the behaviour the options promise.
@Suite("refvis render: options and the recipe")
struct RenderRecipeCommandTests {
    func recipe(_ options: [String]) throws -> RenderRecipe {
        let result = try Refvis.run(["render", "--print-recipe"] + options)
        #expect(result.status == 0, "\(result.stderr)")
        return try RenderRecipe.decode(Data(result.stdout.utf8), name: "stdout")
    }

    /// The image after one normalized_l2 step from a constant image moved by
    /// exactly lr: 2, the optimizer's own rate (it used to take render's 0.05).
    @Test func normalizedL2StepsAtItsOwnRate() throws {
        let dir = try TemporaryDirectory()
        let result = try Refvis.run(["render", "--size", "16", "--steps", "1", "--optimizer", "normalized_l2", "--param", "pixel",
                                     "--start", "constant:0.5", "--squash", "none", "--no-decorrelate", "--transforms", "none",
                                     "--out", dir.path("x.npy")])
        #expect(result.status == 0, "\(result.stderr)")
        let image = try NumPyFile.read(path: dir.path("x.npy"))
        let moved = image.scalars.reduce(0) { $0 + ($1 - 0.5) * ($1 - 0.5) }.squareRoot()
        #expect(close(moved, 2, 1e-12))
        #expect(try recipe(["--optimizer", "normalized_l2"]).optimizer == OptimizerSettings(kind: .normalizedL2))
    }

    @Test func stepsAndThresholdsTogetherKeepBoth() throws {
        #expect(try recipe(["--steps", "40", "--thresholds", "5,10"]).thresholds == [5, 10, 40])
        #expect(try recipe(["--thresholds", "10,5"]).thresholds == [5, 10])
        let beyond = try Refvis.run(["render", "--steps", "8", "--thresholds", "5,10"])
        #expect(beyond.status == 2)
        #expect(beyond.stderr.contains("--thresholds: step 10 is beyond --steps 8"))
    }

    @Test func aBatchInAPPMIsEveryImage() throws {
        let dir = try TemporaryDirectory()
        let result = try Refvis.run(["render", "--size", "16", "--steps", "1", "--batch", "3", "--out", dir.path("x.ppm")])
        #expect(result.status == 0, "\(result.stderr)")
        let image = try NetPBM.read(path: dir.path("x.ppm"))
        // Three 16-px images side by side with 2-px gutters.
        #expect(image.shape == [1, 3, 20, 3 * 18 + 2])
    }

    @Test(arguments: [("", "is empty"), ("jitter:8,", "is empty"), (",scale", "is empty")])
    func emptyTransformListsAreRefused(_ text: String, _ fragment: String) throws {
        let result = try Refvis.run(["render", "--transforms", text])
        #expect(result.status == 2)
        #expect(result.stderr.contains("--transforms") && result.stderr.contains(fragment), "\(result.stderr)")
    }

    @Test func aTransformTooBigForTheImageIsRefusedBeforeTheRun() throws {
        let result = try Refvis.run(["render", "--size", "8", "--transforms", "reflect_jitter:8"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("reflect_jitter:8") && result.stderr.contains("8×8"), "\(result.stderr)")
        #expect(!result.stderr.contains("step"), "refused before the run: \(result.stderr)")
    }

    @Test func nonSquareSizes() throws {
        #expect(try recipe(["--size", "96,160"]).height == 96)
        #expect(try recipe(["--size", "96,160"]).width == 160)
        let dir = try TemporaryDirectory()
        let result = try Refvis.run(["render", "--size", "24,40", "--steps", "1", "--out", dir.path("x.npy")])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try NumPyFile.read(path: dir.path("x.npy")).shape == [1, 3, 24, 40])
        let bad = try Refvis.run(["render", "--size", "24,40,3"])
        #expect(bad.status == 2 && bad.stderr.contains("--size"))
    }

    /// A model on 1-channel images, from a description file and weights.
    @Test func aOneChannelModelRenders() throws {
        let dir = try TemporaryDirectory()
        let description = ModelDescription(
            name: "grey", summary: "one conv on grey images",
            input: InputDescription(channels: 1, size: [16, 16], minimumSize: 1), preprocessing: .none,
            parameters: [ParameterDescription("conv.weight", [2, 1, 3, 3]), ParameterDescription("conv.bias", [2])],
            nodes: [NodeDescription("conv", op: "conv2d", inputs: ["input"], parameters: ["weight": "conv.weight", "bias": "conv.bias"])])
        try description.encoded().write(to: dir.url.appendingPathComponent("grey.json"))
        try SafeTensorsFile(tensors: randomParameters(for: description, seed: 1)).write(to: dir.path("grey.safetensors"), dtype: .f64)
        let result = try Refvis.run(["render", "--model", dir.path("grey.json"), "--weights", dir.path("grey.safetensors"),
                                     "--objective", "conv:1", "--size", "16", "--steps", "3", "--out", dir.path("grey.png")])
        #expect(result.status == 0, "\(result.stderr)")
        let png = try Data(contentsOf: dir.url.appendingPathComponent("grey.png"))
        #expect(png[25] == 0, "PNG colour type 0: greyscale")
    }

    @Test func helpRenderNamesEveryChoice() throws {
        let help = try Refvis.run(["help", "render"]).stdout
        var names = ParameterizationSpec.catalog.map(\.name) + StartSpec.catalog.map(\.name) + SquashSpec.catalog.map(\.name)
        names += GradientProcessing.catalog.map(\.name) + AfterStepOperation.catalog.map(\.name) + TransformSpec.catalog.map(\.name)
        names += OptimizerKind.allCases.map(\.rawValue) + OptimizerHyperparameter.allCases.map(\.rawValue)
        names += ["neuron", "channel", "class_logit", "deepdream", "total_variation", "diversity"]
        for name in names { #expect(help.contains(name), "help render does not name '\(name)'") }
    }

    @Test func resumeTakesTheRecipeFromTheCheckpoint() throws {
        let dir = try TemporaryDirectory()
        let first = try Refvis.run(["render", "--size", "16", "--steps", "4", "--checkpoint", dir.path("c.ckpt"),
                                    "--checkpoint-every", "2", "--out", dir.path("a.npy")])
        #expect(first.status == 0, "\(first.stderr)")
        let resumed = try Refvis.run(["render", "--resume", dir.path("c.ckpt"), "--out", dir.path("b.npy")])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(try NumPyFile.read(path: dir.path("a.npy")) == NumPyFile.read(path: dir.path("b.npy")))
        for option in [["--size", "32"], ["--squash", "none"], ["--after-step", "clip:0:1"], ["--no-decorrelate"]] {
            let changed = try Refvis.run(["render", "--resume", dir.path("c.ckpt")] + option)
            #expect(changed.status == 2 && changed.stderr.contains("--resume") && changed.stderr.contains(option[0]), "\(changed.stderr)")
        }
    }
}

/// Inputs a mutation fuzzer found to trap or stall, each now a one-line error
/// or a working run.
@Suite("refvis: inputs that used to trap")
struct FuzzFoundInputTests {
    /// A one-character output path used to trap in Foundation's path helpers.
    @Test(arguments: ["--out", "--loss-csv", "--trace", "--contact-sheet"])
    func aOneCharacterOutputPathWorks(option: String) throws {
        let dir = try TemporaryDirectory()
        let extra = option == "--out" || option == "--contact-sheet" ? [option, "T"] : [option, "T", "--out", "x.png"]
        let result = try Refvis.run(["render", "--steps", "1", "--size", "16"] + extra, directory: dir.url)
        if option == "--out" || option == "--contact-sheet" {
            #expect(result.status == 2 && result.stderr.contains("by extension"), "\(result.stderr)")
        } else {
            #expect(result.status == 0, "\(result.stderr)")
            #expect(FileManager.default.fileExists(atPath: dir.path("T")))
        }
    }

    /// A parameter of 2³¹ − 1 elements is refused before it is filled.
    @Test func layersRefusesAHugeParameterBeforeAllocating() throws {
        let dir = try TemporaryDirectory()
        let description = ModelDescription(
            name: "huge", summary: "a parameter too large to fill",
            input: InputDescription(channels: 1, size: [8, 8], minimumSize: 1), preprocessing: .none,
            parameters: [ParameterDescription("w", [2_147_483_647])],
            nodes: [NodeDescription("r", op: "relu", inputs: ["input"])])
        try description.encoded().write(to: dir.url.appendingPathComponent("huge.json"))
        let result = try Refvis.run(["layers", dir.path("huge.json")])
        #expect(result.status == 1)
        #expect(result.stderr.contains("'w'") && result.stderr.contains("more than"), "\(result.stderr)")
    }

    @Test func layersCapsTheDescriptionsOwnSize() throws {
        let dir = try TemporaryDirectory()
        let description = ModelDescription(
            name: "big", summary: "an input size beyond the cap",
            input: InputDescription(channels: 1, size: [4097, 4097], minimumSize: 1), preprocessing: .none,
            parameters: [], nodes: [NodeDescription("r", op: "relu", inputs: ["input"])])
        try description.encoded().write(to: dir.url.appendingPathComponent("big.json"))
        let result = try Refvis.run(["layers", dir.path("big.json")])
        #expect(result.status == 2)
        #expect(result.stderr.contains("4097×4097"), "\(result.stderr)")
    }

    @Test(arguments: [["golden", "check", "--golden", ""], ["verify", "--actual", ".", "--golden", ""]])
    func anEmptyGoldenFolderNameIsAUsageError(arguments: [String]) throws {
        let result = try Refvis.run(arguments)
        #expect(result.status == 2)
        #expect(result.stderr.contains("--golden"), "\(result.stderr)")
    }
}
