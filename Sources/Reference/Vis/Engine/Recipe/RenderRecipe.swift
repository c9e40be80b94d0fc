import Foundation
import ReferenceCore
import ReferenceIO

/// A whole run as plain values: every stage of the loop and its parameters.
///
/// The command line fills it, the golden pipelines store it as JSON, the
/// evidence experiments and benchmarks build it, and a checkpoint carries it.
/// Its defaults are the main job's, and they live only here: the bundled
/// model's class map channel 0 at 128 px, a Fourier image with Lucid's colour
/// decorrelation and a sigmoid, Lucent's standard transforms, Adam with
/// Lucent's render_vis learning rate 0.05, 512 steps, seed 0.
///
/// The loop it describes (see `RenderEngine` and `RenderRun`):
///
///     start → [ parameters → image (parameterization → colour → squash)
///               → transforms → model → objective (optionally inside a border)
///               → loss = −objective → gradient → gradient processing → update
///               → after-step image operations ] × steps, phases of the scale schedule
public struct RenderRecipe: Codable, Sendable, Equatable {
    public static let defaultObjective = "class_map:0"

    /// A built-in model name or a description file.
    public var model = "bundled"
    /// Safetensors weights (nil: the model's own, for the bundled model).
    public var weights: String?
    /// What to maximize, in the objective language (`ObjectiveParser`).
    public var objective = RenderRecipe.defaultObjective
    /// Activations the objective reads lose this many pixels on every side
    /// (seed 002 averages away from a 2-pixel border). 0: the whole map.
    public var objectiveBorder = 0
    public var height = 128
    public var width = 128
    /// Images rendered together.
    public var batch = 1
    /// Steps after which the image is kept; the run lasts the largest.
    public var thresholds = [512]
    public var start = StartSpec.parameterization
    public var parameterization = ParameterizationSpec.defaultFourier
    /// Lucid's colour decorrelation; nil: on exactly when the image has 3 channels.
    public var decorrelate: Bool?
    public var squash = SquashSpec.sigmoid
    public var transforms: [TransformSpec] = TransformSpec.standard
    /// Lucid's redirected ReLU for the first 16 steps, or Lucent's at every step.
    public var redirectedRelu: RedirectedReluKind?
    /// When set, the model sees the transformed image in tiles of this size
    /// and the objective is summed over them (MATLAB DeepDream's tiled gradient).
    public var tile: Int?
    public var gradient: [GradientProcessing] = []
    public var optimizer = OptimizerSettings(kind: .adam)
    public var afterStep: [AfterStepOperation] = []
    public var octaves: OctaveSchedule?
    /// Seeds the initial parameters and every random choice of the run.
    public var seed: UInt64 = 0

    public init() {}

    /// The run's length in steps.
    public var steps: Int { thresholds.max() ?? 0 }

    enum CodingKeys: String, CodingKey {
        case model, weights, objective, height, width, batch, thresholds, start, parameterization, decorrelate, squash,
             transforms, tile, gradient, optimizer, octaves, seed
        case objectiveBorder = "objective_border", redirectedRelu = "redirected_relu", afterStep = "after_step"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = RenderRecipe()
        model = try c.decodeIfPresent(String.self, forKey: .model) ?? d.model
        weights = try c.decodeIfPresent(String.self, forKey: .weights)
        objective = try c.decodeIfPresent(String.self, forKey: .objective) ?? d.objective
        objectiveBorder = try c.decodeIfPresent(Int.self, forKey: .objectiveBorder) ?? d.objectiveBorder
        height = try c.decodeIfPresent(Int.self, forKey: .height) ?? d.height
        width = try c.decodeIfPresent(Int.self, forKey: .width) ?? d.width
        batch = try c.decodeIfPresent(Int.self, forKey: .batch) ?? d.batch
        thresholds = try c.decodeIfPresent([Int].self, forKey: .thresholds) ?? d.thresholds
        start = try c.decodeIfPresent(StartSpec.self, forKey: .start) ?? d.start
        parameterization = try c.decodeIfPresent(ParameterizationSpec.self, forKey: .parameterization) ?? d.parameterization
        decorrelate = try c.decodeIfPresent(Bool.self, forKey: .decorrelate)
        squash = try c.decodeIfPresent(SquashSpec.self, forKey: .squash) ?? d.squash
        transforms = try c.decodeIfPresent([TransformSpec].self, forKey: .transforms) ?? d.transforms
        redirectedRelu = try c.decodeIfPresent(RedirectedReluKind.self, forKey: .redirectedRelu)
        tile = try c.decodeIfPresent(Int.self, forKey: .tile)
        gradient = try c.decodeIfPresent([GradientProcessing].self, forKey: .gradient) ?? d.gradient
        optimizer = try c.decodeIfPresent(OptimizerSettings.self, forKey: .optimizer) ?? d.optimizer
        afterStep = try c.decodeIfPresent([AfterStepOperation].self, forKey: .afterStep) ?? d.afterStep
        octaves = try c.decodeIfPresent(OctaveSchedule.self, forKey: .octaves)
        seed = try c.decodeIfPresent(UInt64.self, forKey: .seed) ?? d.seed
    }

    /// The recipe as JSON (sorted keys, so equal recipes give equal bytes).
    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }

    /// A recipe from JSON; errors name `name`.
    public static func decode(_ data: Data, name: String) throws -> RenderRecipe {
        try decodeJSON(RenderRecipe.self, from: data, name: name, what: "render recipe")
    }
}

/// Lucid's and Lucent's redirected ReLU.
public enum RedirectedReluKind: String, Codable, Sendable, CaseIterable {
    case lucid, lucent
}
