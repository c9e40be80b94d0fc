import Foundation

/// The `norm` argument of `numpy.fft` and `torch.fft`: which direction of a
/// transform of length n carries the scaling.
///
/// | norm       | forward (e^{−2πi·jk/n}) | inverse (e^{+2πi·jk/n}) |
/// |------------|--------------------------|--------------------------|
/// | `backward` | 1                        | 1/n                      |
/// | `ortho`    | 1/√n                     | 1/√n                     |
/// | `forward`  | 1/n                      | 1                        |
///
/// A 2-D transform scales each axis by its own length (so `ortho` gives
/// 1/√(n₀·n₁) overall), as NumPy does.
public enum FourierNorm: String, AttributeChoice {
    case backward, ortho, forward

    /// The factor applied by a transform of length `n` in the given direction.
    func scale(length n: Int, inverse: Bool) -> Double {
        switch self {
        case .backward: return inverse ? 1 / Double(n) : 1
        case .ortho: return 1 / Double(n).squareRoot()
        case .forward: return inverse ? 1 : 1 / Double(n)
        }
    }
}

/// Checks shared by the 2-D transforms: shapes, the `s` argument and the norm.
enum FourierArguments {
    /// The registry's `s` and `norm` attributes, as NumPy spells them.
    static let attributes = [
        AttributeSpec("s", .optional(.ints), default: .null,
                      "output size (s0, s1) of the two transformed axes; the input is cropped or zero-padded to it first"),
        AttributeSpec("norm", FourierNorm.self, default: .backward,
                      "backward: 1/n on the inverse; ortho: 1/sqrt(n) both ways; forward: 1/n on the forward"),
    ]

    /// The `s` and `norm` attributes of one call.
    static func read(_ attributes: Attributes) throws -> (s: [Int]?, norm: FourierNorm) {
        (try attributes.optionalInts("s"), try attributes.choice(FourierNorm.self, "norm"))
    }

    /// The transform lengths: `s` when given (exactly two entries, each ≥ 1), else
    /// `defaults`, which must then be ≥ 1 too (NumPy refuses a transform of 0 points).
    static func lengths(_ s: [Int]?, defaults: [Int], op: String) throws -> (Int, Int) {
        guard let s else {
            guard defaults.allSatisfy({ $0 >= 1 }) else {
                throw RefvisError("\(op): the default transform size \(formatShape(defaults)) has an entry below 1; pass s with entries >= 1")
            }
            return (defaults[0], defaults[1])
        }
        guard s.count == 2 else {
            throw RefvisError.usage("\(op): s needs exactly 2 entries (one per transformed axis), got \(AttributeValue.ints(s))")
        }
        guard s.allSatisfy({ $0 >= 1 }) else {
            throw RefvisError.usage("\(op): every entry of s must be at least 1, got \(AttributeValue.ints(s))")
        }
        return (s[0], s[1])
    }

    /// Splits the shape of a complex tensor (…, H, W, 2) into the product of the
    /// leading dimensions, the leading dimensions themselves, H and W.
    static func complexShape(_ shape: [Int], op: String, what: String = "input")
        throws -> (batch: Int, leading: [Int], height: Int, width: Int) {
        guard shape.count >= 3, shape[shape.count - 1] == 2 else {
            throw RefvisError("\(op): \(what) must be complex (..., H, W, 2) as torch.view_as_real gives, got shape \(formatShape(shape))")
        }
        let leading = Array(shape.dropLast(3))
        return (Tensor.elementCount(leading), leading, shape[shape.count - 3], shape[shape.count - 2])
    }

    /// Splits the shape of a real tensor (…, H, W).
    static func realShape(_ shape: [Int], op: String, what: String = "input")
        throws -> (batch: Int, leading: [Int], height: Int, width: Int) {
        guard shape.count >= 2 else {
            throw RefvisError("\(op): \(what) needs at least 2 dimensions (..., H, W), got shape \(formatShape(shape))")
        }
        let leading = Array(shape.dropLast(2))
        return (Tensor.elementCount(leading), leading, shape[shape.count - 2], shape[shape.count - 1])
    }

    /// Refuses output shapes above refvis's element limit before allocating.
    static func checkOutput(_ shape: [Int], op: String) throws -> [Int] {
        _ = try Tensor.checkedElementCount(shape, context: "\(op) output")
        return shape
    }
}
