// A rotation about the image centre as affine_grid + grid_sample, the
// geometry shared by Lucent's and Lucid's random_rotate.

import Foundation
import ReferenceCore
import ReferenceIO

enum CentreRotation {
    /// The affine_grid θ (align_corners = true) of a rotation by `radians`
    /// about the centre ((W − 1)/2, (H − 1)/2), in pixel space.
    ///
    /// Both libraries read output pixel p from the input at c + R(α)(p − c),
    /// R(α) = [[cos α, −sin α], [sin α, cos α]] with y pointing down — the
    /// content turns counter-clockwise on screen for α > 0 (kornia's
    /// `warp_affine` with the inverse of OpenCV's rotation matrix; TF-Addons'
    /// `rotate`). With align_corners = true, normalized x = (p_x − c_x)/s_x,
    /// s_x = (W − 1)/2 (likewise y), so in normalized coordinates
    ///
    ///     θ = [[cos α, −sin α·s_y/s_x, 0], [sin α·s_x/s_y, cos α, 0]]
    static func theta(radians: Double, height: Int, width: Int) -> [Double] {
        let c = cos(radians), s = sin(radians)
        let sx = Double(width - 1) / 2, sy = Double(height - 1) / 2
        return [c, -s * sy / sx, 0, s * sx / sy, c, 0]
    }

    /// Rotates every image of the batch by `radians` about its centre, with
    /// zero fill: `grid_sample(image, affine_grid(θ, align_corners = true),
    /// mode, zeros, align_corners = true)`. Needs H ≥ 2 and W ≥ 2.
    static func rotate(_ image: Variable, radians: Double, mode: GridSampleMode, on tape: Tape,
                       _ kind: String) throws -> Variable {
        let size = try TransformImage.size(image, on: tape, kind)
        guard size.h >= 2, size.w >= 2 else {
            throw RefvisError("\(kind): rotating about the centre needs an image of at least 2×2 pixels, got \(size.h)×\(size.w)")
        }
        let one = theta(radians: radians, height: size.h, width: size.w)
        let thetas = tape.variable(Tensor(shape: [size.n, 2, 3], scalars: Array((0..<size.n).map { _ in one }.joined())))
        let grid = try tape.affineGrid(thetas, size: [size.n, size.c, size.h, size.w], alignCorners: true)
        return try tape.gridSample(image, grid, mode: mode, paddingMode: .zeros, alignCorners: true)
    }
}
