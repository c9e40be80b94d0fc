import ReferenceCore
import ReferenceIO
/// An RGBA image: a 4-channel spatial parameterization whose first three channels go
/// through `toValidRGB` and whose fourth goes through its own sigmoid as opacity α:
///
///     (B, 4, H, W) = cat(to_valid_rgb(t[:, 0:3]), σ(t[:, 3:4]))
///
/// Lucid's `param.image(w, alpha=True)` (an FFT image with 4 channels; the alpha channel
/// is never decorrelated). Use `splitRGBA` and `alphaComposite` to put it over a background.
public struct RGBAImage: ImageParameterization {
    public let spatial: any ImageParameterization
    public let decorrelation: Tensor?
    public let squash: RGBSquash

    public init(_ spatial: any ImageParameterization, decorrelation: Tensor? = ColorCorrelation.lucidNormalized,
                squash: RGBSquash = .sigmoid) throws {
        guard spatial.imageShape.count == 4 else {
            throw RefvisError("rgba image: the spatial parameterization must make (B, C, H, W) images, got shape \(AttributeValue.ints(spatial.imageShape))")
        }
        guard spatial.imageShape[1] == 4 else {
            throw RefvisError("rgba image: the spatial parameterization must have 4 channels (RGB and alpha), got shape \(AttributeValue.ints(spatial.imageShape))")
        }
        if let decorrelation {
            guard decorrelation.shape == [3, 3] else {
                throw RefvisError("rgba image: the colour matrix must be (3, 3), got \(formatShape(decorrelation.shape))")
            }
        }
        self.spatial = spatial
        self.decorrelation = decorrelation
        self.squash = squash
    }

    public var imageShape: [Int] { spatial.imageShape }

    public var parameterShapes: [[Int]] { spatial.parameterShapes }

    public func initialParameters(_ rng: inout RandomGenerator) -> [Tensor] { spatial.initialParameters(&rng) }

    public func image(on tape: Tape, parameters: [Variable]) throws -> Variable {
        let t = try spatial.image(on: tape, parameters: parameters)
        let (latentRGB, latentAlpha) = try splitRGBA(on: tape, t)
        let rgb = try toValidRGB(on: tape, latentRGB, decorrelation: decorrelation, squash: squash)
        let alpha = try tape.sigmoid(latentAlpha)
        return try tape.cat([rgb, alpha], dim: 1)
    }
}

/// The colour channels 0..<3 and the alpha channel 3 of a (B, 4, H, W) image, as
/// Lucid's `t[..., :3]` and `t[..., 3:4]` (channels last there, dimension 1 here).
public func splitRGBA(on tape: Tape, _ rgba: Variable) throws -> (rgb: Variable, alpha: Variable) {
    let shape = tape.value(rgba).shape
    guard shape.count == 4, shape[1] == 4 else {
        throw RefvisError("split rgba: expected a (B, 4, H, W) image, got shape \(formatShape(shape))")
    }
    return (try tape.narrow(rgba, dim: 1, start: 0, length: 3),
            try tape.narrow(rgba, dim: 1, start: 3, length: 1))
}
