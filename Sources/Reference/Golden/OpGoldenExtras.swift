import ReferenceCore
import ReferenceIO
import ReferenceVis
/// Golden-only configurations: attribute values that change an op's meaning
/// but that its own `samples` (which the gradient checker runs too) do not
/// cover. They are appended after the op's samples, drawn from the same
/// generator, so the op's own cases keep their numbers and contents.
enum OpGoldenExtras {
    static func samples(for op: String, _ rng: inout RandomGenerator) -> [OpSample] {
        switch op {
        case "irfft2":
            // The op's samples have odd and even output widths s1 under
            // "backward", but only even ones under "ortho" and only odd ones
            // under "forward": complete norm × parity of s1.
            return [
                OpSample("input=(4, 3, 2) s=[4,5] norm=ortho (odd s1)", inputs: [rng.normalTensor([4, 3, 2])],
                         attributes: ["s": .ints([4, 5]), "norm": .string("ortho")]),
                OpSample("input=(2, 3, 4, 2) s=none norm=forward (even s1 = 6)", inputs: [rng.normalTensor([2, 3, 4, 2])],
                         attributes: ["norm": .string("forward")]),
            ]
        default:
            return []
        }
    }
}
