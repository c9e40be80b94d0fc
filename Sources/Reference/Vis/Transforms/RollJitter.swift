import ReferenceCore
import ReferenceIO
// The class-visualization seed's jitter: a circular shift by torch.roll.

/// The class-visualization seed's jitter: `ox, oy = randint(−J, J + 1, 2)`
/// (uniform in −J…J, ox first), then `roll(roll(X, ox, −1), oy, −2)`:
///
///     out[n, c, y, x] = image[n, c, (y − oy) mod H, (x − ox) mod W]
///
/// The seed rolls the image back after its update step. On a tape the image
/// itself is never rolled: the transform's output is, and roll's VJP (the
/// opposite roll) brings the gradient back to the unshifted image — the same
/// update. Built as one `roll` over dims (−2, −1). Choices: `ox`, `oy`.
public struct RollJitter: Transform {
    public let maxJitter: Int
    public var kind: String { "roll_jitter" }

    public init(maxJitter: Int) throws {
        try requireTransformPixels(maxJitter, "roll_jitter: max_jitter")
        self.maxJitter = maxJitter
    }

    public func apply(_ image: Variable, on tape: Tape, choices: inout TransformChoices) throws -> Variable {
        _ = try TransformImage.size(image, on: tape, kind)
        let ox = try choices.integer("ox", in: -maxJitter...maxJitter)
        let oy = try choices.integer("oy", in: -maxJitter...maxJitter)
        return try tape.roll(image, shifts: [oy, ox], dims: [-2, -1])
    }
}
