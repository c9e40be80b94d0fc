import Foundation
import ReferenceCore
import ReferenceIO

/// `refvis render`'s choices as plain values, with its defaults: what
/// `RenderSettings` is built from on the command line and in the evidence
/// experiments, so that both make exactly the same runs.
///
/// The defaults are the main job's: the bundled model's class map channel 0 at
/// 128 px, a Fourier image with Lucid's colour decorrelation, Lucent's
/// standard transforms, Adam with lr 0.05, 512 steps, seed 0.
public struct RenderRecipe: Sendable {
    /// The objective `refvis render` maximizes when none is given.
    public static let defaultObjective = "class_map:0"

    public var objective: Objective
    /// Image height and width.
    public var size = 128
    /// Images rendered together.
    public var batch = 1
    /// Steps after which the image is kept; the run lasts the largest.
    public var thresholds = [512]
    public var parameterization = ParameterizationKind.fft
    /// Lucid's colour decorrelation matrix before the sigmoid.
    public var decorrelate = true
    /// `standard`, `lucid`, `none` or a comma list (see `transformPipeline(_:)`).
    public var transforms = "standard"
    /// An optimizer name of `optimizerNames`.
    public var optimizer = "adam"
    public var learningRate = 0.05
    public var seed: UInt64 = 0
    public var redirectedRelu: RedirectedReluKind?

    public init(objective: Objective) { self.objective = objective }

    /// The recipe with the default objective.
    public static func standard() throws -> RenderRecipe {
        RenderRecipe(objective: try ObjectiveParser.parse(defaultObjective))
    }

    /// The settings for `model`, optionally replaying a trace's transform choices.
    public func settings(model: Model, replay: TransformTrace? = nil) throws -> RenderSettings {
        let shape = [batch, 3, size, size]
        return RenderSettings(parameterization: try parameterization.make(shape: shape),
                              decorrelation: decorrelate ? ColorCorrelation.lucidNormalized : nil,
                              transforms: try transformPipeline(transforms), model: model, objective: objective,
                              optimizer: try makeOptimizer(name: optimizer, learningRate: learningRate),
                              thresholds: thresholds, seed: seed, replay: replay, redirectedRelu: redirectedRelu)
    }
}

/// The image parameterizations `--param` names.
public enum ParameterizationKind: String, Sendable, CaseIterable {
    case pixel, fft, lowres, laplacian

    /// The parameterization of an image of `shape` (B, C, H, W); lowres works
    /// at an eighth of the size (at least 1 pixel), laplacian with 4 levels.
    public func make(shape: [Int]) throws -> any ImageParameterization {
        switch self {
        case .fft: return try FourierImage(shape: shape)
        case .pixel: return try PixelImage(shape: shape)
        case .lowres:
            let reduced = shape.count == 4 ? [shape[0], shape[1], max(1, shape[2] / 8), max(1, shape[3] / 8)] : shape
            return try LowresTensor(shape: shape, underlyingShape: reduced)
        case .laplacian: return try LaplacianPyramidImage(shape: shape)
        }
    }
}

/// The transforms `--transforms` names: `standard` (Lucent's standard
/// transforms), `lucid` (Lucid's), `none`, or a comma list of jitter:D,
/// lucid_jitter:D, reflect_jitter:TAU, roll:D, pad:W (constant 0.5), scale,
/// lucid_scale, rotate, lucid_rotate (the last four with the standard scales
/// and angles).
public func transformPipeline(_ text: String) throws -> TransformPipeline {
    switch text {
    case "standard": return TransformPipeline(try StandardTransforms.lucent())
    case "lucid": return TransformPipeline(try StandardTransforms.lucid())
    case "none": return TransformPipeline([])
    default: break
    }
    var list = [any Transform]()
    for item in text.split(separator: ",") {
        let parts = item.split(separator: ":", maxSplits: 1).map { String($0).trimmingCharacters(in: .whitespaces) }
        func argument() throws -> Int {
            guard parts.count == 2, let n = Int(parts[1]) else {
                throw RefvisError.usage("--transforms: '\(item)' needs a whole number, as \(parts[0]):8")
            }
            return n
        }
        switch parts[0] {
        case "jitter": list.append(try LucentJitter(argument()))
        case "lucid_jitter": list.append(try LucidJitter(argument()))
        case "reflect_jitter": list.append(try ReflectJitter(tau: argument()))
        case "roll": list.append(try RollJitter(maxJitter: argument()))
        case "pad": list.append(try PadTransform(argument(), fill: .constant(0.5)))
        case "scale": list.append(try LucentRandomScale(StandardTransforms.scales))
        case "lucid_scale": list.append(try LucidRandomScale(StandardTransforms.scales))
        case "rotate": list.append(try LucentRandomRotate(StandardTransforms.angles))
        case "lucid_rotate": list.append(try LucidRandomRotate(StandardTransforms.angles))
        default:
            throw RefvisError.usage("--transforms: unknown transform '\(parts[0])' (jitter, lucid_jitter, reflect_jitter, roll, pad, scale, lucid_scale, rotate, lucid_rotate)")
        }
    }
    return TransformPipeline(list)
}
