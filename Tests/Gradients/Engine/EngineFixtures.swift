import ReferenceCore
import ReferenceVis

/// Small models and recipes the engine tests share.
enum EngineFixtures {
    /// A two-layer convolutional net on `channels`-channel images with
    /// seeded random weights: conv(3×3, pad 1) → ReLU → conv(3×3, pad 1) → ReLU.
    static func tinyModel(channels: Int, seed: UInt64 = 7) throws -> Model {
        let padded: [String: AttributeValue] = ["padding": .ints([1])]
        let description = ModelDescription(
            name: "tiny_\(channels)_channel",
            summary: "a tiny net on \(channels)-channel images for the engine tests",
            input: InputDescription(channels: channels, size: [16, 16], minimumSize: 1),
            preprocessing: .none,
            parameters: [
                ParameterDescription("conv1.weight", [4, channels, 3, 3]), ParameterDescription("conv1.bias", [4]),
                ParameterDescription("conv2.weight", [5, 4, 3, 3]), ParameterDescription("conv2.bias", [5]),
            ],
            nodes: [
                NodeDescription("conv1_pre_relu", op: "conv2d", inputs: ["input"],
                                parameters: ["weight": "conv1.weight", "bias": "conv1.bias"], attributes: padded),
                NodeDescription("conv1", op: "relu", inputs: ["conv1_pre_relu"]),
                NodeDescription("conv2_pre_relu", op: "conv2d", inputs: ["conv1"],
                                parameters: ["weight": "conv2.weight", "bias": "conv2.bias"], attributes: padded),
                NodeDescription("conv2", op: "relu", inputs: ["conv2_pre_relu"]),
            ])
        return try Model(description, parameters: randomParameters(for: description, seed: seed))
    }

    /// A short recipe for the tiny model: `size`, `steps`, no transforms.
    static func recipe(height: Int = 12, width: Int = 12, steps: Int = 4, objective: String = "channel(conv2, 1)") -> RenderRecipe {
        var recipe = RenderRecipe()
        recipe.model = "tiny"
        recipe.objective = objective
        (recipe.height, recipe.width) = (height, width)
        recipe.thresholds = [steps]
        recipe.transforms = []
        return recipe
    }

    /// The recipe on pixels: `--param pixel --squash none --no-decorrelate`.
    static func pixelRecipe(height: Int = 12, width: Int = 12, steps: Int = 4, objective: String = "channel(conv2, 1)") -> RenderRecipe {
        var recipe = self.recipe(height: height, width: width, steps: steps, objective: objective)
        recipe.parameterization = .pixel(sd: 0.01)
        recipe.squash = .none
        recipe.decorrelate = false
        recipe.start = .uniform(low: 0.25, high: 0.75)
        recipe.optimizer = OptimizerSettings(kind: .sgd, lr: 0.01)
        return recipe
    }

    /// Runs a recipe to the end.
    static func run(_ recipe: RenderRecipe, model: Model) throws -> RenderResult {
        let engine = try RenderEngine(recipe: recipe, model: model)
        return try engine.run(from: try engine.initialState())
    }
}
