// The regularization seed's scaled rotation: several copies of the image,
// each rotated and scaled by its own small random amount, as one batch.

import Foundation
import ReferenceCore
import ReferenceIO

/// The regularization seed's `Rotation` module: the image is repeated
/// `copies` times along the batch (`torch.cat([x] * copies, 0)`), copy k gets
/// an angle θ_k from `angles` (in units of π/360, i.e. half-degrees: −8…8 is
/// ±4°) and a scale s_k from `scales`, and
///
///     θ_k = [[cos φ_k, −sin φ_k, 0], [sin φ_k, cos φ_k, 0]],  φ_k = (π/360)·angle_k
///     grid = s_k · affine_grid(θ, size)              (the grid scaled, not θ)
///     out = grid_sample(copies, grid)                (bilinear, zeros, align_corners = false)
///
/// with PyTorch's defaults (align_corners = false) as in the seed. The
/// rotation is in normalized coordinates, so on a non-square image it is also
/// a shear — as in the seed. Scaling the grid by s > 1 samples a wider area:
/// the content shrinks about the centre.
///
/// An (N, C, H, W) image gives (copies·N, C, H, W); copy k holds batch items
/// k·N ..< (k + 1)·N. The seed draws once, when the module is built, and its
/// loop reuses the first angle and scale for every copy (it tests `in_theta is
/// None` after setting it); refvis draws per application and per copy (angle
/// then scale for copy 0, then copy 1, ...), which is what the seed describes.
/// Choices: `angle_k`, `scale_k`.
public struct ScaledRotation: Transform {
    public let copies: Int
    public let angles: [Double]
    public let scales: [Double]
    public var kind: String { "scaled_rotation" }

    /// The seed's lists: angles −8…8 (units of π/360), scales 0.95, 0.975, 1, 1.025, 1.05, four copies.
    public static let seedAngles: [Double] = (-8...8).map(Double.init)
    public static let seedScales: [Double] = [0.95, 0.975, 1, 1.025, 1.05]

    public init(copies: Int = 4, angles: [Double] = ScaledRotation.seedAngles,
                scales: [Double] = ScaledRotation.seedScales) throws {
        guard copies >= 1 else { throw RefvisError.usage("scaled_rotation: copies must be at least 1, got \(copies)") }
        self.copies = copies
        self.angles = try TransformImage.checkedList(angles, "scaled_rotation", "angles")
        self.scales = try TransformImage.checkedScales(scales, "scaled_rotation")
    }

    public func apply(_ image: Variable, on tape: Tape, choices: inout TransformChoices) throws -> Variable {
        let size = try TransformImage.size(image, on: tape, kind)
        var thetas = [Double](), gridScales = [Double]()
        for k in 0..<copies {
            let angle = try choices.element("angle_\(k)", of: angles)
            let scale = try choices.element("scale_\(k)", of: scales)
            let phi = Double.pi / 360 * angle
            let matrix = [cos(phi), -sin(phi), 0, sin(phi), cos(phi), 0]
            for _ in 0..<size.n {
                thetas += matrix
                gridScales.append(scale)
            }
        }
        let batch = copies * size.n
        let stacked = copies == 1 ? image : try tape.cat(Array(repeating: image, count: copies), dim: 0)
        let theta = tape.variable(Tensor(shape: [batch, 2, 3], scalars: thetas))
        let grid = try tape.affineGrid(theta, size: [batch, size.c, size.h, size.w], alignCorners: false)
        let scaleTensor = tape.variable(Tensor(shape: [batch, 1, 1, 1], scalars: gridScales))
        let scaledGrid = try tape.mul(grid, scaleTensor)
        return try tape.gridSample(stacked, scaledGrid, mode: .bilinear, paddingMode: .zeros, alignCorners: false)
    }
}
