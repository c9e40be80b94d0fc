// interpolate (nearest and bilinear, 4-D input) and its VJP, with the
// semantics of torch.nn.functional.interpolate on CPU for NCHW tensors.

/// `interpolate`'s `mode`; PyTorch's other modes are not offered.
public enum InterpolateMode: String, AttributeChoice {
    case nearest
    case bilinear
}

/// `floorf` of a double as ATen's upsampling kernels compute it: the value is
/// first rounded to Float32 (the argument type of `floorf`), so that an index
/// computed a hair below an integer (2.9999999999999996) still lands on it.
@inline(__always)
private func floorAsFloat32(_ value: Double) -> Int {
    let rounded = Double(Float(value)).rounded(.down)
    return rounded < Double(Int32.max) ? Int(rounded) : Int(Int32.max)
}

/// For each output index along one axis, the two source indices and their weights.
struct InterpolationAxis: Sendable {
    let inputSize: Int
    let outputSize: Int
    let index0: [Int], index1: [Int]
    let lambda0: [Double], lambda1: [Double]

    /// ATen's `area_pixel_compute_scale` for align_corners = false, i.e.
    /// `compute_scales_value`: 1/scale_factor when the user's factor is used,
    /// else input/output.
    static func ratio(inputSize: Int, outputSize: Int, scaleFactor: Double?) -> Double {
        if let scaleFactor, scaleFactor > 0 { return 1.0 / scaleFactor }
        return Double(inputSize) / Double(outputSize)
    }

    /// Nearest (PyTorch's legacy "nearest", like OpenCV INTER_NEAREST):
    /// src = min(floor(dst·ratio), in − 1), weight 1.
    static func nearest(inputSize: Int, outputSize: Int, scaleFactor: Double?) -> InterpolationAxis {
        let ratio = ratio(inputSize: inputSize, outputSize: outputSize, scaleFactor: scaleFactor)
        let indices = (0..<outputSize).map { min(floorAsFloat32(ratio * Double($0)), inputSize - 1) }
        return InterpolationAxis(inputSize: inputSize, outputSize: outputSize, index0: indices, index1: indices,
                                 lambda0: Array(repeating: 1, count: outputSize),
                                 lambda1: Array(repeating: 0, count: outputSize))
    }

    /// Linear along one axis (ATen's `compute_source_index_and_lambda`):
    ///
    /// - equal sizes copy (index dst, weight 1), whatever the scale factor;
    /// - align_corners: src = dst·(in − 1)/(out − 1) (0 when out = 1);
    /// - otherwise: src = max((dst + 0.5)·ratio − 0.5, 0);
    ///
    /// then i0 = min(floor(src), in − 1), λ1 = clamp(src − i0, 0, 1),
    /// i1 = i0 + 1 unless i0 is the last pixel, λ0 = 1 − λ1.
    static func linear(inputSize: Int, outputSize: Int, alignCorners: Bool, scaleFactor: Double?) -> InterpolationAxis {
        var index0 = [Int](), index1 = [Int](), lambda0 = [Double](), lambda1 = [Double]()
        let ratio: Double
        if alignCorners {
            ratio = outputSize > 1 ? Double(inputSize - 1) / Double(outputSize - 1) : 0
        } else {
            ratio = Self.ratio(inputSize: inputSize, outputSize: outputSize, scaleFactor: scaleFactor)
        }
        for dst in 0..<outputSize {
            if inputSize == outputSize {
                index0.append(dst); index1.append(dst); lambda0.append(1); lambda1.append(0)
                continue
            }
            var source: Double
            if alignCorners {
                source = ratio * Double(dst)
            } else {
                source = ratio * (Double(dst) + 0.5) - 0.5
                if source < 0 { source = 0 }
            }
            let i0 = min(floorAsFloat32(source), inputSize - 1)
            let l1 = min(max(source - Double(i0), 0), 1)
            index0.append(i0)
            index1.append(i0 < inputSize - 1 ? i0 + 1 : i0)
            lambda1.append(l1)
            lambda0.append(1 - l1)
        }
        return InterpolationAxis(inputSize: inputSize, outputSize: outputSize, index0: index0, index1: index1,
                                 lambda0: lambda0, lambda1: lambda1)
    }
}

/// A resolved interpolate call: the output shape and the two axes.
struct InterpolatePlan: Sendable {
    let inputShape: [Int]
    let outputShape: [Int]
    let mode: InterpolateMode
    let height: InterpolationAxis
    let width: InterpolationAxis

