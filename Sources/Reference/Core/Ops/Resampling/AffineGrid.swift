// affine_grid and its VJP, with the semantics of torch.nn.functional.affine_grid
// for 2-d transforms (a 4-D size).

/// The normalized coordinates of the pixels along one axis of `steps` pixels,
/// as PyTorch's `affine_grid` builds them:
///
/// - align_corners: `linspace(−1, 1, steps)` — the pixel centres, the first at
///   −1 and the last at +1;
/// - otherwise: that linspace times (steps − 1)/steps, i.e. (2i + 1)/steps − 1 —
///   the pixel centres when −1 and +1 are the image's outer edges;
/// - a single pixel: 0 either way.
///
/// The linspace is PyTorch's: `−1 + step·i` for the first half of the points
/// and `1 − step·(steps − 1 − i)` for the rest, step = 2/(steps − 1), so that it
/// is symmetric and hits both ends exactly; the scaling is `(v·(steps − 1))/steps`.
public func affineGridCoordinates(_ steps: Int, alignCorners: Bool) -> [Double] {
    guard steps > 1 else { return steps == 1 ? [0] : [] }
    let step = 2.0 / Double(steps - 1)
    let halfway = steps / 2
    return (0..<steps).map { i in
        let value = i < halfway ? -1 + step * Double(i) : 1 - step * Double(steps - 1 - i)
        return alignCorners ? value : value * Double(steps - 1) / Double(steps)
    }
}

/// Checks an affine_grid size against theta; returns (N, H, W).
private func affineGridSize(_ size: [Int], thetaShape: [Int]) throws -> (n: Int, height: Int, width: Int) {
    guard size.count == 4 else {
        if size.count == 5 {
            throw RefvisError("affine_grid: refvis supports only 2-d grids (size (N, C, H, W)), got 5-D size \(AttributeValue.ints(size))")
        }
        throw RefvisError("affine_grid: size must be (N, C, H, W), got \(AttributeValue.ints(size))")
    }
    guard size.allSatisfy({ $0 >= 1 }) else {
        throw RefvisError("affine_grid: expected a positive size, got \(AttributeValue.ints(size))")
    }
    guard thetaShape.count == 3, thetaShape[1] == 2, thetaShape[2] == 3 else {
        throw RefvisError("affine_grid: theta must be a batch of 2x3 matrices (N, 2, 3) for a 4-D size, got \(formatShape(thetaShape))")
    }
    guard thetaShape[0] == size[0] else {
        throw RefvisError("affine_grid: theta has \(thetaShape[0]) matrices but size asks for batch \(size[0])")
    }
    _ = try Tensor.checkedElementCount([size[0], size[2], size[3], 2], context: "affine_grid output")
    return (size[0], size[2], size[3])
}

/// The sampling grid of a batch of 2-d affine transforms,
/// `torch.nn.functional.affine_grid(theta, size, align_corners)`:
///
///     grid[n, h, w, 0] = θ[n,0,0]·x_w + θ[n,0,1]·y_h + θ[n,0,2]
///     grid[n, h, w, 1] = θ[n,1,0]·x_w + θ[n,1,1]·y_h + θ[n,1,2]
///
/// with x_w, y_h the base coordinates of `affineGridCoordinates` (along W and
/// along H). Shapes: theta (N, 2, 3), size [N, C, H, W] (C is ignored, all
/// positive) → grid (N, H, W, 2), (x, y) last, ready for `gridSample`. Only
/// 4-D sizes (2-d grids) are offered.
public func affineGrid(_ theta: Tensor, size: [Int], alignCorners: Bool = false) throws -> Tensor {
    let (n, height, width) = try affineGridSize(size, thetaShape: theta.shape)
    let xs = affineGridCoordinates(width, alignCorners: alignCorners)
    let ys = affineGridCoordinates(height, alignCorners: alignCorners)
    let t = theta.scalars
    var grid = [Double](repeating: 0, count: n * height * width * 2)
    var k = 0
    for b in 0..<n {
        let m = b * 6
        for h in 0..<height {
            for w in 0..<width {
                grid[k] = xs[w] * t[m] + ys[h] * t[m + 1] + t[m + 2]
                grid[k + 1] = xs[w] * t[m + 3] + ys[h] * t[m + 4] + t[m + 5]
                k += 2
            }
        }
    }
    return Tensor(shape: [n, height, width, 2], scalars: grid)
}

/// The VJP of `affineGrid` (which is linear in theta):
///
///     θ̄[n, j, 0] = Σ_{h,w} ḡ[n, h, w, j]·x_w,  θ̄[n, j, 1] = Σ ḡ[n, h, w, j]·y_h,  θ̄[n, j, 2] = Σ ḡ[n, h, w, j]
///
/// summed over pixels in row-major order. Returns a (N, 2, 3) tensor.
public func affineGridBackward(_ gradGrid: Tensor, size: [Int], alignCorners: Bool = false) throws -> Tensor {
    let (n, height, width) = try affineGridSize(size, thetaShape: [size.first ?? 0, 2, 3])
    try gradGrid.requireShape([n, height, width, 2], "affine_grid backward: grid gradient")
    let xs = affineGridCoordinates(width, alignCorners: alignCorners)
    let ys = affineGridCoordinates(height, alignCorners: alignCorners)
    let g = gradGrid.scalars
    var result = [Double](repeating: 0, count: n * 6)
    for b in 0..<n {
        var sums = [Double](repeating: 0, count: 6)
        var k = b * height * width * 2
        for h in 0..<height {
            for w in 0..<width {
                for j in 0..<2 {
                    let gj = g[k + j]
                    sums[3 * j] += gj * xs[w]
                    sums[3 * j + 1] += gj * ys[h]
                    sums[3 * j + 2] += gj
                }
                k += 2
            }
        }
        for i in 0..<6 { result[b * 6 + i] = sums[i] }
    }
    return Tensor(shape: [n, 2, 3], scalars: result)
}
