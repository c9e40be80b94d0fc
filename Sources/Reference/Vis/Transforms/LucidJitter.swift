import ReferenceCore
import ReferenceIO
// Lucid's jitter(d): a random crop d pixels smaller than the image.

/// Lucid's `jitter(d)`: `tf.image.random_crop` to (H − d, W − d). The crop's
/// top-left corner (oy, ox) is uniform in 0…d (both ends included: random_crop
/// draws offsets below size − crop + 1), oy drawn first.
///
///     out[n, c, y, x] = image[n, c, y + oy, x + ox],   out is (N, C, H − d, W − d)
///
/// Built as two `narrow`s. d = 0 leaves the image unchanged; d must be
/// smaller than H and W. Choices: `oy`, `ox`.
public struct LucidJitter: Transform {
    public let d: Int
    public var kind: String { "lucid_jitter" }

    public init(_ d: Int) throws {
        guard d >= 0 else { throw RefvisError.usage("lucid_jitter: d must be at least 0, got \(d)") }
        self.d = d
    }

    public func apply(_ image: Variable, on tape: Tape, choices: inout TransformChoices) throws -> Variable {
        let size = try TransformImage.size(image, on: tape, kind)
        guard d < size.h, d < size.w else {
            throw RefvisError("lucid_jitter: cropping \(d) pixels needs an image larger than \(d)×\(d), got \(size.h)×\(size.w)")
        }
        let oy = try choices.integer("oy", in: 0...d)
        let ox = try choices.integer("ox", in: 0...d)
        let rows = try tape.narrow(image, dim: 2, start: oy, length: size.h - d)
        return try tape.narrow(rows, dim: 3, start: ox, length: size.w - d)
    }
}
