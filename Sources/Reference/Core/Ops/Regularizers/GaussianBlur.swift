import Foundation

// torchvision.transforms.functional.gaussian_blur on tensors: a separable
// Gaussian, reflect padding of kernel_size // 2 on each side, every channel
// blurred on its own (a depthwise convolution).

/// The normalized 1-D Gaussian of torchvision's `_get_gaussian_kernel1d`:
/// wₜ = exp(−xₜ² / (2σ²)) / Σₛ exp(−xₛ² / (2σ²)) at the centred positions
/// xₜ = t − (size − 1)/2, t = 0..<size. The weights are symmetric and sum to 1.
public func gaussianKernel1d(size: Int, sigma: Double) -> [Double] {
    let half = Double(size - 1) / 2
    let pdf = (0..<size).map { t -> Double in
        let x = (Double(t) - half) / sigma
        return Foundation.exp(-0.5 * x * x)
    }
    var total = 0.0
    for p in pdf { total += p }
    return pdf.map { $0 / total }
}

/// The validated kernel sizes and sigmas, each as (along width, along height)
/// — torchvision's (x, y) order.
private struct GaussianBlurParameters {
    let layout: ImageLayout
    let kernelX: [Double]
    let kernelY: [Double]

    init(_ shape: [Int], kernelSize: [Int], sigma: [Double]?) throws {
        layout = try ImageLayout(shape, op: "gaussian_blur")
        guard kernelSize.count == 1 || kernelSize.count == 2 else {
            throw RefvisError.usage("gaussian_blur: kernel_size needs 1 or 2 integers (x, y), got \(kernelSize.count)")
        }
        let sizes = kernelSize.count == 1 ? [kernelSize[0], kernelSize[0]] : kernelSize
        guard sizes.allSatisfy({ $0 >= 1 && $0 % 2 == 1 }) else {
            throw RefvisError.usage("gaussian_blur: kernel_size should have odd and positive integers, got \(AttributeValue.ints(kernelSize))")
        }
        // torchvision's default sigma for a missing value: 0.3·((k − 1)/2 − 1) + 0.8.
        let sigmas: [Double]
        if let given = sigma {
            sigmas = given.count == 1 ? [given[0], given[0]] : given
        } else {
            sigmas = sizes.map { (k: Int) -> Double in 0.3 * (Double(k - 1) * 0.5 - 1) + 0.8 }
        }
        guard sigmas.count == 2 else {
            throw RefvisError.usage("gaussian_blur: sigma needs 1 or 2 numbers (x, y), got \(sigmas.count)")
        }
        guard sigmas.allSatisfy({ $0 > 0 && $0.isFinite }) else {
            throw RefvisError.usage("gaussian_blur: sigma should have positive finite values, got \(AttributeValue.doubles(sigmas))")
        }
        if shape.reduce(1, *) > 0 {
            // torch's reflect padding needs each pad smaller than its dimension.
            guard sizes[0] / 2 < layout.width, sizes[1] / 2 < layout.height else {
                throw RefvisError("gaussian_blur: reflect padding (\(sizes[0] / 2) left/right, \(sizes[1] / 2) top/bottom) must be less than the image size \(layout.height)x\(layout.width) (input shape \(formatShape(shape)))")
            }
        }
        // An empty input is returned as it is: no kernel is needed, and an
        // unchecked kernel_size must not size an allocation.
        let empty = shape.reduce(1, *) == 0
        kernelX = empty ? [1] : gaussianKernel1d(size: sizes[0], sigma: sigmas[0])
        kernelY = empty ? [1] : gaussianKernel1d(size: sizes[1], sigma: sigmas[1])
    }
}

/// The lines of every plane along one axis: `count` lines of `length`
/// elements at `base(line) + k·stride`.
private struct PlaneLines {
    let count: Int, length: Int, stride: Int
    let base: (Int) -> Int

    static func rows(_ layout: ImageLayout) -> PlaneLines {
        let w = layout.width
        return PlaneLines(count: layout.planes * layout.height, length: w, stride: 1, base: { $0 * w })
    }

    static func columns(_ layout: ImageLayout) -> PlaneLines {
        let (w, area) = (layout.width, layout.area)
        return PlaneLines(count: layout.planes * w, length: layout.height, stride: w,
                          base: { ($0 / w) * area + $0 % w })
    }
}

/// The index that reflect padding reads for position s of a line of length n
/// (the edge is not repeated); one reflection suffices because pads are < n.
@inline(__always) private func reflectIndex(_ s: Int, _ n: Int) -> Int {
    s < 0 ? -s : (s >= n ? 2 * (n - 1) - s : s)
}

/// y[k] = Σₜ w[t]·x[reflect(k + t − r)] along every line, r = size / 2.
private func reflectCorrelate(_ x: [Double], _ lines: PlaneLines, _ kernel: [Double]) -> [Double] {
    var y = [Double](repeating: 0, count: x.count)
    let r = kernel.count / 2
    for line in 0..<lines.count {
        let base = lines.base(line)
        for k in 0..<lines.length {
            var total = 0.0
            for t in 0..<kernel.count {
                total += kernel[t] * x[base + reflectIndex(k + t - r, lines.length) * lines.stride]
            }
            y[base + k * lines.stride] = total
        }
    }
    return y
}

