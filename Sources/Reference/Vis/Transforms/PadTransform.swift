import ReferenceCore
import ReferenceIO
// pad(w): Lucid's and Lucent's border padding of the image.

/// What fills the border added by `PadTransform`.
public enum PadFill: Sendable, Equatable {
    /// A constant value (Lucid and Lucent use 0.5 in their standard transforms).
    case constant(Double)
    /// Mirror the image about its edge pixels (`F.pad(mode="reflect")`,
    /// `tf.pad(mode="REFLECT")`): needs w < H and w < W.
    case reflect
    /// Lucid's `constant_value="uniform"`: a constant drawn uniformly in [0, 1)
    /// at each application (choice `value`).
    case uniformConstant
}

/// Lucid's and Lucent's `pad(w, mode, constant_value)`: w pixels on all four
/// sides, `F.pad(image, [w, w, w, w], mode, value)`. Both libraries default to
/// reflect padding; their standard transforms use `pad(12, mode="constant",
/// constant_value=0.5)`, which is `PadTransform(12, fill: .constant(0.5))`.
public struct PadTransform: Transform {
    public let width: Int
    public let fill: PadFill
    public var kind: String { "pad" }

    public init(_ width: Int, fill: PadFill = .reflect) throws {
        try requireTransformPixels(width, "pad: the width")
        if case .constant(let value) = fill, !value.isFinite {
            throw RefvisError.usage("pad: the constant value must be finite, got \(formatDouble(value))")
        }
        self.width = width
        self.fill = fill
    }

    public func apply(_ image: Variable, on tape: Tape, choices: inout TransformChoices) throws -> Variable {
        _ = try TransformImage.size(image, on: tape, kind)
        let pads = [width, width, width, width]
        switch fill {
        case .constant(let value):
            return try tape.pad(image, pads, mode: .constant, value: value)
        case .uniformConstant:
            let value = try choices.uniform("value", 0, 1)
            return try tape.pad(image, pads, mode: .constant, value: value)
        case .reflect:
            // value 0 is pad's default, and the only value reflect accepts.
            return try tape.pad(image, pads, mode: .reflect, value: 0)
        }
    }
}
