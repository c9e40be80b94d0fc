import Foundation
import ReferenceCore
import ReferenceIO
import ReferenceVis

/// The pipeline cases `render-8-adam` (the tiny model of `PipelineCases`,
/// weights committed) and `render-8-adam-bundled` (the bundled model, weights
/// named by their SHA-256): eight steps of `render`, refvis's Lucid/Lucent
/// loop, with Adam.
///
/// Each step t = 1…8: image = sigmoid(color_decorrelate(fourier_image(θ)));
/// the transforms with the choices trace.json records for step t; the model;
/// loss = −objective; its gradient with respect to θ; one Adam update of θ.
/// `output_losses[t−1]` is the loss before step t's update, `step_t_image` the image
/// (no transforms) made from θ after it. θ starts from the committed
/// `input_initial_spectrum`; `refvis render` with the case's settings draws the same
/// θ and the same transform choices from `seed`.
public struct RenderAdamPipeline: GoldenPipeline {
    public enum ModelSource: String, Sendable {
        /// `PipelineCases.tinyModel` with committed random weights.
        case tiny
        /// The bundled model (`Fixtures/models/bundled.*`), checked by the weights' SHA-256.
        case bundled
    }

    public let name: String
    public let source: ModelSource
    public let size: Int
    public let objective: String
    public let transforms: String
    public let seed: UInt64
    public let steps: Int
    public let learningRate: Double

    public init(name: String, source: ModelSource, size: Int, objective: String, transforms: String,
                seed: UInt64, steps: Int = 8, learningRate: Double = 0.05) {
        self.name = name
        self.source = source
        self.size = size
        self.objective = objective
        self.transforms = transforms
        self.seed = seed
        self.steps = steps
        self.learningRate = learningRate
    }

    /// `render-8-adam`: the tiny model at 24 px with a small set of transforms.
    public static let tiny = RenderAdamPipeline(name: "render-8-adam", source: .tiny, size: 24,
                                                objective: "channel(conv2, 3)",
                                                transforms: "pad:4,jitter:4,scale,rotate,jitter:2", seed: 5)

    /// `render-8-adam-bundled`: `refvis render`'s defaults (class_map:0, Lucent's
    /// standard transforms, Adam lr 0.05) at 32 px for 8 steps.
    public static let bundled = RenderAdamPipeline(name: "render-8-adam-bundled", source: .bundled, size: 32,
                                                   objective: RenderRecipe.defaultObjective,
                                                   transforms: "standard", seed: 3)

    // MARK: generate

