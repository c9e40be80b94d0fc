import ReferenceCore
import ReferenceIO
// The catalog of nameable transforms for help texts and usage errors, and
// the ranges of their whole-number arguments.

extension TransformSpec {
    /// One line per nameable transform, in the order help lists them: the
    /// name, what follows the name in its text form (nil when it takes no
    /// argument; `[…]` marks an optional part), and a summary naming whose
    /// semantics it follows.
    public static let catalog: [(name: String, argument: String?, summary: String)] = [
        ("jitter", ":D",
         "Lucent's jitter(d): shift right and down by 0…D−1 pixels, zero fill (D ≥ 2; image at least D×D)"),
        ("lucid_jitter", ":D",
         "Lucid's jitter(d): a random crop D pixels smaller, offsets 0…D (image larger than D×D)"),
        ("reflect_jitter", ":TAU",
         "seed 000's jitter: reflection pad by TAU+1, crop back at offsets TAU…2·TAU (image larger than (TAU+1)×(TAU+1))"),
        ("roll", ":D",
         "seed 004's roll: a circular shift by −D…D pixels in x and y"),
        ("pad", ":W[:FILL]",
         "Lucid's and Lucent's pad(w): W pixels on every side, FILL 0.5 (default, as standard_transforms), a number, reflect, or uniform (Lucid's)"),
        ("scale", nil,
         "Lucent's random_scale over 0.9, 0.92, …, 1.1: bilinear align_corners resize to ⌈s·size⌉, zero pad towards the old size"),
        ("lucid_scale", nil,
         "Lucid's random_scale over 0.9, 0.92, …, 1.1: TensorFlow 1 bilinear resize to ⌊s·size⌋ (Float32), no padding"),
        ("rotate", nil,
         "Lucent's random_rotate over −10…10 degrees (0 six times): bilinear, about the centre, zero fill"),
        ("lucid_rotate", nil,
         "Lucid's random_rotate over the same angles: nearest neighbour, 3.14 for π, about the centre"),
        ("scaled_rotation", "[:COPIES]",
         "seed 000's Rotation: COPIES (default 4) copies as one batch, each rotated by up to ±4° and scaled by 0.95…1.05"),
        ("upsample", "[:SIZE]",
         "Lucent's render_vis upsampling of small images: bilinear align_corners resize to SIZE×SIZE (default 224)"),
    ]

    /// Every name with its argument: `jitter:D, lucid_jitter:D, …, upsample[:SIZE]`.
    public static var usageList: String {
        catalog.map { $0.name + ($0.argument ?? "") }.joined(separator: ", ")
    }

    /// What `--transforms` accepts, for the end of usage errors.
    static var validChoices: String {
        "valid: standard, lucid, none, or a comma list of \(usageList)"
    }

    /// The range of a transform's whole-number argument and its placeholder,
    /// nil for a transform without one. Lower ends are the transforms' own
    /// (Lucent asserts jitter's d > 1; a batch needs a copy; an image a pixel);
    /// the upper end is `maximumTransformPixels` (2^24), far above any image,
    /// so that sizes computed from an argument cannot overflow.
    static func argumentRange(_ name: String) -> (placeholder: String, range: ClosedRange<Int>)? {
        switch name {
        case "jitter": return ("D", 2...maximumTransformPixels)
        case "lucid_jitter", "roll": return ("D", 0...maximumTransformPixels)
        case "reflect_jitter": return ("TAU", 0...maximumTransformPixels)
        case "pad": return ("W", 0...maximumTransformPixels)
        case "scaled_rotation": return ("COPIES", 1...maximumTransformPixels)
        case "upsample": return ("SIZE", 1...maximumTransformPixels)
        default: return nil
        }
    }

    /// Why this spec's arguments cannot be used, or nil when they can: a
    /// whole number outside its range, or a non-finite pad constant.
    func argumentProblem() -> String? {
        if let n = integerArgument, let (placeholder, range) = TransformSpec.argumentRange(name), !range.contains(n) {
            return "\(placeholder) must be a whole number in \(range.lowerBound)…\(range.upperBound), got \(n)"
        }
        if case .pad(_, .constant(let value)) = self, !value.isFinite {
            return "the pad constant must be finite, got \(formatDouble(value))"
        }
        return nil
    }
}