    /// PyTorch's argument rules (torch.nn.functional.interpolate):
    /// align_corners only with bilinear (none means false there); exactly one
    /// of size and scale_factor, each one value or one per spatial dimension;
    /// recompute_scale_factor not with size. The output size is
    /// floor(in·scale_factor) (or `size`); the kernels then use 1/scale_factor
    /// as the ratio, unless recompute_scale_factor is true, which makes them
    /// use in/out like an explicit size.
    init(inputShape: [Int], size: [Int]?, scaleFactor: [Double]?, mode: InterpolateMode,
         alignCorners: Bool?, recomputeScaleFactor: Bool?) throws {
        if mode == .nearest, alignCorners != nil {
            throw RefvisError.usage("interpolate: align_corners can only be set with the interpolating modes (bilinear), not with nearest")
        }
        guard inputShape.count == 4 else {
            throw RefvisError("interpolate: refvis supports only 4-D input (N, C, H, W), got shape \(formatShape(inputShape))")
        }
        guard inputShape[1] >= 1, inputShape[2] >= 1, inputShape[3] >= 1 else {
            throw RefvisError("interpolate: expected a non-empty (N, C, H, W) input, got shape \(formatShape(inputShape))")
        }
        let inputSizes = [inputShape[2], inputShape[3]]
        var outputSizes: [Int]
        var scales: [Double?] = [nil, nil]
        switch (size, scaleFactor) {
        case (.some, .some):
            throw RefvisError.usage("interpolate: only one of size or scale_factor should be defined")
        case (nil, nil):
            throw RefvisError.usage("interpolate: either size or scale_factor should be defined")
        case (.some(let size), nil):
            if recomputeScaleFactor == true {
                throw RefvisError.usage("interpolate: recompute_scale_factor is not meaningful with an explicit size")
            }
            outputSizes = try Self.perDimension(size, "size")
            guard outputSizes.allSatisfy({ $0 >= 1 }) else {
                throw RefvisError("interpolate: output size must be positive, got size \(AttributeValue.ints(size))")
            }
        case (nil, .some(let factors)):
            let expanded = try Self.perDimension(factors, "scale_factor")
            guard expanded.allSatisfy({ $0.isFinite && $0 > 0 }) else {
                throw RefvisError("interpolate: scale_factor must be positive and finite, got \(AttributeValue.doubles(factors))")
            }
            outputSizes = []
            for (input, factor) in zip(inputSizes, expanded) {
                let product = (Double(input) * factor).rounded(.down)
                guard product >= 1 else {
                    throw RefvisError("interpolate: scale_factor \(AttributeValue.doubles(factors)) gives an empty output for input \(formatShape(inputShape))")
                }
                guard product <= Double(Tensor.maxElementCount) else {
                    throw RefvisError("interpolate: scale_factor \(AttributeValue.doubles(factors)) gives an output too large for input \(formatShape(inputShape))")
                }
                outputSizes.append(Int(product))
            }
            if recomputeScaleFactor != true { scales = expanded.map { $0 } }
        }
        let outputShape = [inputShape[0], inputShape[1], outputSizes[0], outputSizes[1]]
        _ = try Tensor.checkedElementCount(outputShape, context: "interpolate output")
        self.inputShape = inputShape
        self.outputShape = outputShape
        self.mode = mode
        switch mode {
        case .nearest:
            height = .nearest(inputSize: inputSizes[0], outputSize: outputSizes[0], scaleFactor: scales[0])
            width = .nearest(inputSize: inputSizes[1], outputSize: outputSizes[1], scaleFactor: scales[1])
        case .bilinear:
            let align = alignCorners ?? false
            height = .linear(inputSize: inputSizes[0], outputSize: outputSizes[0], alignCorners: align, scaleFactor: scales[0])
            width = .linear(inputSize: inputSizes[1], outputSize: outputSizes[1], alignCorners: align, scaleFactor: scales[1])
        }
    }

    /// One value for both spatial dimensions, or one per dimension (H, W).
    private static func perDimension<T>(_ values: [T], _ name: String) throws -> [T] {
        switch values.count {
        case 1: return [values[0], values[0]]
        case 2: return values
        default:
            throw RefvisError.usage("interpolate: '\(name)' needs 1 value or 2 (one per spatial dimension), got \(values.count)")
        }
    }

    var planes: Int { outputShape[0] * outputShape[1] }
}

/// Resizes the images of a (N, C, H, W) tensor,
/// `torch.nn.functional.interpolate(input, size, scale_factor, mode, align_corners, recompute_scale_factor)`
/// for `mode` nearest or bilinear:
///
/// - nearest: out[oh, ow] = x[min(floor(oh·rH), H − 1), min(floor(ow·rW), W − 1)]
///   (PyTorch's legacy nearest, not "nearest-exact");
/// - bilinear: out[oh, ow] = (x[h0,w0]·λw0 + x[h0,w1]·λw1)·λh0 + (x[h1,w0]·λw0 + x[h1,w1]·λw1)·λh1
///   with the indices and weights of `InterpolationAxis.linear`.
///
/// The ratio r is 1/scale_factor when a scale factor is given (and
/// recompute_scale_factor is not true), else in/out — PyTorch really uses the
/// user's factor, so 0.7 on 10 pixels reads at multiples of 1/0.7, not 10/7.
/// See `InterpolatePlan` for the argument rules. Output (N, C, H_out, W_out).
///
/// refvis follows PyTorch's NCHW CPU forward kernel. PyTorch's own nearest
/// backward (and its channels-last forward, which a tensor with one channel
/// also takes) computes indices by an older rule that copies when the sizes
/// are equal and uses a Float32 ratio; they disagree for a scale factor that
/// leaves a size unchanged (e.g. 1.2 on 4 pixels) and in rare Float32-rounding
/// cases. refvis's VJP is the exact transpose of its forward.
public func interpolate(_ input: Tensor, size: [Int]? = nil, scaleFactor: [Double]? = nil,
                        mode: InterpolateMode = .nearest, alignCorners: Bool? = nil,
                        recomputeScaleFactor: Bool? = nil) throws -> Tensor {
    let plan = try InterpolatePlan(inputShape: input.shape, size: size, scaleFactor: scaleFactor, mode: mode,
                                   alignCorners: alignCorners, recomputeScaleFactor: recomputeScaleFactor)
    return interpolate(input, plan)
}

