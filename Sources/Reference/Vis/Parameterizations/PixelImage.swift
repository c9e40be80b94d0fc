import ReferenceCore
import ReferenceIO
/// The naive parameterization: the parameters are the pixels.
///
///     image = P,   P initialized as sd · N(0, 1), shape (B, C, H, W)
///
/// Lucid's and Lucent's `pixel_image(shape, sd)` (sd defaults to 0.01). One difference:
/// they write `sd = sd or 0.01`, so an sd of 0 silently becomes 0.01; refvis takes sd
/// literally. Lucid's shape is (B, H, W, C); refvis's, as Lucent's, is (B, C, H, W).
public struct PixelImage: ImageParameterization {
    public let imageShape: [Int]
    public let sd: Double

    public init(shape: [Int], sd: Double = 0.01) throws {
        try ParameterizationChecks.imageShape(shape, "pixel_image")
        try ParameterizationChecks.standardDeviation(sd, "pixel_image")
        imageShape = shape
        self.sd = sd
    }

    public var parameterShapes: [[Int]] { [imageShape] }

    public func initialParameters(_ rng: inout RandomGenerator) -> [Tensor] {
        [rng.normalTensor(imageShape, std: sd)]
    }

    public func image(on tape: Tape, parameters: [Variable]) throws -> Variable {
        try checkParameters(parameters, on: tape, "pixel_image")
        return parameters[0]
    }
}
