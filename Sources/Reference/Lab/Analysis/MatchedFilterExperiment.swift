import ReferenceCore
import ReferenceIO
import ReferenceVis
/// Evidence that the render loop optimizes what it claims to: for a network
/// that is a single linear convolution unit, the image that maximizes its
/// centre neuron under a squared-L2 penalty is, in closed form, the filter.
///
/// The model: preprocessing y = x − ½ (so grey is zero), then one conv2d with
/// a 3×k×k filter w drawn from N(0, 1) with `filterSeed`, no bias, no padding,
/// read at the centre of its output (`neuron` at row H//2, column W//2, as
/// Lucid). The objective, with n = 3·S² the number of pixels values:
///
///     neuron(unit, 0) − λ·deepdream(input) = Σ_{RF} w·y − (λ/n)·Σ y²
///
/// (deepdream is the mean of squares; its layer "input" is the preprocessed
/// image y). Its maximum is y = (n / 2λ)·w on the centre neuron's receptive
/// field (RF, a k×k window; conv2d is a cross-correlation, so w is not
/// flipped) and y = 0 elsewhere. λ = n·max|w| / (2·amplitude) puts the largest
/// |y| at `amplitude`, well inside the sigmoid's (−½, ½).
///
/// The image is a pixel image through the sigmoid (the loop's valid-RGB
/// step; the sigmoid is monotone, so the maximizer is the same), without
/// colour decorrelation or transforms, optimized by Adam. The evidence is the
/// Pearson correlation between the RF patch of the rendered image and w.
public struct MatchedFilterExperiment: Sendable {
    /// Image height and width S.
    public var imageSize = 16
    /// Filter height and width k.
    public var kernelSize = 5
    public var filterSeed: UInt64 = 2017
    /// The largest |x − ½| of the maximizer.
    public var amplitude = 0.2
    public var steps = 128
    public var learningRate = 0.05
    /// Seeds the initial pixel image.
    public var seed: UInt64 = 0

    public init() {}

    /// w, shape (1, 3, k, k), standard normal from `filterSeed`.
    public func filter() -> Tensor {
        var rng = RandomGenerator(seed: filterSeed)
        return rng.normalTensor([1, 3, kernelSize, kernelSize])
    }

    /// The single-unit network, with `filter()` as its weight.
    public func model() throws -> Model {
        guard kernelSize >= 1, imageSize >= kernelSize else {
            throw RefvisError.usage("matched filter: the image (\(imageSize) px) must be at least as large as the filter (\(kernelSize) px)")
        }
        let description = ModelDescription(
            name: "matched_filter", summary: "one linear 3×\(kernelSize)×\(kernelSize) convolution unit",
            input: InputDescription(channels: 3, size: [imageSize, imageSize], minimumSize: kernelSize),
            preprocessing: .scaleShift(scale: 1, shift: -0.5),
            parameters: [ParameterDescription("unit.weight", [1, 3, kernelSize, kernelSize])],
            nodes: [NodeDescription("unit", op: "conv2d", inputs: [ModelDescription.inputNodeName],
                                    parameters: ["weight": "unit.weight"])])
        return try Model(description, parameters: ["unit.weight": filter()])
    }

    /// λ = n·max|w| / (2·amplitude), n = 3·S².
    public var penaltyWeight: Double {
        let largest = filter().scalars.map(abs).max() ?? 1
        return Double(3 * imageSize * imageSize) * largest / (2 * amplitude)
    }

    /// neuron(unit, 0) − λ·deepdream(input), in the objective language.
    public var objective: String {
        "neuron(unit, 0) - \(formatDouble(penaltyWeight)) * deepdream(\(ModelDescription.inputNodeName))"
    }

    /// The first row and column of the centre neuron's receptive field: the
    /// output is (S − k + 1)², its centre (S − k + 1)//2 in each axis.
    public var receptiveFieldOrigin: Int { (imageSize - kernelSize + 1) / 2 }

    /// The run: a pixel image with a sigmoid and no decorrelation or
    /// transforms, Adam at `learningRate`.
    public var recipe: RenderRecipe {
        var recipe = RenderRecipe()
        recipe.model = "matched-filter unit"
        recipe.objective = objective
        (recipe.height, recipe.width) = (imageSize, imageSize)
        recipe.thresholds = [steps]
        recipe.parameterization = .pixel(sd: 0.01)
        recipe.decorrelate = false
        recipe.transforms = []
        recipe.optimizer = OptimizerSettings(kind: .adam, lr: learningRate)
        recipe.seed = seed
        return recipe
    }

    /// Renders and measures.
    public func run(progress: (Int, Double) -> Void = { _, _ in }) throws -> MatchedFilterOutcome {
        let engine = try RenderEngine(recipe: recipe, model: try model())
        let result = try engine.run(from: try engine.initialState()) { progress($0.step, $0.losses.last!) }
        let image = result.snapshots.last!.image
        let (s, k, origin) = (imageSize, kernelSize, receptiveFieldOrigin)
        var patch = [Double](), inside = 0.0, outside = 0.0
        for c in 0..<3 {
            for row in 0..<s {
                for column in 0..<s {
                    let deviation = image.scalars[(c * s + row) * s + column] - 0.5
                    if (origin..<(origin + k)).contains(row) && (origin..<(origin + k)).contains(column) {
                        patch.append(deviation)
                        inside = max(inside, abs(deviation))
                    } else {
                        outside = max(outside, abs(deviation))
                    }
                }
            }
        }
        let patchTensor = Tensor(shape: [1, 3, k, k], scalars: patch)
        return MatchedFilterOutcome(correlation: try pearsonCorrelation(patchTensor, filter()),
                                    outsideShare: inside > 0 ? outside / inside : .infinity,
                                    largestDeviation: inside, image: image, patch: patchTensor, losses: result.losses)
    }
}

/// What the matched-filter render gave.
public struct MatchedFilterOutcome: Sendable {
    /// Pearson's r between the receptive-field patch of the image and the filter.
    public let correlation: Double
    /// max |x − ½| outside the receptive field over max |x − ½| inside it
    /// (0 at the exact maximizer).
    public let outsideShare: Double
    /// max |x − ½| inside the receptive field (the maximizer's is `amplitude`).
    public let largestDeviation: Double
    /// The rendered image (1, 3, S, S) in (0, 1).
    public let image: Tensor
    /// Its receptive-field patch minus ½, (1, 3, k, k).
    public let patch: Tensor
    public let losses: [Double]
}