/// The VJP of `interpolate` (which is linear in its input): every output
/// gradient is added to the pixels it was read from, times their weights
/// λh·λw, outputs in row-major order, taps in the order (h0,w0), (h0,w1), (h1,w0), (h1,w1).
public func interpolateBackward(_ gradOutput: Tensor, inputShape: [Int], size: [Int]? = nil,
                                scaleFactor: [Double]? = nil, mode: InterpolateMode = .nearest,
                                alignCorners: Bool? = nil, recomputeScaleFactor: Bool? = nil) throws -> Tensor {
    let plan = try InterpolatePlan(inputShape: inputShape, size: size, scaleFactor: scaleFactor, mode: mode,
                                   alignCorners: alignCorners, recomputeScaleFactor: recomputeScaleFactor)
    try gradOutput.requireShape(plan.outputShape, "interpolate backward: output gradient")
    return interpolateBackward(gradOutput, plan)
}

private func interpolate(_ input: Tensor, _ plan: InterpolatePlan) -> Tensor {
    let (h, w) = (plan.height, plan.width)
    let inArea = h.inputSize * w.inputSize, outArea = h.outputSize * w.outputSize
    let count = plan.planes * outArea
    if count == 0 { return Tensor(shape: plan.outputShape, scalars: []) }
    // Every element is written by exactly one task, so the output is not zero-filled first.
    let output = [Double](unsafeUninitializedCapacity: count) { outputBuffer, initialized in
        input.scalars.withUnsafeBufferPointer { inputBuffer in
            // One plane per task; each writes only its own output plane.
            let source = SharedInput(inputBuffer)
            let destination = SharedOutput(outputBuffer)
            Parallel.forEach(plan.planes) { plane in
                let x = source.base + plane * inArea
                var out = destination.base + plane * outArea
                for oh in 0..<h.outputSize {
                    let row0 = x + h.index0[oh] * w.inputSize, row1 = x + h.index1[oh] * w.inputSize
                    for ow in 0..<w.outputSize {
                        if plan.mode == .nearest {
                            out.pointee = row0[w.index0[ow]]
                        } else {
                            let (w0, w1, l0, l1) = (w.index0[ow], w.index1[ow], w.lambda0[ow], w.lambda1[ow])
                            let top = row0[w0] * l0 + row0[w1] * l1
                            let bottom = row1[w0] * l0 + row1[w1] * l1
                            out.pointee = top * h.lambda0[oh] + bottom * h.lambda1[oh]
                        }
                        out += 1
                    }
                }
            }
        }
        initialized = count
    }
    return Tensor(shape: plan.outputShape, scalars: output)
}

private func interpolateBackward(_ gradOutput: Tensor, _ plan: InterpolatePlan) -> Tensor {
    let (h, w) = (plan.height, plan.width)
    let inArea = h.inputSize * w.inputSize, outArea = h.outputSize * w.outputSize
    var result = [Double](repeating: 0, count: plan.planes * inArea)
    if result.isEmpty { return Tensor(shape: plan.inputShape, scalars: result) }
    gradOutput.scalars.withUnsafeBufferPointer { gradientBuffer in
        result.withUnsafeMutableBufferPointer { resultBuffer in
            // One plane per task; each accumulates only into its own input plane.
            let upstream = SharedInput(gradientBuffer)
            let destination = SharedOutput(resultBuffer)
            Parallel.forEach(plan.planes) { plane in
                var g = upstream.base + plane * outArea
                let gi = destination.base + plane * inArea
                for oh in 0..<h.outputSize {
                    let row0 = gi + h.index0[oh] * w.inputSize, row1 = gi + h.index1[oh] * w.inputSize
                    for ow in 0..<w.outputSize {
                        let go = g.pointee
                        if plan.mode == .nearest {
                            row0[w.index0[ow]] += go
                        } else {
                            let (w0, w1) = (w.index0[ow], w.index1[ow])
                            let (h0l, h1l, w0l, w1l) = (h.lambda0[oh], h.lambda1[oh], w.lambda0[ow], w.lambda1[ow])
                            row0[w0] += h0l * w0l * go
                            row0[w1] += h0l * w1l * go
                            row1[w0] += h1l * w0l * go
                            row1[w1] += h1l * w1l * go
                        }
                        g += 1
                    }
                }
            }
        }
    }
    return Tensor(shape: plan.inputShape, scalars: result)
}
