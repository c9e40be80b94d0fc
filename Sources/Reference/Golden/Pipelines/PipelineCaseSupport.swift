import Foundation
import ReferenceCore
import ReferenceIO
import ReferenceVis

/// Pieces shared by the pipeline golden cases: the tiny model they run, how
/// a case's committed inputs, settings and files are read back, and the
/// tolerance rule scaled to an array's magnitude.
enum PipelineCases {
    /// A tiny convolutional network for the pipeline cases, small enough that
    /// its activations can be committed:
    ///
    ///     input (N, 3, H, W) in [0, 1], normalized (x − 0.5)/0.25 per channel
    ///     conv1  3×3, 3 → 6, padding 1, ReLU
    ///     pool1  max 2×2, stride 2
    ///     conv2  3×3, 6 → 8, padding 1, ReLU
    ///
    /// Its weights are `randomParameters(for:seed:scale:)` (He-normal) and are
    /// committed with each case as `.npy` inputs named after the parameters.
    static let tinyModel: ModelDescription = {
        let padded: [String: AttributeValue] = ["padding": .ints([1])]
        return ModelDescription(
            name: "golden_tiny",
            summary: "A tiny convolutional network with random weights for refvis's pipeline golden cases",
            input: InputDescription(channels: 3, size: [24, 24], minimumSize: 2),
            preprocessing: .normalize(mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25]),
            parameters: [
                ParameterDescription("conv1.weight", [6, 3, 3, 3]), ParameterDescription("conv1.bias", [6]),
                ParameterDescription("conv2.weight", [8, 6, 3, 3]), ParameterDescription("conv2.bias", [8]),
            ],
            nodes: [
                NodeDescription("conv1_pre_relu", op: "conv2d", inputs: ["input"],
                                parameters: ["weight": "conv1.weight", "bias": "conv1.bias"], attributes: padded),
                NodeDescription("conv1", op: "relu", inputs: ["conv1_pre_relu"]),
                NodeDescription("pool1", op: "max_pool2d", inputs: ["conv1"],
                                attributes: ["kernel_size": .ints([2]), "stride": .ints([2])]),
                NodeDescription("conv2_pre_relu", op: "conv2d", inputs: ["pool1"],
                                parameters: ["weight": "conv2.weight", "bias": "conv2.bias"], attributes: padded),
                NodeDescription("conv2", op: "relu", inputs: ["conv2_pre_relu"]),
            ])
    }()

    /// The seed of the tiny model's committed random weights.
    static let tinyModelSeed: UInt64 = 2024

    /// The name of the input array holding parameter `parameter`: `weight_<parameter>`.
    static func weightArrayName(_ parameter: String) -> String { "weight_" + parameter }

    /// The input arrays holding a model's parameters, `weight_<parameter>.npy`.
    static func weightArrays(_ description: ModelDescription) -> [GoldenArray] {
        description.parameters.map {
            GoldenArray(name: weightArrayName($0.name), file: weightArrayName($0.name) + ".npy", shape: $0.shape)
        }
    }

    /// The model of a case: the description file of role `model` and the
    /// weights committed as inputs.
    static func committedModel(_ golden: GoldenCase, in folder: URL) throws -> Model {
        let (data, path) = try file("model", of: golden, in: folder)
        let description = try ModelDescription.decode(data, name: path)
        var weights = [String: Tensor]()
        for parameter in description.parameters {
            weights[parameter.name] = try input(weightArrayName(parameter.name), of: golden, in: folder)
        }
        return try wrap(path) { try Model(description, parameters: weights) }
    }

    /// The committed input array `name`, checked against case.json's shape.
    static func input(_ name: String, of golden: GoldenCase, in folder: URL) throws -> Tensor {
        guard let array = golden.inputs.first(where: { $0.name == name }) else {
            throw RefvisError("pipeline case \(golden.name): case.json lists no input '\(name)'")
        }
        return try GoldenFolder.readArray(array, in: folder)
    }

    /// The setting `key` of a case.
    static func setting(_ key: String, of golden: GoldenCase) throws -> String {
        guard let value = golden.settings?[key] else {
            throw RefvisError("pipeline case \(golden.name): case.json has no setting '\(key)'")
        }
        return value
    }

    /// An integer setting.
    static func intSetting(_ key: String, of golden: GoldenCase) throws -> Int {
        let text = try setting(key, of: golden)
        guard let value = Int(text) else {
            throw RefvisError("pipeline case \(golden.name): setting '\(key)' = '\(text)' is not a whole number")
        }
        return value
    }

    /// A number setting.
    static func doubleSetting(_ key: String, of golden: GoldenCase) throws -> Double {
        let text = try setting(key, of: golden)
        guard let value = Double(text), value.isFinite else {
            throw RefvisError("pipeline case \(golden.name): setting '\(key)' = '\(text)' is not a number")
        }
        return value
    }

    /// The bytes and path of the extra file of role `role` (e.g. `trace`).
    static func file(_ role: String, of golden: GoldenCase, in folder: URL) throws -> (Data, String) {
        guard let name = golden.files?[role] else {
            throw RefvisError("pipeline case \(golden.name): case.json names no '\(role)' file")
        }
        let path = folder.appendingPathComponent(name).path
        guard let data = FileManager.default.contents(atPath: path) else {
            throw RefvisError("\(path): missing or unreadable")
        }
        return (data, path)
    }

    /// The transform trace of a case (role `trace`).
    static func trace(of golden: GoldenCase, in folder: URL) throws -> TransformTrace {
        let (data, path) = try file("trace", of: golden, in: folder)
        return try TransformTrace.decode(data, name: path)
    }

    /// A model description as committed: sorted keys, indented, a final newline.
    static func encoded(_ description: ModelDescription) throws -> Data {
        try description.encoded() + Data("\n".utf8)
    }

    /// A trace as committed: sorted keys, indented, a final newline.
    static func encoded(_ trace: TransformTrace) throws -> Data {
        try trace.encoded() + Data("\n".utf8)
    }

    /// Tolerances for an array whose largest magnitude is `scale`:
    /// `atol = absolute·scale` (so elements near zero are judged against the
    /// array's size, not their own) and `rtol = relative`, for each dtype.
    static func scaled(_ scale: Double, float64: (absolute: Double, relative: Double),
                       float32: (absolute: Double, relative: Double), reasoning: String) -> GoldenTolerances {
        let size = scale > 0 ? scale : 1
        return GoldenTolerances(
            float64: Tolerance(atol: rounded(float64.absolute * size), rtol: float64.relative),
            float32: Tolerance(atol: rounded(float32.absolute * size), rtol: float32.relative),
            reasoning: reasoning)
    }

    /// A tolerance rounded up to two significant digits, as the op cases round theirs.
    static func rounded(_ value: Double) -> Double { GoldenTolerancePolicy.roundUp(value) }

    /// The largest magnitude of a tensor.
    static func magnitude(_ tensor: Tensor) -> Double {
        tensor.scalars.reduce(0) { max($0, abs($1)) }
    }
}
