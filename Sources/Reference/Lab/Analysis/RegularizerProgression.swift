import ReferenceCore
import ReferenceIO
import ReferenceVis
/// The regularizers of feature visualization added one at a time, as in
/// Distill's "Feature Visualization" (Olah et al., 2017): every stage renders
/// the same objective from the same seed for the same number of steps, and
/// differs from `refvis render`'s defaults only in the stated choices.
public enum RegularizerStage: String, Sendable, CaseIterable {
    /// Pixel image, no colour decorrelation, no transforms: no regularization.
    case pixel
    /// Pixel image with the standard transforms.
    case pixelTransforms = "pixel+transforms"
    /// Fourier image (1/f scaled spectrum) with the standard transforms, no decorrelation.
    case fourierTransforms = "fft+transforms"
    /// Fourier image with decorrelated colour and the standard transforms: the default render.
    case fourierDecorrelatedTransforms = "fft+decorrelate+transforms"
    /// Fourier image with decorrelated colour, no transforms.
    case fourierDecorrelated = "fft+decorrelate"
    /// Lucid's low-resolution tensor (an eighth of the size, upsampled), decorrelated, standard transforms.
    case lowresDecorrelatedTransforms = "lowres+decorrelate+transforms"
    /// A 4-level Laplacian pyramid, decorrelated, standard transforms.
    case laplacianDecorrelatedTransforms = "laplacian+decorrelate+transforms"

    /// No regularization → + transforms → + Fourier → + decorrelation.
    public static let progression: [RegularizerStage] = [.pixel, .pixelTransforms, .fourierTransforms, .fourierDecorrelatedTransforms]

    /// `recipe` with this stage's parameterization, decorrelation and transforms.
    public func applied(to recipe: RenderRecipe) -> RenderRecipe {
        var r = recipe
        let pixel = ParameterizationSpec.pixel(sd: 0.01), fft = ParameterizationSpec.defaultFourier
        let standard = TransformSpec.standard
        switch self {
        case .pixel: (r.parameterization, r.decorrelate, r.transforms) = (pixel, false, [])
        case .pixelTransforms: (r.parameterization, r.decorrelate, r.transforms) = (pixel, false, standard)
        case .fourierTransforms: (r.parameterization, r.decorrelate, r.transforms) = (fft, false, standard)
        case .fourierDecorrelatedTransforms: (r.parameterization, r.decorrelate, r.transforms) = (fft, true, standard)
        case .fourierDecorrelated: (r.parameterization, r.decorrelate, r.transforms) = (fft, true, [])
        case .lowresDecorrelatedTransforms: (r.parameterization, r.decorrelate, r.transforms) = (.lowres(factor: 8, sd: 0.01), true, standard)
        case .laplacianDecorrelatedTransforms: (r.parameterization, r.decorrelate, r.transforms) = (.laplacian(levels: 4, sd: 0.01), true, standard)
        }
        return r
    }

    /// The `refvis render` options that make this stage's run.
    public var renderOptions: String {
        let r = applied(to: RenderRecipe())
        return "--param \(r.parameterization.text) \(r.decorrelate == true ? "--decorrelate" : "--no-decorrelate") --transforms \(TransformSpec.text(r.transforms))"
    }
}

/// One stage's render and the measures of its image.
public struct StageOutcome: Sendable {
    public let stage: RegularizerStage
    /// The image (1, 3, S, S) after the last step.
    public let image: Tensor
    /// `highFrequencyFraction` (default cutoff ¼ cycle per pixel) of the
    /// image after each threshold step of the recipe, in step order.
    public let fractions: [(step: Int, fraction: Double)]
    /// The objective of the last step (−loss), evaluated on the transformed
    /// image when the stage has transforms.
    public let finalObjective: Double

    /// The high-frequency fraction of the final image.
    public var highFrequencyFraction: Double { fractions.last!.fraction }
}

/// Renders `recipe` with `stage`'s regularizers on `model` and measures the
/// image after each of the recipe's thresholds.
public func renderStage(_ stage: RegularizerStage, recipe: RenderRecipe, model: Model,
                        progress: (Int, Double) -> Void = { _, _ in }) throws -> StageOutcome {
    let engine = try RenderEngine(recipe: stage.applied(to: recipe), model: model)
    let result = try engine.run(from: try engine.initialState()) { progress($0.step, $0.losses.last!) }
    let fractions = try result.snapshots.map { (step: $0.step, fraction: try highFrequencyFraction($0.image)) }
    return StageOutcome(stage: stage, image: result.snapshots.last!.image, fractions: fractions,
                        finalObjective: -result.losses.last!)
}
