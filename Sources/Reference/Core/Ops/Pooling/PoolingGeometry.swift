/// One spatial axis of a 2-d pooling window: PyTorch's output-size rule and
/// the range of input positions a window covers.
public struct PoolingAxis: Sendable, Equatable {
    public let inputSize: Int
    public let kernel: Int
    public let stride: Int
    public let padding: Int
    public let dilation: Int
    public let ceilMode: Bool
    public let outputSize: Int

    /// PyTorch's `pooling_output_shape`:
    ///
    ///     out = floor((in + 2p − d(k − 1) − 1 + (ceil_mode ? s − 1 : 0)) / s) + 1
    ///
    /// and, in ceil mode, one less when the last window would start at or
    /// beyond `in + p` (past the input and its left padding): "the last
    /// pooling window must start inside the input or the left padding".
    /// The result can be < 1; callers reject that.
    public static func outputSize(inputSize: Int, kernel: Int, stride: Int, padding: Int,
                                  dilation: Int, ceilMode: Bool) -> Int {
        let numerator = inputSize + 2 * padding - dilation * (kernel - 1) - 1 + (ceilMode ? stride - 1 : 0)
        // Floor division, also for a negative numerator (PyTorch's div_rtn).
        var size = (numerator >= 0 ? numerator / stride : -((-numerator + stride - 1) / stride)) + 1
        if ceilMode && (size - 1) * stride >= inputSize + padding {
            size -= 1
        }
        return size
    }

    init(inputSize: Int, kernel: Int, stride: Int, padding: Int, dilation: Int, ceilMode: Bool) {
        self.inputSize = inputSize
        self.kernel = kernel
        self.stride = stride
        self.padding = padding
        self.dilation = dilation
        self.ceilMode = ceilMode
        outputSize = PoolingAxis.outputSize(inputSize: inputSize, kernel: kernel, stride: stride, padding: padding,
                                            dilation: dilation, ceilMode: ceilMode)
    }

    /// The kernel's extent including dilation, `(k − 1)·d + 1`.
    public var effectiveKernel: Int { (kernel - 1) * dilation + 1 }

    /// Where window `o` starts, counting padding: `o·s − p` (may be negative).
    @inline(__always) func windowStart(_ o: Int) -> Int { o * stride - padding }
}

/// The validated geometry of a 2-d pooling call (`max_pool2d`, `avg_pool2d`):
/// input `(N, C, H, W)` or unbatched `(C, H, W)`, pooled plane by plane.
///
/// Checks, as PyTorch does: kernel, stride and dilation ≥ 1; padding ≥ 0 and
/// at most half the kernel size `k / 2` — the *undilated* kernel, whatever
/// PyTorch's message says about the effective one (torch 2.x refuses
/// kernel 3, dilation 2, padding 2); channels and
/// spatial sizes non-zero (the batch may be 0); an output of at least 1×1.
public struct Pool2dGeometry: Sendable, Equatable {
    public let batch: Int
    public let channels: Int
    public let height: PoolingAxis
    public let width: PoolingAxis
    public let unbatched: Bool

    /// Independent planes: `N·C`.
    public var planes: Int { batch * channels }
    public var inputShape: [Int] {
        unbatched ? [channels, height.inputSize, width.inputSize] : [batch, channels, height.inputSize, width.inputSize]
    }
    public var outputShape: [Int] {
        unbatched ? [channels, height.outputSize, width.outputSize] : [batch, channels, height.outputSize, width.outputSize]
    }

    /// `stride` nil or empty means "equal to the kernel size" (PyTorch's default).
    public init(op: String, inputShape: [Int], kernelSize: [Int], stride: [Int]?, padding: [Int],
                dilation: [Int] = [1], ceilMode: Bool) throws {
        let (kh, kw) = try expandPair(kernelSize, "kernel_size", op: op, minimum: 1)
        let (sh, sw) = try stride.flatMap { $0.isEmpty ? nil : $0 }.map { try expandPair($0, "stride", op: op, minimum: 1) } ?? (kh, kw)
        let (ph, pw) = try expandPair(padding, "padding", op: op, minimum: 0)
        let (dh, dw) = try expandPair(dilation, "dilation", op: op, minimum: 1)
        let limit = Tensor.maxElementCount
        for (name, value) in [("kernel_size", max(kh, kw)), ("stride", max(sh, sw)), ("padding", max(ph, pw)), ("dilation", max(dh, dw))]
        where value > limit {
            throw RefvisError.usage("\(op): '\(name)' of \(value) is larger than refvis supports (2^31)")
        }
        guard inputShape.count == 3 || inputShape.count == 4 else {
            throw RefvisError("\(op): input must be (N, C, H, W) or unbatched (C, H, W), got shape \(formatShape(inputShape))")
        }
        let unbatched = inputShape.count == 3
        let batched = unbatched ? [1] + inputShape : inputShape
        guard batched[0] >= 0, batched[1...].allSatisfy({ $0 >= 1 }) else {
            throw RefvisError("\(op): input shape \(formatShape(inputShape)) has an empty channel or spatial dimension")
        }
        let height = PoolingAxis(inputSize: batched[2], kernel: kh, stride: sh, padding: ph, dilation: dh, ceilMode: ceilMode)
        let width = PoolingAxis(inputSize: batched[3], kernel: kw, stride: sw, padding: pw, dilation: dw, ceilMode: ceilMode)
        for axis in [height, width] where axis.padding > axis.kernel / 2 {
            throw RefvisError.usage("\(op): padding \(AttributeValue.ints(padding)) must be at most half of kernel_size "
                                    + "\(AttributeValue.ints(kernelSize)) (PyTorch's rule; dilation does not widen it)")
        }
        guard height.outputSize >= 1 && width.outputSize >= 1 else {
            throw RefvisError("\(op): input \(formatShape(inputShape)) is too small for kernel_size \(AttributeValue.ints(kernelSize)) "
                              + "(with padding and dilation): the output would be \(height.outputSize)x\(width.outputSize)")
        }
        self.batch = batched[0]
        self.channels = batched[1]
        self.height = height
        self.width = width
        self.unbatched = unbatched
        _ = try Tensor.checkedElementCount(outputShape, context: "\(op) output")
    }
}