/// The adjoint of `reflectCorrelate`: x̄[reflect(k + t − r)] += w[t]·ȳ[k].
private func reflectCorrelateAdjoint(_ g: [Double], _ lines: PlaneLines, _ kernel: [Double]) -> [Double] {
    var x = [Double](repeating: 0, count: g.count)
    let r = kernel.count / 2
    for line in 0..<lines.count {
        let base = lines.base(line)
        for k in 0..<lines.length {
            let gk = g[base + k * lines.stride]
            for t in 0..<kernel.count {
                x[base + reflectIndex(k + t - r, lines.length) * lines.stride] += kernel[t] * gk
            }
        }
    }
    return x
}

/// Blurs every channel of an image or batch with a Gaussian, with the
/// semantics of `torchvision.transforms.functional.gaussian_blur(img,
/// kernel_size, sigma)` on a tensor:
///
///     y[c] = (kʸ ⊗ kˣ) ⋆ reflect_pad(x[c], (kx/2, kx/2, ky/2, ky/2))
///
/// with the 1-D kernels of `gaussianKernel1d` (kˣ along the width, kʸ along
/// the height). `kernelSize` is (kx, ky) or one size for both, each odd and
/// ≥ 1; `sigma` is (σx, σy) or one value for both, each > 0, or nil for
/// torchvision's default 0.3·((k − 1)/2 − 1) + 0.8 per size. Each reflect pad
/// must be smaller than its dimension (torch's rule). Input (N, C, H, W) or
/// (C, H, W); the output has its shape. Computed as two 1-D passes (width,
/// then height), which equals torchvision's 2-D kernel up to rounding. Linear
/// in the input.
public func gaussianBlur(_ input: Tensor, kernelSize: [Int], sigma: [Double]? = nil) throws -> Tensor {
    let p = try GaussianBlurParameters(input.shape, kernelSize: kernelSize, sigma: sigma)
    if input.count == 0 { return input }  // torchvision returns an empty image as it is
    let rows = reflectCorrelate(input.scalars, .rows(p.layout), p.kernelX)
    return Tensor(shape: input.shape, scalars: reflectCorrelate(rows, .columns(p.layout), p.kernelY))
}

/// The VJP of `gaussianBlur` (its adjoint, the blur being linear): the
/// height pass then the width pass transposed, each scattering ȳ back through
/// the reflected positions it read.
public func gaussianBlurBackward(_ gradOutput: Tensor, inputShape: [Int], kernelSize: [Int], sigma: [Double]? = nil) throws -> Tensor {
    let p = try GaussianBlurParameters(inputShape, kernelSize: kernelSize, sigma: sigma)
    try gradOutput.requireShape(inputShape, "gaussian_blur backward: output gradient")
    if gradOutput.count == 0 { return gradOutput }
    let columns = reflectCorrelateAdjoint(gradOutput.scalars, .columns(p.layout), p.kernelY)
    return Tensor(shape: inputShape, scalars: reflectCorrelateAdjoint(columns, .rows(p.layout), p.kernelX))
}

extension OpRegistry {
    static let gaussianBlurOp = OpDefinition(
        name: "gaussian_blur",
        summary: "separable Gaussian blur per channel, weights exp(-x^2/(2 sigma^2)) normalized, reflect padding k//2 (torchvision.transforms.functional.gaussian_blur)",
        inputs: [OpInput("input")],
        attributes: [
            AttributeSpec("kernel_size", .ints, default: nil, "(kx, ky) or one size, odd and >= 1; kx runs along the width"),
            AttributeSpec("sigma", .optional(.doubles), default: .null, "(sigma_x, sigma_y) or one value, > 0; none: 0.3*((k-1)/2-1)+0.8"),
        ],
        linearIn: ["input"],
        forward: { inputs, attributes in
            [try gaussianBlur(inputs[0], kernelSize: attributes.ints("kernel_size"), sigma: attributes.optionalDoubles("sigma"))]
        },
        vjp: { inputs, _, cotangents, attributes in
            [try gaussianBlurBackward(cotangents[0], inputShape: inputs[0].shape, kernelSize: attributes.ints("kernel_size"),
                                      sigma: attributes.optionalDoubles("sigma"))]
        },
        samples: { rng in
            let configurations: [(shape: [Int], kernel: [Int], sigma: [Double]?)] = [
                ([1, 2, 5, 6], [3], [1.0]),
                ([2, 1, 4, 7], [5, 3], [1.5, 0.7]),
                ([3, 6, 5], [3, 5], nil),
                ([1, 1, 3, 4], [1, 3], [2.0]),
                ([1, 2, 6, 6], [5], [0.8]),
            ]
            return configurations.map { c in
                var attributes: [String: AttributeValue] = ["kernel_size": .ints(c.kernel)]
                if let sigma = c.sigma { attributes["sigma"] = .doubles(sigma) }
                let sigmaLabel = c.sigma.map { "\(AttributeValue.doubles($0))" } ?? "default"
                return OpSample("shape=\(formatShape(c.shape)) kernel_size=\(AttributeValue.ints(c.kernel)) sigma=\(sigmaLabel)",
                                inputs: [rng.normalTensor(c.shape)], attributes: attributes)
            }
        })
}
