import Foundation
import Testing
import ReferenceCore
import ReferenceIO
import ReferenceVis
import ReferenceTestSupport

/// Checkpoints written by real `torch.save` (Fixtures/torch/make_fixtures.py,
/// run by hand), in the zip and the legacy format, read back bit for bit
/// against the float64 values PyTorch itself wrote as .npy.
@Suite("Torch checkpoints written by torch.save")
struct TorchCheckpointTests {
    /// Tests/IO/TorchCheckpointTests.swift → repository root → Fixtures/torch.
    static let folder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures").appendingPathComponent("torch")

    static let names = ["conv.weight", "conv.bias", "fc.weight", "fc.bias", "fc.transposed",
                        "shared.a", "shared.b", "steps", "scalar"]

    static func path(_ file: String) -> String { folder.appendingPathComponent(file).path }

    static func expected(_ name: String) throws -> Tensor {
        try NumPyFile.read(path: path("expected/\(name).npy"))
    }

    static func expectBitExact(_ tensors: [String: Tensor], prefix: String = "", sourceLocation: SourceLocation = #_sourceLocation) throws {
        #expect(Set(tensors.keys) == Set(names.map { prefix + $0 }), sourceLocation: sourceLocation)
        for name in names {
            let want = try expected(name)
            guard let got = tensors[prefix + name] else { continue }
            #expect(got.shape == want.shape, "\(name) shape", sourceLocation: sourceLocation)
            #expect(got.scalars.map(\.bitPattern) == want.scalars.map(\.bitPattern), "\(name) values", sourceLocation: sourceLocation)
        }
    }

    @Test(arguments: ["state_dict.pth", "state_dict_legacy.pth", "state_dict_p4.pth", "state_dict_deflated.pth"])
    func aStateDictReadsBitExact(file: String) throws {
        try Self.expectBitExact(try TorchCheckpoint.read(path: Self.path(file)))
    }

    @Test(arguments: ["nested.pth", "nested_legacy.pth"])
    func aNestedCheckpointReadsWithAndWithoutItsPrefix(file: String) throws {
        try Self.expectBitExact(try TorchCheckpoint.read(path: Self.path(file)), prefix: "module.")
        try Self.expectBitExact(try TorchCheckpoint.read(path: Self.path(file), stripPrefix: "module."))
    }

    /// The views are what make these fixtures worth having: a transposed
    /// tensor (strides (1, 3)) and two tensors at offsets 2 and 10 of one
    /// storage, the second with stride 2.
    @Test func viewsReadThroughTheirStridesAndOffsets() throws {
        let tensors = try TorchCheckpoint.read(path: Self.path("state_dict.pth"))
        let transposed = try #require(tensors["fc.transposed"])
        #expect(transposed.shape == [3, 4])
        // Built as values((4, 3), start 11).t(): element [i][j] = value(11 + 3j + i).
        func value(_ k: Int) -> Double { Double((k % 23) - 11) * 0.375 }
        #expect(transposed.scalars == (0..<3).flatMap { i in (0..<4).map { j in value(11 + 3 * j + i) } })
        #expect(tensors["shared.a"]?.scalars == (2..<8).map { value($0 + 1) })
        #expect(tensors["shared.b"]?.scalars == stride(from: 10, to: 20, by: 2).map { value($0 + 1) })
    }

    /// A real `nn.Sequential(Conv2d, BatchNorm2d).state_dict()` after one
    /// training step: its `_metadata`, running statistics and the int64
    /// `num_batches_tracked`.
    @Test func aModuleStateDictReadsBitExact() throws {
        let tensors = try TorchCheckpoint.read(path: Self.path("module.pth"))
        let names = ["0.weight", "0.bias", "1.weight", "1.bias", "1.running_mean", "1.running_var", "1.num_batches_tracked"]
        #expect(Set(tensors.keys) == Set(names))
        for name in names {
            let want = try NumPyFile.read(path: Self.path("expected/module/\(name).npy"))
            #expect(tensors[name]?.shape == want.shape, "\(name)")
            #expect(tensors[name]?.scalars.map(\.bitPattern) == want.scalars.map(\.bitPattern), "\(name)")
        }
        #expect(tensors["1.num_batches_tracked"] == Tensor(scalar: 1))
    }

    @Test func zipAndLegacyAgree() throws {
        #expect(try TorchCheckpoint.read(path: Self.path("state_dict.pth"))
                == TorchCheckpoint.read(path: Self.path("state_dict_legacy.pth")))
    }

    /// `--weights FILE.pth`: the model loader picks the reader by extension
    /// and drops a `module.` prefix that every name has.
    @Test func aModelLoadsItsWeightsFromAPthFile() throws {
        let dir = try TemporaryDirectory()
        let description = ModelDescription(
            name: "grey", summary: "one conv on grey images",
            input: InputDescription(channels: 1, size: [8, 8], minimumSize: 1), preprocessing: .none,
            parameters: [ParameterDescription("conv.weight", [2, 1, 3, 3]), ParameterDescription("conv.bias", [2])],
            nodes: [NodeDescription("conv", op: "conv2d", inputs: ["input"], parameters: ["weight": "conv.weight", "bias": "conv.bias"])])
        let weights = (0..<18).map { Float($0) * 0.25 - 2 }, bias: [Float] = [0.5, -1.5]
        let pickle = TorchBytes.stateDict([
            ("module.conv.weight", TorchBytes.tensor(key: "0", numel: 18, size: [2, 1, 3, 3], stride: [9, 9, 3, 1])),
            ("module.conv.bias", TorchBytes.tensor(key: "1", numel: 2, size: [2], stride: [1])),
        ])
        let file = TorchBytes.checkpoint(pickle, storages: [("0", TorchBytes.float32s(weights)), ("1", TorchBytes.float32s(bias))])
        for name in ["grey.pth", "grey.PT"] {
            try file.write(to: dir.url.appendingPathComponent(name))
            let model = try Model.load(description, weightsPath: dir.path(name))
            #expect(model.parameters["conv.weight"]?.scalars == weights.map(Double.init))
            #expect(model.parameters["conv.bias"]?.scalars == bias.map(Double.init))
        }
        // The same bytes named .safetensors go to the safetensors reader, which refuses them.
        try file.write(to: dir.url.appendingPathComponent("grey.safetensors"))
        expectReadError(naming: dir.path("grey.safetensors")) { try Model.load(description, weightsPath: dir.path("grey.safetensors")) }
    }
}
