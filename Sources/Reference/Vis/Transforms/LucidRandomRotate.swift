import ReferenceCore
import ReferenceIO
// Lucid's random_rotate: TF-Addons' nearest-neighbour rotation about the
// image centre, with Lucid's 3.14 for π.

/// Lucid's `random_rotate(angles, units)`: an angle from the list, then
/// `tfa.image.rotate(t, angle)` — nearest-neighbour, zero fill, about the
/// centre ((W − 1)/2, (H − 1)/2), positive angles counter-clockwise.
///
/// Lucid turns degrees into radians as `3.14 · angle / 180` in Float32 (3.14,
/// not π — a 0.05 % smaller angle); refvis keeps that value, then rotates in
/// Float64 with grid_sample (nearest, zeros, align_corners = true). TensorFlow
/// rounds a sample position of exactly k + 0.5 away from zero, grid_sample to
/// even; rotations by non-zero angles almost never land there. Choice: `angle`.
public struct LucidRandomRotate: Transform {
    public let angles: [Double]
    public let units: AngleUnits
    public var kind: String { "lucid_random_rotate" }

    public init(_ angles: [Double], units: AngleUnits = .degrees) throws {
        self.angles = try TransformImage.checkedList(angles, "lucid_random_rotate", "angles")
        self.units = units
    }

    /// The angle in radians as Lucid computes it: Float32(3.14)·Float32(angle)/180 for degrees.
    public static func radians(_ angle: Double, units: AngleUnits) -> Double {
        switch units {
        case .degrees: return Double(Float(3.14) * Float(angle) / Float(180))
        case .radians: return Double(Float(angle))
        }
    }

    public func apply(_ image: Variable, on tape: Tape, choices: inout TransformChoices) throws -> Variable {
        _ = try TransformImage.size(image, on: tape, kind)
        let angle = try choices.element("angle", of: angles)
        return try CentreRotation.rotate(image, radians: LucidRandomRotate.radians(angle, units: units), mode: .nearest,
                                         on: tape, kind)
    }
}
