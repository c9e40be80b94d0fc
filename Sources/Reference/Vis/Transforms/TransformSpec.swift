import ReferenceCore
import ReferenceIO
// The typed catalog of the transforms the command line and recipes name:
// one case per nameable transform with its parameters, one text form
// ("jitter:8", "scale", "scaled_rotation:4", "upsample:224"), which is also
// its Codable form. Parsing is in TransformSpecParsing.swift, the catalog and
// argument ranges in TransformSpecCatalog.swift, the size checks in
// TransformSpecCheck.swift.

/// A transform named by text, as `--transforms` and render recipes name them.
///
/// Each case is one transform with its parameters; `make()` builds it and
/// `pipeline(_:)` builds a list. The text form (`description`) is canonical —
/// `parse(description)` gives the same case back — and is what `Codable`
/// writes: a spec is encoded as a single JSON string such as `"jitter:8"`.
///
/// | text | transform | follows |
/// |---|---|---|
/// | `jitter:D` | `LucentJitter(D)` | Lucent's `jitter(d)` |
/// | `lucid_jitter:D` | `LucidJitter(D)` | Lucid's `jitter(d)` |
/// | `reflect_jitter:TAU` | `ReflectJitter(tau: TAU)` | seed 000's jitter |
/// | `roll:D` | `RollJitter(maxJitter: D)` | seed 004's roll |
/// | `pad:W[:FILL]` | `PadTransform(W, fill:)` | Lucid's and Lucent's `pad(w)` |
/// | `scale` | `LucentRandomScale(StandardTransforms.scales)` | Lucent's `random_scale` |
/// | `lucid_scale` | `LucidRandomScale(StandardTransforms.scales)` | Lucid's `random_scale` |
/// | `rotate` | `LucentRandomRotate(StandardTransforms.angles)` | Lucent's `random_rotate` |
/// | `lucid_rotate` | `LucidRandomRotate(StandardTransforms.angles)` | Lucid's `random_rotate` |
/// | `scaled_rotation[:COPIES]` | `ScaledRotation(copies: COPIES)` | seed 000's `Rotation` (default 4 copies) |
/// | `upsample[:SIZE]` | `Upsample(size: SIZE)` | Lucent's render_vis upsampling (default 224) |
///
/// FILL is `0.5` unless given (the constant of Lucid's and Lucent's standard
/// transforms), or a finite number, `reflect`, or `uniform` (Lucid's
/// `constant_value="uniform"`); the text form omits it when it is 0.5.
public enum TransformSpec: Sendable, Equatable {
    /// Lucent's `jitter(d)`: a translation by 0…d − 1 pixels, zero fill.
    case jitter(Int)
    /// Lucid's `jitter(d)`: a random crop d pixels smaller.
    case lucidJitter(Int)
    /// Seed 000's jitter: reflection pad by τ + 1, crop back at offsets τ…2τ.
    case reflectJitter(tau: Int)
    /// Seed 004's jitter: a circular roll by −d…d pixels in x and y.
    case roll(Int)
    /// Lucid's and Lucent's `pad(w)`, constant 0.5 unless another fill is given.
    case pad(Int, fill: PadFill = TransformSpec.standardPadFill)
    /// Lucent's `random_scale` with the standard scales.
    case scale
    /// Lucid's `random_scale` with the standard scales.
    case lucidScale
    /// Lucent's `random_rotate` with the standard angles.
    case rotate
    /// Lucid's `random_rotate` with the standard angles.
    case lucidRotate
    /// Seed 000's batch of rotated and scaled copies.
    case scaledRotation(copies: Int = TransformSpec.defaultCopies)
    /// Lucent's upsampling of small images to size × size.
    case upsample(size: Int = TransformSpec.defaultUpsampleSize)

    /// The fill of `pad` when none is named: Lucid's and Lucent's standard 0.5.
    public static let standardPadFill = PadFill.constant(0.5)
    /// The copies of `scaled_rotation` when none are named: seed 000's four.
    public static let defaultCopies = 4
    /// The size of `upsample` when none is named: Lucent's 224.
    public static let defaultUpsampleSize = Upsample.lucentSize

    /// Lucent's `standard_transforms`: `pad:12,jitter:8,scale,rotate,jitter:4`
    /// (the transforms of `StandardTransforms.lucent()`).
    public static let standard: [TransformSpec] = [.pad(12), .jitter(8), .scale, .rotate, .jitter(4)]