    public func generate() throws -> GeneratedGoldenCase {
        let model: Model
        var arrays = [String: Tensor]()
        var files = [String: Data]()
        var weightArrays = [GoldenArray]()
        switch source {
        case .tiny:
            let weights = randomParameters(for: PipelineCases.tinyModel, seed: PipelineCases.tinyModelSeed)
            model = try Model(PipelineCases.tinyModel, parameters: weights)
            for (name, tensor) in weights { arrays[PipelineCases.weightArrayName(name)] = tensor }
            files["model.json"] = try PipelineCases.encoded(PipelineCases.tinyModel)
            weightArrays = PipelineCases.weightArrays(PipelineCases.tinyModel)
        case .bundled:
            model = try BundledModel.load()
        }

        // A render that draws its own choices, as `refvis render --seed` does…
        let recipe = try self.recipe()
        let engine = try RenderEngine(recipe: recipe, model: model)
        let start = try engine.initialState()
        let drawn = try engine.run(from: start)
        let initial = start.parameters[0]
        var trace = drawn.trace
        trace.name = "trace.json"

        // …and the case is what replaying its trace from its initial spectrum gives,
        // which must be the same run bit for bit.
        let replayed = try run(model: model, initial: initial, colorMatrix: ColorCorrelation.lucidNormalized,
                               trace: trace, recipe: recipe)
        guard replayed["output_losses"]!.scalars == drawn.losses,
              drawn.snapshots.allSatisfy({ replayed[Self.stepName($0.step)]?.scalars == $0.image.scalars }) else {
            throw RefvisError("golden case \(name): replaying the trace from the initial spectrum does not reproduce the render")
        }
        arrays.merge(replayed) { a, _ in a }

        // Tolerances: rerun under the float64 and float32 noise models.
        func rerun(noise: Double, float32: Bool) throws -> [String: Tensor] {
            func change(_ name: String, _ tensor: Tensor) -> Tensor {
                float32 ? PipelineTolerances.float32(tensor) : PipelineTolerances.perturbed(tensor, seed: fnv1a(name))
            }
            let changedModel = try Model(model.description, parameters: Dictionary(uniqueKeysWithValues:
                model.parameters.map { ($0.key, change($0.key, $0.value)) }))
            return try run(model: changedModel, initial: change("input_initial_spectrum", initial),
                           colorMatrix: change("input_color_matrix", ColorCorrelation.lucidNormalized),
                           trace: trace, recipe: recipe) {
                NoisyOptimizer($0, noise: noise, roundToFloat32: float32, seed: seed)
            }
        }
        let tolerances = PipelineTolerances.measured(
            Array(replayed.keys), golden: arrays,
            float64: try rerun(noise: PipelineTolerances.float64GradientNoise, float32: false),
            float32: try rerun(noise: PipelineTolerances.float32GradientNoise, float32: true),
            kind: .render(steps: steps))
        arrays["input_initial_spectrum"] = initial
        arrays["input_color_matrix"] = ColorCorrelation.lucidNormalized
        files["trace.json"] = try PipelineCases.encoded(trace)
        files["recipe.json"] = try recipe.encoded() + Data("\n".utf8)

        var settings = recipeSettings()
        switch source {
        case .tiny:
            settings["model"] = "model.json (refvis-model/1); weight_<parameter> inputs hold its weights (He-normal, randomParameters seed \(PipelineCases.tinyModelSeed))"
        case .bundled:
            let path = try RepositoryFixtures.path(BundledModel.weightsFile, what: "the bundled model's weights")
            settings["model"] = "bundled: the description Fixtures/\(BundledModel.descriptionFile) and the weights Fixtures/\(BundledModel.weightsFile) of the refvis repository"
            settings["weights_sha256"] = try SHA256.hex(ofFile: path)
        }
        let golden = describe(arrays, settings: settings, weights: weightArrays, files: Array(files.keys),
                              tolerances: tolerances)
        return GeneratedGoldenCase(golden: golden, arrays: arrays, extraFiles: files)
    }

    // MARK: recompute

    public func recompute(_ golden: GoldenCase, in folder: URL) throws -> [String: Tensor] {
        let model: Model
        switch source {
        case .tiny:
            model = try PipelineCases.committedModel(golden, in: folder)
        case .bundled:
            let expected = try PipelineCases.setting("weights_sha256", of: golden)
            let path = try RepositoryFixtures.path(BundledModel.weightsFile, what: "the bundled model's weights")
            let found = try SHA256.hex(ofFile: path)
            guard found == expected else {
                throw RefvisError("\(path): sha256 \(found), but golden case \(golden.name) was made with weights of sha256 \(expected); run 'refvis golden update --only \(golden.name)' after retraining")
            }
            model = try BundledModel.load()
        }
        // The run is recipe.json, as `refvis render --recipe` reads it. One
        // image per step is recorded, so the case's own step list bounds it
        // (a hand-edited recipe must not size the run).
        let (data, path) = try PipelineCases.file("recipe", of: golden, in: folder)
        let recipe = try RenderRecipe.decode(data, name: path)
        guard recipe.thresholds == Array(1...max(1, recipe.steps)), recipe.steps == golden.steps.count,
              golden.steps.allSatisfy({ $0.shape.suffix(2) == [recipe.height, recipe.width] }) else {
            throw RefvisError("\(path): the recipe's \(recipe.steps) steps at \(recipe.height)×\(recipe.width) are not the case's \(golden.steps.count) recorded step images")
        }
        return try run(model: model, initial: try PipelineCases.input("input_initial_spectrum", of: golden, in: folder),
                       colorMatrix: try PipelineCases.input("input_color_matrix", of: golden, in: folder),
                       trace: try PipelineCases.trace(of: golden, in: folder), recipe: recipe)
    }

    // MARK: the run

