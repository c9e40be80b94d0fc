import ReferenceCore

/// The checks a recipe passes before any step runs, each a one-line error
/// that names the option at fault.
enum RenderChecks {
    /// One 4096×4096 image is the most refvis renders at once: activations,
    /// tape and optimizer state grow with batch·height·width, and beyond this
    /// budget they exceed the memory of an ordinary machine.
    static let pixelBudget = 4096 * 4096
    static let maximumSteps = 100_000

    static func sizes(_ recipe: RenderRecipe, model: Model) throws {
        let name = model.description.name
        for (value, what) in [(recipe.height, "height"), (recipe.width, "width")] {
            guard (1...4096).contains(value) else { throw RefvisError.usage("--size: \(what) must be 1…4096, got \(value)") }
            guard value >= model.description.input.minimumSize else {
                throw RefvisError.usage("--size: \(what) \(value) is smaller than model '\(name)' accepts (at least \(model.description.input.minimumSize))")
            }
        }
        guard (1...64).contains(recipe.batch) else { throw RefvisError.usage("--batch: expected 1…64, got \(recipe.batch)") }
        let pixels = recipe.batch * recipe.height * recipe.width
        guard pixels <= pixelBudget else {
            throw RefvisError.usage("--batch \(recipe.batch) × --size \(recipe.height)×\(recipe.width): \(pixels) pixels, more than the \(pixelBudget) (one 4096×4096 image) refvis renders at once")
        }
        guard !recipe.thresholds.isEmpty, recipe.thresholds.allSatisfy({ (1...maximumSteps).contains($0) }) else {
            throw RefvisError.usage("--thresholds: expected step numbers in 1…\(maximumSteps), got \(recipe.thresholds.map(String.init).joined(separator: ","))")
        }
        if let tile = recipe.tile {
            guard tile >= model.description.input.minimumSize, tile <= 4096 else {
                throw RefvisError.usage("--tile: \(tile) must be at least \(model.description.input.minimumSize) (model '\(name)') and at most 4096")
            }
        }
        guard (0...1024).contains(recipe.objectiveBorder) else {
            throw RefvisError.usage("--objective-border: expected 0…1024, got \(recipe.objectiveBorder)")
        }
    }

    /// Stages that only make sense on pixels need the pixel parameterization.
    static func stages(_ recipe: RenderRecipe) throws {
        let pixel = recipe.parameterization.isPixel
        func needPixel(_ option: String, _ what: String) throws {
            guard pixel else {
                throw RefvisError.usage("\(option) \(what): works on pixels; use --param pixel (the parameter is then the image)")
            }
        }
        switch recipe.start {
        case .parameterization, .image: break
        default: try needPixel("--start", recipe.start.text)
        }
        if let stage = recipe.gradient.first { try needPixel("--gradient", stage.text) }
        if let octaves = recipe.octaves { try needPixel("--octaves", octaves.text) }
        if let operation = recipe.afterStep.first {
            try needPixel("--after-step", operation.text)
            guard recipe.squash == .none, recipe.decorrelate != true else {
                throw RefvisError.usage("--after-step \(operation.text): changes the image, which is the parameter only with --squash none and no decorrelation")
            }
        }
    }

    /// The objective's layers exist and its channels are in range: the model
    /// runs once on a grey image of the first phase's size.
    static func objective(_ objective: Objective, layers: [String], model: Model, recipe: RenderRecipe,
                          height: Int, width: Int) throws {
        for layer in layers { _ = try model.resolveLayer(layer) }
        let grey = Tensor(repeating: 0.5, shape: [1, model.description.input.channels, height, width])
        let activations = try model.activations(grey, layers: layers)
        try objective.validate(batchSize: recipe.batch, logitsLayer: model.description.logits) { layer in
            activations[layer].map { $0.rank >= 2 ? $0.shape[1] : 1 }
        }
        if recipe.objectiveBorder > 0 {
            for (name, activation) in activations where activation.rank == 4 {
                guard activation.shape[2] > 2 * recipe.objectiveBorder, activation.shape[3] > 2 * recipe.objectiveBorder else {
                    throw RefvisError.usage("--objective-border \(recipe.objectiveBorder): layer '\(name)' is only \(activation.shape[2])×\(activation.shape[3]) at this size")
                }
            }
        }
    }
}
