import ReferenceCore
import ReferenceIO
/// How `toValidRGB` squeezes unbounded values into (0, 1).
public enum RGBSquash: String, Sendable, CaseIterable {
    /// σ(x) = 1 / (1 + e⁻ˣ): Lucid's and Lucent's `to_valid_rgb` (sigmoid=True).
    case sigmoid
    /// (tanh(x) + 1) / 2: seed 000's variant. It equals σ(2x) — a sigmoid with twice the
    /// slope — so the same latent values give more saturated colours.
    case tanh
}

/// Turns a latent image into valid RGB values on the tape (Lucid's and Lucent's
/// `to_valid_rgb`):
///
///     rgb = squash(M·t + mean)
///
/// `decorrelation` M (K, C) mixes each pixel's channels (`color_decorrelate`; nil skips
/// it, Lucid's decorrelate=False; Lucid's decorrelate=True is
/// `ColorCorrelation.lucidNormalized`); `mean`, one value per output channel, is added
/// before squashing (nil: none, as Lucid's and Lucent's sigmoid path — Lucid adds its
/// `color_mean` only in its clipping path, which refvis does not offer); `squash` is the
/// sigmoid (Lucid, Lucent) or seed 000's (tanh + 1)/2. Input (B, C, H, W) → (B, K, H, W),
/// every value in (0, 1) (mathematically; a sigmoid of |x| > 37 rounds to 0 or 1).
public func toValidRGB(on tape: Tape, _ input: Variable, decorrelation: Tensor? = nil, mean: [Double]? = nil,
                       squash: RGBSquash = .sigmoid) throws -> Variable {
    var t = input
    if let decorrelation {
        t = try tape.colorDecorrelate(t, tape.variable(decorrelation))
    }
    if let mean {
        let shape = tape.value(t).shape
        guard shape.count >= 2, shape[1] == mean.count else {
            throw RefvisError("to_valid_rgb: mean has \(mean.count) values but the image \(formatShape(shape)) has \(shape.count >= 2 ? shape[1] : 0) channels")
        }
        let offset = Tensor(shape: [1, mean.count] + Array(repeating: 1, count: shape.count - 2), scalars: mean)
        t = try tape.add(t, tape.variable(offset))
    }
    switch squash {
    case .sigmoid:
        return try tape.sigmoid(t)
    case .tanh:
        let shifted = try tape.add(try tape.tanh(t), tape.variable(Tensor(scalar: 1)))
        return try tape.mul(shifted, tape.variable(Tensor(scalar: 0.5)))
    }
}
