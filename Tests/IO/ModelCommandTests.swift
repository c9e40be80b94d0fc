import Foundation
import Testing
import ReferenceCore
import ReferenceIO
import ReferenceVis
import ReferenceGolden
import ReferenceTestSupport

/// `refvis models`, `layers`, `forward` and `describe`, description files and
/// weight files, run as a user would.
@Suite("refvis models, layers, forward, describe")
struct ModelCommandTests {
    /// One channel, 2×2: preprocessing 2x − 1, a 1×1 convolution (weight 3,
    /// bias 0.5) and a ReLU, so every value can be worked out by hand.
    static let tinyJSON = """
    {
      "format": "refvis-model/1",
      "name": "tiny",
      "input": {"channels": 1, "size": [2, 2], "minimum_size": 2},
      "preprocessing": {"kind": "scale_shift", "scale": 2, "shift": -1},
      "parameters": [{"name": "conv.weight", "shape": [1, 1, 1, 1]}, {"name": "conv.bias", "shape": [1]}],
      "nodes": [
        {"name": "conv", "op": "conv2d", "inputs": ["input"], "parameters": {"weight": "conv.weight", "bias": "conv.bias"}},
        {"name": "act", "op": "relu", "inputs": ["conv"]}
      ],
      "aliases": {"relu1": "act"}
    }
    """

    static func writeTiny(_ dir: TemporaryDirectory, weights: [String: Tensor]? = nil) throws -> (model: String, weights: String) {
        let model = dir.path("tiny.json")
        try Data(tinyJSON.utf8).write(to: URL(fileURLWithPath: model))
        let file = dir.path("tiny.safetensors")
        let tensors = weights ?? ["conv.weight": Tensor(shape: [1, 1, 1, 1], scalars: [3]),
                                  "conv.bias": Tensor(shape: [1], scalars: [0.5])]
        try SafeTensorsFile(tensors: tensors).write(to: file, dtype: .f64)
        return (model, file)
    }

    @Test func modelsListsTheBuiltinModels() throws {
        let result = try Refvis.run(["models"])
        #expect(result.status == 0, "\(result.stderr)")
        for name in ["inceptionv1", "inceptionv1_lucent", "vgg16", "vgg19"] {
            #expect(result.stdout.split(separator: "\n").contains { $0.hasPrefix(name + " ") }, "\(name)")
        }
    }

