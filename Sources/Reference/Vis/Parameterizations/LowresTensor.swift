import ReferenceCore
import ReferenceIO
/// A tensor parameterized by a lower-resolution one, upsampled bilinearly:
///
///     image = symmetric_shift(resize_bilinear_nd(U; shape), offset)     U: underlying_shape
///     U initialized as sd · N(0, 1)
///
/// Lucid's `lowres_tensor(shape, underlying_shape, offset, sd=0.01)`
/// (lucid/optvis/param/lowres.py). The resize is Lucid's TF1 one (`resize_bilinear_nd`,
/// sampling at j·n/m), not PyTorch's `interpolate`; it resizes every dimension whose size
/// differs, batch and channels included. The optional offset shifts each dimension by p,
/// mirroring the first p values into the gap (`symmetric_shift`), like a phase: a
/// pyramid of lowres tensors with offsets does not line up all its coarse pixel edges.
///
/// Lucid's offset may be a scalar (applied to *every* dimension, batch and channels
/// too), a list, True (half the ratio, `halfRatioOffset`) or False (0); refvis takes the
/// resolved per-dimension integers. Lucent's port differs: it calls
/// `F.pad(t, offset, "reflect")`, which pads the *last* dimensions pairwise and leaves
/// the edge out, so its offsets do not match Lucid's.
public struct LowresTensor: ImageParameterization {
    public let imageShape: [Int]
    public let underlyingShape: [Int]
    /// One non-negative shift per dimension (NCHW), or nil for none.
    public let offset: [Int]?
    public let sd: Double

    public init(shape: [Int], underlyingShape: [Int], offset: [Int]? = nil, sd: Double = 0.01) throws {
        let name = "lowres_tensor"
        try ParameterizationChecks.imageShape(shape, name)
        try ParameterizationChecks.imageShape(underlyingShape, name, what: "underlying_shape")
        try ParameterizationChecks.standardDeviation(sd, name)
        if let offset {
            guard offset.count == 4 else {
                throw RefvisError.usage("\(name): offset needs one entry per dimension (4), got \(AttributeValue.ints(offset))")
            }
            for axis in 0..<4 where offset[axis] < 0 || offset[axis] > shape[axis] {
                throw RefvisError.usage("\(name): offset \(offset[axis]) of dimension \(axis) must be in 0...\(shape[axis]) for shape \(AttributeValue.ints(shape))")
            }
        }
        imageShape = shape
        self.underlyingShape = underlyingShape
        self.offset = offset
        self.sd = sd
    }

    /// Lucid's `offset=True`: half the ratio of the sizes, truncated,
    /// int(shape[d] / underlying_shape[d] / 2) per dimension.
    public static func halfRatioOffset(shape: [Int], underlyingShape: [Int]) -> [Int] {
        zip(shape, underlyingShape).map { $1 > 0 ? $0 / (2 * $1) : 0 }
    }

    public var parameterShapes: [[Int]] { [underlyingShape] }

    public func initialParameters(_ rng: inout RandomGenerator) -> [Tensor] {
        [rng.normalTensor(underlyingShape, std: sd)]
    }

    public func image(on tape: Tape, parameters: [Variable]) throws -> Variable {
        try checkParameters(parameters, on: tape, "lowres_tensor")
        var t = parameters[0]
        if underlyingShape != imageShape {
            t = try tape.resizeBilinearND(t, shape: imageShape)
        }
        if let offset, offset.contains(where: { $0 != 0 }) {
            t = try tape.symmetricShift(t, offset: offset)
        }
        return t
    }
}