    /// Lucid's `standard_transforms`: `pad:12,lucid_jitter:8,lucid_scale,lucid_rotate,lucid_jitter:4`
    /// (the transforms of `StandardTransforms.lucid()`).
    public static let lucid: [TransformSpec] = [.pad(12), .lucidJitter(8), .lucidScale, .lucidRotate, .lucidJitter(4)]

    /// The transform's name in the catalog and in the text form (`jitter`, `scaled_rotation`, …).
    public var name: String {
        switch self {
        case .jitter: return "jitter"
        case .lucidJitter: return "lucid_jitter"
        case .reflectJitter: return "reflect_jitter"
        case .roll: return "roll"
        case .pad: return "pad"
        case .scale: return "scale"
        case .lucidScale: return "lucid_scale"
        case .rotate: return "rotate"
        case .lucidRotate: return "lucid_rotate"
        case .scaledRotation: return "scaled_rotation"
        case .upsample: return "upsample"
        }
    }

    /// The whole-number argument, if the case has one (`pad`'s width).
    var integerArgument: Int? {
        switch self {
        case .jitter(let n), .lucidJitter(let n), .reflectJitter(let n), .roll(let n), .pad(let n, _),
             .scaledRotation(let n), .upsample(let n):
            return n
        case .scale, .lucidScale, .rotate, .lucidRotate:
            return nil
        }
    }

    /// Builds the transform. Throws a usage error naming the spec when an
    /// argument is outside its range (specs made by `parse` never are).
    public func make() throws -> any Transform {
        if let problem = argumentProblem() {
            throw RefvisError.usage("transform \(self): \(problem)")
        }
        switch self {
        case .jitter(let d): return try LucentJitter(d)
        case .lucidJitter(let d): return try LucidJitter(d)
        case .reflectJitter(let tau): return try ReflectJitter(tau: tau)
        case .roll(let d): return try RollJitter(maxJitter: d)
        case .pad(let width, let fill): return try PadTransform(width, fill: fill)
        case .scale: return try LucentRandomScale(StandardTransforms.scales)
        case .lucidScale: return try LucidRandomScale(StandardTransforms.scales)
        case .rotate: return try LucentRandomRotate(StandardTransforms.angles)
        case .lucidRotate: return try LucidRandomRotate(StandardTransforms.angles)
        case .scaledRotation(let copies): return try ScaledRotation(copies: copies)
        case .upsample(let size): return try Upsample(size: size)
        }
    }

    /// The transforms of `specs`, in order, as one pipeline.
    public static func pipeline(_ specs: [TransformSpec]) throws -> TransformPipeline {
        TransformPipeline(try specs.map { try $0.make() })
    }
}

extension TransformSpec: CustomStringConvertible {
    /// The canonical text form: `jitter:8`, `pad:12`, `pad:12:reflect`, `scale`,
    /// `scaled_rotation:4`, `upsample:224`. Optional arguments are always
    /// written (`scaled_rotation:4`), except pad's standard fill 0.5.
    public var description: String {
        switch self {
        case .pad(let width, let fill):
            return fill == TransformSpec.standardPadFill ? "pad:\(width)" : "pad:\(width):\(TransformSpec.text(of: fill))"
        case .scale, .lucidScale, .rotate, .lucidRotate:
            return name
        case .jitter(let n), .lucidJitter(let n), .reflectJitter(let n), .roll(let n), .scaledRotation(let n), .upsample(let n):
            return "\(name):\(n)"
        }
    }

    /// The text of a pad fill: `reflect`, `uniform`, or the constant in its
    /// shortest round-trip form.
    static func text(of fill: PadFill) -> String {
        switch fill {
        case .reflect: return "reflect"
        case .uniformConstant: return "uniform"
        case .constant(let value): return formatDouble(value)
        }
    }

    /// The text form of a list: the specs joined by commas, or `none` for no transforms.
    /// `parseList` reads it back as the same list.
    public static func text(_ specs: [TransformSpec]) -> String {
        specs.isEmpty ? "none" : specs.map(\.description).joined(separator: ",")
    }
}

extension TransformSpec: Codable {
    /// Decodes the text form (one JSON string, e.g. `"jitter:8"`) with `parse`;
    /// a bad text is a `dataCorrupted` error carrying parse's one-line message.
    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do {
            self = try TransformSpec.parse(text, option: "transform")
        } catch let error as RefvisError {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.message)
        }
    }

    /// Encodes the text form, `description`, as one JSON string.
    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
