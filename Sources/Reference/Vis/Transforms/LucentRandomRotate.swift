// Lucent's random_rotate: a bilinear rotation about the image centre by an
// angle chosen from a list.

import Foundation
import ReferenceCore
import ReferenceIO

/// Lucent's `random_rotate(angles, units)`: an angle from the list
/// (`np.random.choice`), the same for the whole batch, then kornia's
/// `warp_affine(image, get_rotation_matrix2d(centre, angle, 1), (H, W))`:
/// bilinear, zero padding, align_corners = true, centre ((W − 1)/2, (H − 1)/2),
/// positive angles counter-clockwise on screen (see `CentreRotation`).
///
/// The angle goes to radians as Lucent and kornia do: radians are first turned
/// into degrees (α·180/π), degrees into radians as deg·π/180. refvis computes
/// in Float64 where kornia uses Float32. `mode` (bilinear unless changed) is
/// grid_sample's. Choice: `angle`, in `units`.
public struct LucentRandomRotate: Transform {
    public let angles: [Double]
    public let units: AngleUnits
    public let mode: GridSampleMode
    public var kind: String { "lucent_random_rotate" }

    public init(_ angles: [Double], units: AngleUnits = .degrees, mode: GridSampleMode = .bilinear) throws {
        self.angles = try TransformImage.checkedList(angles, "lucent_random_rotate", "angles")
        self.units = units
        self.mode = mode
    }

    /// The angle in radians, computed as Lucent and kornia do.
    public static func radians(_ angle: Double, units: AngleUnits) -> Double {
        let degrees = units == .degrees ? angle : angle * 180.0 / Double.pi
        return degrees * Double.pi / 180.0
    }

    public func apply(_ image: Variable, on tape: Tape, choices: inout TransformChoices) throws -> Variable {
        _ = try TransformImage.size(image, on: tape, kind)
        let angle = try choices.element("angle", of: angles)
        return try CentreRotation.rotate(image, radians: LucentRandomRotate.radians(angle, units: units), mode: mode,
                                         on: tape, kind)
    }
}
