import ReferenceCore
import ReferenceIO
/// A spatial parameterization followed by `toValidRGB`: an image whose values are valid
/// colours, optionally in a decorrelated colour space. The RGB half of Lucid's
/// `param.image` (lucid/optvis/param/images.py) and Lucent's `param.image`.
public struct ValidRGBImage: ImageParameterization {
    public let spatial: any ImageParameterization
    /// The colour matrix (K, C) applied before squashing, or nil.
    public let decorrelation: Tensor?
    public let squash: RGBSquash

    public init(_ spatial: any ImageParameterization, decorrelation: Tensor? = ColorCorrelation.lucidNormalized,
                squash: RGBSquash = .sigmoid) throws {
        guard spatial.imageShape.count == 4 else {
            throw RefvisError("valid rgb image: the spatial parameterization must make (B, C, H, W) images, got shape \(AttributeValue.ints(spatial.imageShape))")
        }
        if let decorrelation {
            guard decorrelation.rank == 2, decorrelation.shape[1] == spatial.imageShape[1] else {
                throw RefvisError("valid rgb image: the colour matrix \(formatShape(decorrelation.shape)) does not take the \(spatial.imageShape[1]) channels of the image \(AttributeValue.ints(spatial.imageShape))")
            }
        }
        self.spatial = spatial
        self.decorrelation = decorrelation
        self.squash = squash
    }

    public var imageShape: [Int] {
        var shape = spatial.imageShape
        if let decorrelation { shape[1] = decorrelation.shape[0] }
        return shape
    }

    public var parameterShapes: [[Int]] { spatial.parameterShapes }

    public func initialParameters(_ rng: inout RandomGenerator) -> [Tensor] { spatial.initialParameters(&rng) }

    public func image(on tape: Tape, parameters: [Variable]) throws -> Variable {
        try toValidRGB(on: tape, try spatial.image(on: tape, parameters: parameters),
                       decorrelation: decorrelation, squash: squash)
    }
}