    /// Shapes of a few InceptionV1 layers at 224×224 (one run on zeros).
    @Test func layersOfInceptionV1() throws {
        let result = try Refvis.run(["layers", "inceptionv1"])
        #expect(result.status == 0, "\(result.stderr)")
        let rows = result.stdout.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true).map(String.init) }
        func row(_ name: String) -> [String]? { rows.first { $0.first == name } }
        #expect(row("conv2d0_pre_relu")?.joined(separator: " ") == "conv2d0_pre_relu conv2d (1, 64, 112, 112) 64 conv2d0_pre_relu_conv")
        #expect(row("maxpool0")?.joined(separator: " ") == "maxpool0 max_pool2d (1, 64, 56, 56) 64")
        #expect(row("mixed3b")?.joined(separator: " ") == "mixed3b relu (1, 480, 28, 28) 480")
        #expect(row("mixed4a")?.joined(separator: " ") == "mixed4a relu (1, 508, 14, 14) 508")
        #expect(row("mixed4e")?.joined(separator: " ") == "mixed4e relu (1, 832, 14, 14) 832")
        #expect(row("mixed5b")?.joined(separator: " ") == "mixed5b relu (1, 1024, 7, 7) 1024")
        #expect(row("softmax2_pre_activation_matmul")?.joined(separator: " ")
                == "softmax2_pre_activation_matmul linear (1, 1008) 1008 softmax2_pre_activation")
        #expect(!result.stdout.contains(" \n"))
    }

    /// `--size` sets the image size; it must be at least 1. At 16 px
    /// InceptionV1's fourth 2×2-reducing pool gets a 2×2 input, too small for
    /// its 3×3 window, and every node after it says which node it needs.
    @Test func layersAtASmallSizeExplainsWhatCannotRun() throws {
        let dir = try TemporaryDirectory()
        let (model, _) = try Self.writeTiny(dir)
        let result = try Refvis.run(["layers", model, "--size", "3"])
        #expect(result.status == 0, "\(result.stderr)")
        let act = result.stdout.split(separator: "\n").first { $0.hasPrefix("act ") }
        #expect(act?.split(separator: " ").joined(separator: " ") == "act relu (1, 1, 3, 3) 1 relu1")
        let small = try Refvis.run(["layers", "inceptionv1", "--size", "16"])
        #expect(small.status == 0, "\(small.stderr)")
        let lines = small.stdout.split(separator: "\n")
        #expect(lines.contains { $0.hasPrefix("maxpool10 ") && $0.contains("cannot run: max_pool2d") })
        #expect(lines.contains { $0.hasPrefix("mixed5a_1x1_pre_relu ") && $0.contains("cannot run: needs 'maxpool10'") })
        let tooSmall = try Refvis.run(["layers", "inceptionv1", "--size", "0"])
        #expect(tooSmall.status == 2)
    }

    /// x = [0, 0.25, 0.75, 1] → 2x − 1 = [−1, −0.5, 0.5, 1] → 3·(…) + 0.5 =
    /// [−2.5, −1, 2, 3.5] → relu = [0, 0, 2, 3.5].
    @Test func forwardWritesActivations() throws {
        let dir = try TemporaryDirectory()
        let (model, weights) = try Self.writeTiny(dir)
        let image = try dir.npy("x.npy", [1, 1, 2, 2], [0, 0.25, 0.75, 1])
        let result = try Refvis.run(["forward", model, "--weights", weights, "-i", image,
                                     "-o", "conv=" + dir.path("conv.npy"), "-o", "relu1=" + dir.path("relu.npy"),
                                     "-o", "input=" + dir.path("input.npy"), "--layer", "act"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try NumPyFile.read(path: dir.path("input.npy")).scalars == [-1, -0.5, 0.5, 1])
        #expect(try NumPyFile.read(path: dir.path("conv.npy")).scalars == [-2.5, -1, 2, 3.5])
        let relu = try NumPyFile.read(path: dir.path("relu.npy"))
        #expect(relu.shape == [1, 1, 2, 2])
        #expect(relu.scalars == [0, 0, 2, 3.5])
        #expect(result.stdout == "act: shape (1, 1, 2, 2), min 0.0, mean 1.375, max 3.5\n")
    }

    /// Every mistake is one line, exit status 2 for usage errors, 1 for bad
    /// files, and nothing is written.
    @Test func forwardErrorsComeBeforeAnyComputation() throws {
        let dir = try TemporaryDirectory()
        let (model, weights) = try Self.writeTiny(dir)
        let image = try dir.npy("x.npy", [1, 1, 2, 2], [0, 0.25, 0.75, 1])
        let badImage = try dir.npy("bad.npy", [1, 2, 2, 2], Array(repeating: 0, count: 8))
        let smallImage = try dir.npy("small.npy", [1, 1, 1, 2], [0, 0])
        let before = Set(dir.contents)
        func check(_ arguments: [String], status: Int32, _ fragments: [String]) throws {
            let result = try Refvis.run(["forward", model] + arguments)
            #expect(result.status == status, "\(arguments): \(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
            for fragment in fragments { #expect(result.stderr.contains(fragment), "\(result.stderr)") }
            #expect(Set(dir.contents) == before)
        }
        let out = "act=" + dir.path("out.npy")
        try check(["--weights", weights, "-i", image, "-o", "act2=" + dir.path("out.npy")], status: 2,
                  ["no layer 'act2'", "valid layers: conv, act"])
        try check(["--weights", weights, "-i", badImage, "-o", out],
                  status: 2, ["bad.npy", "(N, 1, H, W)", "(1, 2, 2, 2)"])
        try check(["--weights", weights, "-i", smallImage, "-o", out],
                  status: 2, ["small.npy", "1×2", "at least 2×2"])
        try check(["-i", image, "-o", out], status: 2, ["needs weights", "--weights"])
        try check(["--weights", weights, "-i", image], status: 2, ["nothing to do"])
        try check(["--weights", weights, "-o", out], status: 2, ["missing the image", "-i IMAGE"])
        try check(["--weights", dir.path("missing.safetensors"), "-i", image, "-o", out], status: 1, ["missing.safetensors"])
        let (_, wrong) = try Self.writeTiny(dir, weights: ["conv.weight": Tensor.zeros([1, 1, 3, 3])])
        try check(["--weights", wrong, "-i", image, "-o", out], status: 1, ["tiny.safetensors", "missing keys: conv.bias"])
        let unknown = try Refvis.run(["forward", "nosuchmodel", "-i", image, "-o", out])
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("unknown model 'nosuchmodel'") && unknown.stderr.contains("inceptionv1"))
    }

    /// Missing, unexpected and wrongly shaped weights are all listed in one
    /// error that names the file.
    @Test func weightErrorsAreListedTogether() throws {
        let dir = try TemporaryDirectory()
        let (model, file) = try Self.writeTiny(dir, weights: ["conv.weight": Tensor.zeros([1, 1, 2, 2]),
                                                              "extra": Tensor.zeros([2]), "more": Tensor.zeros([])])
        let description = try ModelLoader.description(model)
        do {
            _ = try Model.load(description, weightsPath: file)
            Issue.record("expected an error")
        } catch let error as RefvisError {
            #expect(error.message == "\(file): weights for model 'tiny': missing keys: conv.bias; unexpected keys: extra, more; "
                    + "shape mismatches: conv.weight has shape (1, 1, 2, 2), expected (1, 1, 1, 1)")
        }
        // Float32 weights convert; the right ones load.
        let good = dir.path("good.safetensors")
        try SafeTensorsFile(tensors: ["conv.weight": Tensor(shape: [1, 1, 1, 1], scalars: [3]),
                                      "conv.bias": Tensor(shape: [1], scalars: [0.5])]).write(to: good, dtype: .f32)
        let loaded = try Model.load(description, weightsPath: good)
        #expect(loaded.parameters["conv.weight"]?.scalars == [3])
    }

    /// Broken description files: one line that names the file and the problem.
    @Test(arguments: [
        ("{\"format\": \"refvis-model/1\", ", "not a valid model description"),
        ("[1, 2]", "not a valid model description"),
        ("{\"format\": \"refvis-model/1\", \"name\": \"m\", \"input\": {\"channels\": 1, \"size\": [2, 2], \"minimum_size\": 1}}",
         "missing key 'nodes'"),
        ("{\"format\": \"refvis-model/9\", \"name\": \"m\", \"input\": {\"channels\": 1, \"size\": [2, 2], \"minimum_size\": 1}, \"nodes\": []}",
         "format 'refvis-model/9'"),
        ("{\"format\": \"refvis-model/1\", \"name\": \"m\", \"input\": {\"channels\": 1, \"size\": [2, 2], \"minimum_size\": 1}, "
         + "\"preprocessing\": {\"kind\": \"sharpen\"}, \"nodes\": []}", "unknown preprocessing 'sharpen'"),
        ("{\"format\": \"refvis-model/1\", \"name\": \"m\", \"input\": {\"channels\": 1, \"size\": [2, 2], \"minimum_size\": 1}, "
         + "\"nodes\": [{\"name\": \"a\", \"op\": \"blur\", \"inputs\": [\"input\"]}]}", "node 'a': unknown op 'blur'"),
        ("{\"format\": \"refvis-model/1\", \"name\": \"m\", \"input\": {\"channels\": 1, \"size\": [2, 2], \"minimum_size\": 1}, "
         + "\"nodes\": [{\"name\": \"a\", \"op\": \"relu\", \"inputs\": [\"b\"]}, {\"name\": \"b\", \"op\": \"relu\", \"inputs\": [\"input\"]}]}",
         "input 'b' is not an earlier node"),
        ("{\"format\": \"refvis-model/1\", \"name\": \"m\", \"input\": {\"channels\": 1, \"size\": [2, 2], \"minimum_size\": 1}, "
         + "\"nodes\": [{\"name\": \"a\", \"op\": \"max_pool2d\", \"inputs\": [\"input\"], \"attributes\": {\"kernel\": 2}}]}",
         "unknown attribute 'kernel'"),
    ])
    func malformedDescriptionFiles(text: String, fragment: String) throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("model.json")
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        do {
            _ = try ModelLoader.description(path)
            Issue.record("expected an error for \(text)")
        } catch let error as RefvisError {
            #expect(error.message.hasPrefix(path + ": "), "\(error.message)")
            #expect(error.message.contains(fragment), "\(error.message)")
            #expect(!error.message.contains("\n"))
        }
        let result = try Refvis.run(["layers", path])
        #expect(result.status != 0)
        #expect(result.stderr.hasPrefix("refvis: \(path): ") && result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
    }

    /// `describe` writes JSON that reads back as the same graph.
    @Test func describeRoundTrips() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("inception.json")
        let result = try Refvis.run(["describe", "inceptionv1", "-o", path])
        #expect(result.status == 0, "\(result.stderr)")
        let read = try ModelLoader.description(path)
        let original = inceptionV1Description()
        #expect(read.parameters == original.parameters)
        #expect(read.aliases == original.aliases)
        #expect(read.preprocessing == original.preprocessing)
        #expect(read.nodes.map(\.name) == original.nodes.map(\.name))
        // Attribute values may change form (2.0 reads back as 2) but resolve to the same.
        for (a, b) in zip(read.nodes, original.nodes) {
            let op = try OpRegistry.op(named: a.op)
            #expect(try op.resolve(a.attributes) == op.resolve(b.attributes), "\(a.name)")
            #expect(a.inputs == b.inputs && a.parameters == b.parameters && a.op == b.op)
        }
        let stdout = try Refvis.run(["describe", "vgg16"])
        #expect(stdout.status == 0)
        #expect(stdout.stdout.contains("\"relu4_2\" : \"features.20\""))
    }
}
