import ReferenceCore
import ReferenceIO
import ReferenceVis
/// Evidence on the bundled model: render each class's logit and ask the
/// model what it sees.
///
/// Each class c is rendered with `recipe` (by default `refvis render`'s main
/// job, at a chosen size and number of steps) and the objective
/// `class_logit(c)`. The rendered image — no transforms, as the model would
/// see a picture — is then classified: softmax of the logits, the probability
/// of c. For the four oriented-stripe classes the orientation of the image's
/// spectrum (`spectralOrientation`, the power-weighted mean over periods of
/// at most 16 px: the classes' scale, not the image's slow shading) is
/// compared with the class's; the spectral peak (`dominantFrequency`) gives
/// the period.
public struct ClassLogitExperiment: Sendable {
    /// Everything but the objective, which is set per class.
    public var recipe: RenderRecipe
    /// The lowest frequency the orientation and the peak are measured at, cycles per pixel.
    public var minimumFrequency = 1.0 / 16
    /// The spectrum is zero-padded to this many times the image size, to
    /// resolve the peak's orientation finer than the image's frequency grid.
    public var oversampling = 4

    /// `refvis render`'s defaults at `size` px and `steps` steps.
    public init(size: Int, steps: Int, seed: UInt64 = 0) {
        recipe = RenderRecipe()
        (recipe.height, recipe.width) = (size, size)
        recipe.thresholds = [steps]
        recipe.seed = seed
    }

    /// Renders class `label`'s logit on `model` and measures the image.
    public func run(label: Int, model: Model, progress: (Int, Double) -> Void = { _, _ in }) throws -> ClassLogitOutcome {
        let classCount = model.description.classes?.count ?? 0
        guard (0..<classCount).contains(label) else {
            throw RefvisError.usage("class logit experiment: label \(label) is not one of model '\(model.description.name)''s \(classCount) classes")
        }
        var classRecipe = recipe
        classRecipe.objective = "class_logit(\(label))"
        let engine = try RenderEngine(recipe: classRecipe, model: model)
        let result = try engine.run(from: try engine.initialState()) { progress($0.step, $0.losses.last!) }
        let image = result.snapshots.last!.image
        let name = model.description.classes![label]
        return ClassLogitOutcome(label: label, className: name, image: image,
                                 probabilities: try classProbabilities(model, image),
                                 spectrum: try dominantFrequency(image, minimumFrequency: minimumFrequency, oversampling: oversampling),
                                 orientation: try spectralOrientation(image, minimumFrequency: minimumFrequency),
                                 expectedOrientation: PatternClass.allCases.first { $0.name == name }?.stripeOrientation)
    }
}

/// What rendering one class's logit gave.
public struct ClassLogitOutcome: Sendable {
    public let label: Int
    public let className: String
    /// The rendered image (1, 3, S, S).
    public let image: Tensor
    /// softmax(logits) of the rendered image, one per class.
    public let probabilities: [Double]
    /// The peak of the image's power spectrum (at periods of at most 16 px by default).
    public let spectrum: DominantFrequency
    /// The power-weighted orientation of the image's spectrum in the same band.
    public let orientation: SpectralOrientation
    /// The class's stripe orientation in degrees (`DominantFrequency`'s
    /// convention), nil for classes that have none.
    public let expectedOrientation: Double?

    /// The probability the model gives the rendered class.
    public var probability: Double { probabilities[label] }
    /// The class the model picks for the image.
    public var predicted: Int { probabilities.indices.max { probabilities[$0] < probabilities[$1] }! }
    /// The angle between the image's spectral orientation and the class's, in [0, 90].
    public var orientationError: Double? {
        expectedOrientation.map { orientationDistance(orientation.orientationDegrees, $0) }
    }
}

/// softmax over classes of `model`'s logits for each image of `images`
/// (N, 3, H, W), returned for the first image: the model's reading of a
/// picture, without transforms.
public func classProbabilities(_ model: Model, _ images: Tensor) throws -> [Double] {
    guard let logits = model.description.logits else {
        throw RefvisError.usage("model '\(model.description.name)' declares no logits layer")
    }
    let values = try model.activations(images, layers: [logits])[logits]!
    guard values.rank == 2 else {
        throw RefvisError("model '\(model.description.name)': logits have shape \(formatShape(values.shape)), expected (N, classes)")
    }
    let probabilities = try softmax(values, dim: 1)
    return Array(probabilities.scalars.prefix(values.shape[1]))
}

extension PatternClass {
    /// The direction the stripes of the class run, in degrees counter-clockwise
    /// from the x axis on screen (`DominantFrequency`'s convention; the
    /// dataset draws them within ±5° of it), nil for the classes without one.
    public var stripeOrientation: Double? {
        switch self {
        case .horizontalStripes: return 0
        case .diagonalStripes: return 45
        case .verticalStripes: return 90
        case .antiDiagonalStripes: return 135
        default: return nil
        }
    }
}
