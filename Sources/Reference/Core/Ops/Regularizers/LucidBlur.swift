// The border-normalized blur of Lucid's `_tf_blur` (and Lucent's
// `_torch_blur`), which the objective `blur_input_each_step` pulls the image
// toward. The objective itself (for the objectives work, not an op here):
//
//     Lucid:  blur_input_each_step = 0.5 · Σ (x − stop_gradient(lucid_blur(x)))²   (maximized; optimizing
//             −k times it is the update x ← (1 − k)·x + k·lucid_blur(x), Nguyen et al. 2015)
//     Lucent: the same with the opposite sign, −0.5 · Σ (x − blur(x))² with the blur under no_grad,
//             because Lucent minimizes its objectives.
//
// Its gradient with respect to x is x − lucid_blur(x) (Lucid's sign).

/// The weights of Lucid's blur kernel of odd width `size`: 1 inside, 0.5 on
/// the outer ring (`k[:, :] = 0.5; k[1:-1, 1:-1] = 1`). Width 3 gives
/// [[0.5, 0.5, 0.5], [0.5, 1, 0.5], [0.5, 0.5, 0.5]]; width 1 gives [[0.5]].
public func lucidBlurKernel(size: Int) -> [[Double]] {
    (0..<size).map { a in
        (0..<size).map { b in a > 0 && a < size - 1 && b > 0 && b < size - 1 ? 1 : 0.5 }
    }
}

/// The validated geometry: the layout, the kernel and, for every output
/// position of a plane, the sum of the kernel weights that fall inside the
/// image — the blur of a plane of ones, by which each output is divided.
private struct LucidBlurGeometry {
    let layout: ImageLayout
    /// The width actually applied: at most 2·max(H, W) + 1. A wider kernel
    /// has its 0.5 ring outside the image at every position, so it gives the
    /// same result as that width — without allocating k² weights for an absurd k.
    let kernelSize: Int
    let kernel: [[Double]]
    let weightInside: [Double]

    init(_ shape: [Int], kernelSize: Int) throws {
        layout = try ImageLayout(shape, op: "lucid_blur")
        guard kernelSize >= 1, kernelSize % 2 == 1 else {
            throw RefvisError.usage("lucid_blur: kernel_size must be odd and >= 1, got \(kernelSize)")
        }
        let kernelSize = min(kernelSize, 2 * max(layout.height, layout.width) + 1)
        self.kernelSize = kernelSize
        kernel = lucidBlurKernel(size: kernelSize)
        let (h, w, r) = (layout.height, layout.width, kernelSize / 2)
        var inside = [Double](repeating: 0, count: h * w)
        for i in 0..<h {
            for j in 0..<w {
                var total = 0.0
                for a in 0..<kernelSize where i + a - r >= 0 && i + a - r < h {
                    for b in 0..<kernelSize where j + b - r >= 0 && j + b - r < w { total += kernel[a][b] }
                }
                inside[i * w + j] = total
            }
        }
        weightInside = inside
    }
}

/// Lucid's `_tf_blur(x, w)` on NCHW: every channel on its own,
///
///     y[c, i, j] = Σ_{a,b} k[a][b] · x[c, i + a − r, j + b − r] / Σ_{a,b inside} k[a][b]
///
/// with the kernel of `lucidBlurKernel`, r = kernelSize / 2 and zeros outside
/// the image — a "SAME" convolution divided by the same convolution of ones,
/// so that border pixels are weighted averages too (the blur of a constant
/// image is that constant). Lucid convolves NHWC with a diagonal depth×depth
/// kernel and Lucent (kernel size 3 only) does the same on NCHW: both are this
/// depthwise blur. `kernelSize` must be odd (Lucid's default 3; its
/// penalize_boundary_complexity uses 5). Input (N, C, H, W) or (C, H, W);
/// output of the same shape. Linear in the input.
public func lucidBlur(_ input: Tensor, kernelSize: Int = 3) throws -> Tensor {
    let g = try LucidBlurGeometry(input.shape, kernelSize: kernelSize)
    let (h, w, r, area) = (g.layout.height, g.layout.width, g.kernelSize / 2, g.layout.area)
    let x = input.scalars
    var y = [Double](repeating: 0, count: x.count)
    for plane in 0..<g.layout.planes {
        let base = plane * area
        for i in 0..<h {
            for j in 0..<w {
                var total = 0.0
                for a in 0..<g.kernelSize where i + a - r >= 0 && i + a - r < h {
                    for b in 0..<g.kernelSize where j + b - r >= 0 && j + b - r < w {
                        total += g.kernel[a][b] * x[base + (i + a - r) * w + (j + b - r)]
                    }
                }
                y[base + i * w + j] = total / g.weightInside[i * w + j]
            }
        }
    }
    return Tensor(shape: input.shape, scalars: y)
}

/// The VJP of `lucidBlur` (its adjoint): each ȳ[c, i, j], divided by that
/// position's weight inside, is scattered back with the kernel weights,
/// x̄[c, i + a − r, j + b − r] += k[a][b] · ȳ[c, i, j] / Σ_inside(i, j).
public func lucidBlurBackward(_ gradOutput: Tensor, inputShape: [Int], kernelSize: Int = 3) throws -> Tensor {
    let g = try LucidBlurGeometry(inputShape, kernelSize: kernelSize)
    try gradOutput.requireShape(inputShape, "lucid_blur backward: output gradient")
    let (h, w, r, area) = (g.layout.height, g.layout.width, g.kernelSize / 2, g.layout.area)
    let gy = gradOutput.scalars
    var gx = [Double](repeating: 0, count: gy.count)
    for plane in 0..<g.layout.planes {
        let base = plane * area
        for i in 0..<h {
            for j in 0..<w {
                let share = gy[base + i * w + j] / g.weightInside[i * w + j]
                for a in 0..<g.kernelSize where i + a - r >= 0 && i + a - r < h {
                    for b in 0..<g.kernelSize where j + b - r >= 0 && j + b - r < w {
                        gx[base + (i + a - r) * w + (j + b - r)] += g.kernel[a][b] * share
                    }
                }
            }
        }
    }
    return Tensor(shape: inputShape, scalars: gx)
}

extension OpRegistry {
    static let lucidBlurOp = OpDefinition(
        name: "lucid_blur",
        summary: "per-channel blur with kernel 1 inside / 0.5 on the ring, zero padding, divided by the blur of ones (Lucid _tf_blur, used by blur_input_each_step)",
        inputs: [OpInput("input")],
        attributes: [AttributeSpec("kernel_size", .int, default: .int(3), "odd kernel width (Lucid's w)")],
        linearIn: ["input"],
        forward: { inputs, attributes in [try lucidBlur(inputs[0], kernelSize: attributes.int("kernel_size"))] },
        vjp: { inputs, _, cotangents, attributes in
            [try lucidBlurBackward(cotangents[0], inputShape: inputs[0].shape, kernelSize: attributes.int("kernel_size"))]
        },
        samples: { rng in
            let configurations: [(shape: [Int], kernel: Int)] = [
                ([1, 3, 4, 5], 3), ([2, 1, 3, 3], 3), ([2, 4, 6], 5), ([1, 2, 1, 4], 3), ([1, 1, 2, 2], 1),
            ]
            return configurations.map { c in
                OpSample("shape=\(formatShape(c.shape)) kernel_size=\(c.kernel)",
                         inputs: [rng.normalTensor(c.shape)], attributes: ["kernel_size": .int(c.kernel)])
            }
        })
}
