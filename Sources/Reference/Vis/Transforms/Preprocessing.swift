import ReferenceCore
import ReferenceIO
// The deterministic last transforms of a render loop: the model's input
// scaling (ImageNet normalization or InceptionV1's range); the upsampling is
// in Upsample.swift.

/// torchvision's `Normalize(mean, std)` per channel, as Lucent's `normalize()`:
/// `out[:, c] = (image[:, c] − mean[c]) / std[c]` (a `sub`, then a `div`).
/// Defaults: ImageNet's mean (0.485, 0.456, 0.406) and std (0.229, 0.224, 0.225).
public struct Normalize: Transform {
    public static let imageNetMean = [0.485, 0.456, 0.406]
    public static let imageNetStd = [0.229, 0.224, 0.225]

    public let mean: [Double]
    public let std: [Double]
    public var kind: String { "normalize" }

    public init(mean: [Double] = Normalize.imageNetMean, std: [Double] = Normalize.imageNetStd) throws {
        guard !mean.isEmpty, mean.count == std.count else {
            throw RefvisError.usage("normalize: mean and std need one value per channel, got \(mean.count) and \(std.count)")
        }
        guard mean.allSatisfy(\.isFinite), std.allSatisfy({ $0.isFinite && $0 != 0 }) else {
            throw RefvisError.usage("normalize: mean must be finite and std finite and non-zero")
        }
        self.mean = mean
        self.std = std
    }

    public func apply(_ image: Variable, on tape: Tape, choices: inout TransformChoices) throws -> Variable {
        let size = try TransformImage.size(image, on: tape, kind)
        guard size.c == mean.count else {
            throw RefvisError("normalize: the image has \(size.c) channels but mean and std have \(mean.count)")
        }
        let meanTensor = tape.variable(Tensor(shape: [1, size.c, 1, 1], scalars: mean))
        let stdTensor = tape.variable(Tensor(shape: [1, size.c, 1, 1], scalars: std))
        let centred = try tape.sub(image, meanTensor, alpha: 1)
        return try tape.div(centred, stdTensor)
    }
}

/// Lucent's `preprocess_inceptionv1()`: `x·255 − 117`, the input range
/// [−117, 138] of the original TensorFlow InceptionV1 (a `mul`, then a `sub`).
public struct PreprocessInceptionV1: Transform {
    public var kind: String { "preprocess_inceptionv1" }

    public init() {}

    public func apply(_ image: Variable, on tape: Tape, choices: inout TransformChoices) throws -> Variable {
        _ = try TransformImage.size(image, on: tape, kind)
        let scaled = try tape.mul(image, tape.variable(Tensor(shape: [1], scalars: [255])))
        return try tape.sub(scaled, tape.variable(Tensor(shape: [1], scalars: [117])), alpha: 1)
    }
}
