import ReferenceCore
import ReferenceIO
// The regularization seed's jitter: reflection pad by τ + 1, then crop back
// to the original size at offsets τ…2τ.

/// The regularization seed's `jitter(tau, img)`: `ReflectionPad2d(τ + 1)`,
/// then the H×W window whose corner is at (a, b), a and b uniform in τ…2τ
/// (Python's `random.randint(τ, 2τ)`, both ends included; a, for the rows, is
/// drawn first — the seed calls it `tau_x` but it indexes the height).
///
///     out[n, c, y, x] = reflect(image)[n, c, y + a − τ − 1, x + b − τ − 1]
///
/// so the content moves down by τ + 1 − a ∈ {1 − τ, …, 1} pixels (and right
/// by τ + 1 − b): from one pixel down/right to τ − 1 pixels up/left, with
/// mirrored content at the border. Built as a reflect `pad` and two `narrow`s. Reflection needs
/// τ + 1 < H and τ + 1 < W. Choices: `a` (rows), `b` (columns).
public struct ReflectJitter: Transform {
    public let tau: Int
    public var kind: String { "reflect_jitter" }

    public init(tau: Int) throws {
        try requireTransformPixels(tau, "reflect_jitter: tau")
        self.tau = tau
    }

    public func apply(_ image: Variable, on tape: Tape, choices: inout TransformChoices) throws -> Variable {
        let size = try TransformImage.size(image, on: tape, kind)
        guard tau + 1 < size.h, tau + 1 < size.w else {
            throw RefvisError("reflect_jitter: reflection padding by tau + 1 = \(tau + 1) needs height and width above \(tau + 1), got \(size.h)×\(size.w)")
        }
        let a = try choices.integer("a", in: tau...(2 * tau))
        let b = try choices.integer("b", in: tau...(2 * tau))
        let p = tau + 1
        let padded = try tape.pad(image, [p, p, p, p], mode: .reflect, value: 0)
        let rows = try tape.narrow(padded, dim: 2, start: a, length: size.h)
        return try tape.narrow(rows, dim: 3, start: b, length: size.w)
    }
}
