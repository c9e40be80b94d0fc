import ReferenceCore
import ReferenceIO
// Lucent's jitter(d): a translation by (dx, dy) pixels with zero fill.

/// Lucent's `jitter(d)`: translates the image right by dx and down by dy
/// pixels, dx and dy uniform in 0…d − 1 (`np.random.choice(d)`, dx drawn
/// first), filling the uncovered border with zeros; the size is unchanged.
///
///     out[n, c, y, x] = image[n, c, y − dy, x − dx]   (0 outside the image)
///
/// Lucent calls kornia's `translate`, a bilinear `warp_affine` with zero
/// padding; for whole-pixel shifts that is exactly this gather. refvis
/// builds it as one `pad` with (dx, −dx, dy, −dy): pad left/top, crop
/// right/bottom. Lucent requires d > 1, and so does refvis; a shift must
/// also fit the image (d ≤ W and d ≤ H). Choices: `dx`, `dy`.
public struct LucentJitter: Transform {
    public let d: Int
    public var kind: String { "lucent_jitter" }

    public init(_ d: Int) throws {
        guard d > 1 else { throw RefvisError.usage("lucent_jitter: d must be more than 1 (as Lucent asserts), got \(d)") }
        self.d = d
    }

    public func apply(_ image: Variable, on tape: Tape, choices: inout TransformChoices) throws -> Variable {
        let size = try TransformImage.size(image, on: tape, kind)
        guard d <= size.h, d <= size.w else {
            throw RefvisError("lucent_jitter: shifts up to \(d - 1) need an image of at least \(d)×\(d) pixels, got \(size.h)×\(size.w)")
        }
        let dx = try choices.integer("dx", in: 0...(d - 1))
        let dy = try choices.integer("dy", in: 0...(d - 1))
        return try tape.pad(image, [dx, -dx, dy, -dy], mode: .constant, value: 0)
    }
}
