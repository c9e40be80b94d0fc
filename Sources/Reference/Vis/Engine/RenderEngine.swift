import Dispatch
import ReferenceCore
import ReferenceIO

/// A recipe made ready to run on a model: its stages built and checked.
///
/// Everything that can be checked before the long computation is checked in
/// `init`: sizes against the model, the objective's layers and channels,
/// stage combinations, the transforms against the image size. A run never
/// fails at step 1 for a reason that was knowable before it.
///
/// `evaluate` is the loop's one evaluation — the render command, the golden
/// pipelines, the evidence experiments and the benchmarks all call it.
public struct RenderEngine {
    public let recipe: RenderRecipe
    public let model: Model
    public let objective: Objective
    /// The layers the objective reads.
    public let layers: [String]
    /// The colour matrix applied before the squash (nil: none).
    public let decorrelation: Tensor?
    public let transforms: TransformPipeline
    /// The image's channels: the model's own.
    public let channels: Int
    /// One parameterization per phase of the scale schedule (one without octaves).
    public let parameterizations: [any ImageParameterization]
    /// Steps per phase of the scale schedule.
    public let stepsPerPhase: Int
    /// Parameters to start from instead of drawing them (golden pipelines,
    /// or a picture's, `--start image:FILE`).
    public private(set) var givenStart: [Tensor]?

    /// Builds and checks `recipe` on `model`. `colorMatrix` replaces Lucid's
    /// decorrelation matrix when decorrelation is on; `start` gives the
    /// initial parameters instead of drawing them.
    public init(recipe: RenderRecipe, model: Model, colorMatrix: Tensor? = nil, start: [Tensor]? = nil) throws {
        self.recipe = recipe
        self.model = model
        let input = model.description.input
        channels = input.channels
        try RenderChecks.sizes(recipe, model: model)
        let steps = recipe.steps
        if let octaves = recipe.octaves {
            guard steps % octaves.count == 0 else {
                throw RefvisError.usage("--octaves: \(steps) steps do not split into \(octaves.count) equal phases")
            }
            stepsPerPhase = steps / octaves.count
        } else {
            stepsPerPhase = steps
        }
        try RenderChecks.stages(recipe)
        let decorrelate = recipe.decorrelate ?? (channels == 3)
        if decorrelate {
            guard channels == 3 else {
                throw RefvisError.usage("--decorrelate: colour decorrelation needs 3 channels; model '\(model.description.name)' takes \(channels)")
            }
            decorrelation = colorMatrix ?? ColorCorrelation.lucidNormalized
        } else {
            decorrelation = nil
        }
        let sizes = (0..<(recipe.octaves?.count ?? 1)).map { phase -> (height: Int, width: Int) in
            recipe.octaves?.size(phase: phase, height: recipe.height, width: recipe.width) ?? (recipe.height, recipe.width)
        }
        for size in sizes {
            guard min(size.height, size.width) >= input.minimumSize else {
                throw RefvisError.usage("--octaves: the first phase is \(size.height)×\(size.width), smaller than model '\(model.description.name)' accepts (at least \(input.minimumSize))")
            }
            try TransformSpec.check(recipe.transforms, batch: recipe.batch, height: size.height, width: size.width, option: "--transforms")
            for operation in recipe.afterStep { try operation.check(height: size.height, width: size.width, option: "--after-step") }
        }
        parameterizations = try sizes.map { try recipe.parameterization.make(shape: [recipe.batch, input.channels, $0.height, $0.width]) }
        transforms = try TransformSpec.pipeline(recipe.transforms)
        objective = try ObjectiveParser.parse(recipe.objective)
        layers = try objective.requiredLayers(logitsLayer: model.description.logits)
        if let start, start.map(\.shape) != parameterizations[0].parameterShapes {
            throw RefvisError("initial parameters \(start.map { formatShape($0.shape) }.joined(separator: ", ")) do not match the parameterization's \(parameterizations[0].parameterShapes.map(formatShape).joined(separator: ", "))")
        }
        givenStart = start
        if start == nil, case .image(let path) = recipe.start {
            givenStart = try ImageStart.parameters(path: path, engine: self)
        }
        try RenderChecks.objective(objective, layers: layers, model: model, recipe: recipe, height: sizes[0].height, width: sizes[0].width)
    }

    /// The phase of the scale schedule that step `step` (1-based) belongs to.
    public func phase(ofStep step: Int) -> Int { max(0, (step - 1) / max(1, stepsPerPhase)) }

    /// The image the parameters make, recorded on `tape`: parameterization →
    /// optional colour decorrelation → squash (`toValidRGB`'s). The one place
    /// the loop's image is made; `observe` sees each stage.
    public func image(on tape: Tape, parameters: [Variable], phase: Int = 0,
                      observe: ((String, Variable) -> Void)? = nil) throws -> Variable {
        var x = try parameterizations[phase].image(on: tape, parameters: parameters)
        observe?("parameterization", x)
        if let decorrelation {
            x = try tape.colorDecorrelate(x, tape.variable(decorrelation))
            observe?("decorrelated", x)
        }
        switch recipe.squash {
        case .sigmoid: x = try toValidRGB(on: tape, x, squash: .sigmoid)
        case .tanh: x = try toValidRGB(on: tape, x, squash: .tanh)
        case .none: break
        }
        observe?("image", x)
        return x
    }

    /// The image for parameter values, without transforms.
    public func image(_ parameters: [Tensor], phase: Int = 0) throws -> Tensor {
        let tape = Tape()
        return tape.value(try image(on: tape, parameters: parameters.map { tape.variable($0) }, phase: phase))
    }
}
