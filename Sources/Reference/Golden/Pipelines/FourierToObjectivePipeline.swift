import Foundation
import ReferenceCore
import ReferenceIO
import ReferenceVis

/// The pipeline case `fourier-to-objective`: one forward and backward pass of
/// feature visualization, every stage recorded.
///
///     spectrum (1, 3, 24, 13, 2)
///       → fourier_image (24×24, decay_power 1, Lucent's convention)   step_01_fourier_image
///       → color_decorrelate with Lucid's normalized matrix            step_02_decorrelated
///       → sigmoid                                                     step_03_image
///       → pad 4 (constant 0.5), lucent_jitter(4), lucent_random_scale,
///         lucent_random_rotate, lucent_jitter(2), with the choices of
///         trace.json (step 1)                                         step_04 … step_08
///       → the tiny model (model.json, weights committed as inputs):
///         normalized input, conv1_pre_relu, conv1, pool1,
///         conv2_pre_relu, conv2                                       step_09 … step_14
///       → channel(conv2, 3) = mean of conv2[:, 3]                     output_objective
///
/// Gradients, with cotangent 1 on the objective: d objective / d spectrum
/// (gradient_spectrum) and d objective / d image, the sigmoid's output
/// (gradient_image). Every array's name is its file name without `.npy`.
public struct FourierToObjectivePipeline: GoldenPipeline {
    public let name = "fourier-to-objective"

    public init() {}

    static let size = 24
    static let spectrumSeed: UInt64 = 31
    /// Large enough that the image has real contrast (a render's start, sd 0.01, is nearly flat grey).
    static let spectrumSD = 0.5
    static let transforms = "pad:4,jitter:4,scale,rotate,jitter:2"
    static let objective = "channel(conv2, 3)"
    static let traceStep = 1
    /// The transform choices, picked by hand so that every transform moves the
    /// image: a shift of (3, 1), scale 1.08 (32 → 35 px), 7° anticlockwise, a shift of (1, 0).
    static var choices: [[String: Double]] {
        [[:], ["dx": 3, "dy": 1], ["scale": StandardTransforms.scales[9]], ["angle": 7], ["dx": 1, "dy": 0]]
    }

    /// The model layers recorded as steps, in evaluation order (`input` is the
    /// model's normalized input).
    static let layers = ["input", "conv1_pre_relu", "conv1", "pool1", "conv2_pre_relu", "conv2"]

    public func generate() throws -> GeneratedGoldenCase {
        let description = PipelineCases.tinyModel
        let weights = randomParameters(for: description, seed: PipelineCases.tinyModelSeed)
        let image = try FourierImage(shape: [1, 3, Self.size, Self.size])
        var rng = RandomGenerator(seed: Self.spectrumSeed)
        let spectrum = rng.normalTensor(image.parameterShapes[0], std: Self.spectrumSD)
        let colorMatrix = ColorCorrelation.lucidNormalized
        let pipeline = try TransformSpec.pipeline(try TransformSpec.parseList(Self.transforms, option: "transforms"))
        let trace = TransformTrace(seed: nil, records: zip(pipeline.kinds, Self.choices).enumerated().map { index, item in
            TransformRecord(step: Self.traceStep, transform: index, kind: item.0, choices: item.1)
        }, name: "trace.json")

        func run(_ change: (String, Tensor) -> Tensor) throws -> Run {
            let changed = Dictionary(uniqueKeysWithValues: weights.map { ($0.key, change($0.key, $0.value)) })
            return try Self.run(spectrum: change("spectrum", spectrum), colorMatrix: change("color_matrix", colorMatrix),
                                model: try Model(description, parameters: changed), trace: trace)
        }
        let made = try run { _, tensor in tensor }
        var arrays = made.arrays
        arrays["input_spectrum"] = spectrum
        arrays["input_color_matrix"] = colorMatrix
        for (name, tensor) in weights { arrays[PipelineCases.weightArrayName(name)] = tensor }
        arrays["cotangent_objective"] = Tensor(scalar: 1)

        // Tolerances: rerun with the inputs perturbed by about one ulp, and rounded to float32.
        let tolerances = PipelineTolerances.measured(
            Array(made.arrays.keys), golden: arrays,
            float64: try run { name, tensor in PipelineTolerances.perturbed(tensor, seed: fnv1a(name)) }.arrays,
            float32: try run { _, tensor in PipelineTolerances.float32(tensor) }.arrays,
            kind: .singlePass)
        let golden = Self.describe(made, arrays: arrays, weights: PipelineCases.weightArrays(description), tolerances: tolerances)
        return GeneratedGoldenCase(golden: golden, arrays: arrays, extraFiles: [
            "model.json": try PipelineCases.encoded(description),
            "trace.json": try PipelineCases.encoded(trace),
        ])
    }