    /// `refvis render`'s choices for this case.
    func recipe() throws -> RenderRecipe {
        var recipe = RenderRecipe()
        recipe.model = source == .tiny ? "model.json" : "bundled"
        recipe.objective = objective
        (recipe.height, recipe.width) = (size, size)
        recipe.thresholds = Array(1...steps)
        recipe.transforms = try TransformSpec.parseList(transforms, option: "transforms")
        recipe.optimizer = OptimizerSettings(kind: .adam, lr: learningRate)
        recipe.seed = seed
        return recipe
    }

    /// The render from `initial` with the transform choices of `trace`, named
    /// as the case names them: the image after every step and the losses.
    /// `wrap` may replace the optimizer (the tolerance model's noise).
    func run(model: Model, initial: Tensor, colorMatrix: Tensor, trace: TransformTrace, recipe: RenderRecipe,
             wrap: ((any Optimizer) -> any Optimizer)? = nil) throws -> [String: Tensor] {
        let engine = try RenderEngine(recipe: recipe, model: model, colorMatrix: colorMatrix, start: [initial])
        var state = try engine.initialState(replay: trace)
        if let wrap { state.optimizer = wrap(state.optimizer) }
        let result = try engine.run(from: state, replay: trace)
        var arrays = ["output_losses": Tensor(shape: [result.losses.count], scalars: result.losses)]
        for (step, image) in result.snapshots { arrays[Self.stepName(step)] = image }
        return arrays
    }

    /// The name (and file stem) of the image after step `step`.
    static func stepName(_ step: Int) -> String { "step_\(step)_image" }

    /// The settings a reader needs to rerun the case (see Docs/golden-format.md).
    func recipeSettings() -> [String: String] {
        [
            "size": "\(size)",
            "steps": "\(steps)",
            "seed": "\(seed)",
            "parameterization": "fourier_image of input_initial_spectrum: height \(size), width \(size), decay_power 1, convention lucent (refvis's FourierImage; refvis render draws the spectrum as N(0, 0.01²) from seed)",
            "decorrelation": "color_decorrelate with input_color_matrix (Lucid's matrix normalized by its largest column norm)",
            "squash": "sigmoid",
            "transforms": transforms,
            "transform_details": transforms == "standard"
                ? "Lucent's standard transforms: pad 12 constant 0.5, lucent_jitter(8), lucent_random_scale(0.9…1.1), lucent_random_rotate(−10…10 degrees), lucent_jitter(4); the choices of every step are in trace.json"
                : "pad 4 px constant 0.5, lucent_jitter(4), lucent_random_scale(0.9…1.1), lucent_random_rotate(−10…10 degrees), lucent_jitter(2); the choices of every step are in trace.json",
            "objective": objective,
            "loss": "−objective, evaluated before each step's update",
            "optimizer": "adam",
            "lr": formatDouble(learningRate),
            "adam": "torch.optim.Adam: betas (0.9, 0.999), eps 1e-08, weight_decay 0, amsgrad false; eps added after the bias correction of √v",
            "recipe": "recipe.json: the whole run as refvis reads it (RenderRecipe); the settings here describe it for a reader",
            "command": "refvis render --recipe recipe.json" + (source == .tiny ? " --model model.json --weights <the weight inputs as safetensors>" : ""),
        ]
    }

    func describe(_ arrays: [String: Tensor], settings: [String: String], weights: [GoldenArray], files: [String],
                  tolerances: [String: GoldenTolerances]) -> GoldenCase {
        func array(_ name: String) -> GoldenArray {
            GoldenArray(name: name, file: name + ".npy", shape: arrays[name]?.shape ?? [], tolerances: tolerances[name])
        }
        var roles = ["trace": "trace.json", "recipe": "recipe.json"]
        if files.contains("model.json") { roles["model"] = "model.json" }
        return GoldenCase(
            kind: .pipeline, name: name,
            description: "\(steps) Adam steps of refvis render on the \(source == .tiny ? "tiny conv net" : "bundled model") at \(size) px, objective \(objective), transforms replayed from trace.json: the image after every step and the losses",
            settings: settings,
            files: roles,
            inputs: [array("input_initial_spectrum"), array("input_color_matrix")] + weights,
            steps: (1...steps).map { step in array(Self.stepName(step)) },
            outputs: [array("output_losses")],
            tolerances: PipelineTolerances.caseDefault)
    }
}