    public func recompute(_ golden: GoldenCase, in folder: URL) throws -> [String: Tensor] {
        try Self.run(spectrum: try PipelineCases.input("input_spectrum", of: golden, in: folder),
                     colorMatrix: try PipelineCases.input("input_color_matrix", of: golden, in: folder),
                     model: try PipelineCases.committedModel(golden, in: folder),
                     trace: try PipelineCases.trace(of: golden, in: folder),
                     size: try PipelineCases.intSetting("size", of: golden),
                     transforms: try PipelineCases.setting("transforms", of: golden),
                     objective: try PipelineCases.setting("objective", of: golden),
                     step: try PipelineCases.intSetting("trace_step", of: golden)).arrays
    }

    /// One run: the steps in order, then the objective and the gradients, by array name.
    struct Run {
        var stepNames: [String] = []
        var arrays: [String: Tensor] = [:]

        mutating func step(_ stage: String, _ tensor: Tensor) {
            let number = stepNames.count + 1
            let name = "step_\(number < 10 ? "0" : "")\(number)_\(stage)"
            stepNames.append(name)
            arrays[name] = tensor
        }
    }

    /// Runs the pipeline once, keeping every stage: the render loop's own
    /// evaluation (`RenderEngine.evaluate`), observed stage by stage.
    static func run(spectrum: Tensor, colorMatrix: Tensor, model: Model, trace: TransformTrace,
                    size: Int = size, transforms: String = transforms, objective: String = objective,
                    step: Int = traceStep) throws -> Run {
        var recipe = RenderRecipe()
        recipe.objective = objective
        (recipe.height, recipe.width) = (size, size)
        recipe.thresholds = [step]
        recipe.transforms = try TransformSpec.parseList(transforms, option: "transforms")
        let engine = try RenderEngine(recipe: recipe, model: model, colorMatrix: colorMatrix, start: [spectrum])
        var run = Run()
        var rng = RandomGenerator(seed: 0)
        var unused = TransformTrace(seed: nil)
        var timings = RenderTimings()
        var imageGradient: Tensor?
        let evaluation = try engine.evaluate([spectrum], step: step, choices: .replay(trace), rng: &rng, trace: &unused,
                                             timings: &timings, observeLayers: layers, observe: { name, value in
            switch name {
            case "parameterization": run.step("fourier_image", value)
            case "objective": run.arrays["output_objective"] = value
            case "input": run.step("model_input", value)
            default: run.step(name, value)
            }
        }, imageGradient: { imageGradient = $0 })
        // The engine differentiates the loss −objective; the case records
        // d objective = 0 − d loss: exact for every value, and a zero comes
        // out +0, as differentiating the objective itself gives it.
        run.arrays["gradient_spectrum"] = negated(evaluation.gradients[0])
        run.arrays["gradient_image"] = negated(imageGradient!)
        return run
    }

    static func negated(_ t: Tensor) -> Tensor { Tensor(shape: t.shape, scalars: t.scalars.map { 0 - $0 }) }

    /// The case description for the arrays just computed.
    static func describe(_ run: Run, arrays: [String: Tensor], weights: [GoldenArray],
                         tolerances: [String: GoldenTolerances]) -> GoldenCase {
        func array(_ name: String) -> GoldenArray {
            GoldenArray(name: name, file: name + ".npy", shape: arrays[name]?.shape ?? [], tolerances: tolerances[name])
        }
        return GoldenCase(
            kind: .pipeline, name: "fourier-to-objective",
            description: "Fourier image → Lucid's colour decorrelation → sigmoid → five recorded transforms → a tiny conv net → channel(conv2, 3), with d objective / d spectrum",
            settings: [
                "size": "\(size)",
                "parameterization": "fourier_image of input_spectrum: height 24, width 24, decay_power 1, convention lucent (refvis's FourierImage)",
                "spectrum": "(1, 3, 24, 13, 2), N(0, \(formatDouble(spectrumSD))²) from refvis's RandomGenerator seed \(spectrumSeed)",
                "decorrelation": "color_decorrelate with input_color_matrix (Lucid's matrix normalized by its largest column norm)",
                "squash": "sigmoid",
                "transforms": transforms,
                "transform_details": "pad 4 px constant 0.5; lucent_jitter d=4 chose dx=3, dy=1; lucent_random_scale chose 1.08 (32×32 → 35×35); lucent_random_rotate chose 7 degrees; lucent_jitter d=2 chose dx=1, dy=0. The choices are in trace.json, step 1",
                "trace_step": "\(traceStep)",
                "model": "model.json (refvis-model/1); weight_<parameter> inputs hold its weights (He-normal, randomParameters seed \(PipelineCases.tinyModelSeed))",
                "objective": objective,
                "objective_definition": "mean over batch, height and width of conv2[:, 3] (conv2 is after its ReLU)",
                "gradients": "gradient_spectrum = d objective / d input_spectrum, gradient_image = d objective / d step_03_image (the sigmoid's output); cotangent 1",
            ],
            files: ["model": "model.json", "trace": "trace.json"],
            inputs: [array("input_spectrum"), array("input_color_matrix")] + weights,
            steps: run.stepNames.map(array),
            outputs: [array("output_objective")],
            cotangents: [array("cotangent_objective")],
            gradients: [array("gradient_spectrum"), array("gradient_image")],
            tolerances: PipelineTolerances.caseDefault)
    }
}
