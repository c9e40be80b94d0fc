/// The validated sizes of one `conv2d` call: every dimension, the spatial
/// arguments expanded to (height, width) pairs, and the output size
/// `floor((H + 2p − d(k − 1) − 1) / s) + 1` per axis (PyTorch's formula).
///
/// Building one checks everything a user can get wrong — ranks, channel
/// counts against `groups`, argument ranges, an output smaller than one pixel —
/// and throws a `RefvisError` naming the problem, so the kernels can index
/// without further checks.
public struct Conv2dGeometry: Sendable, Equatable {
    /// The largest stride, padding, dilation or group count accepted; keeps
    /// every index computation far from integer overflow.
    static let argumentLimit = Tensor.maxElementCount

    public let batch: Int
    public let inChannels: Int
    public let height: Int
    public let width: Int
    public let outChannels: Int
    public let kernelHeight: Int
    public let kernelWidth: Int
    public let strideHeight: Int
    public let strideWidth: Int
    public let paddingHeight: Int
    public let paddingWidth: Int
    public let dilationHeight: Int
    public let dilationWidth: Int
    public let groups: Int
    public let outHeight: Int
    public let outWidth: Int
    /// The input was `(C, H, W)` (PyTorch's unbatched form); the output then
    /// drops the batch dimension too.
    public let unbatched: Bool

    /// Input channels per group (`weight.shape[1]`).
    public var groupInChannels: Int { inChannels / groups }
    /// Output channels per group.
    public var groupOutChannels: Int { outChannels / groups }
    /// The height of the zero-padded input, `H + 2·padding`.
    public var paddedHeight: Int { height + 2 * paddingHeight }
    /// The width of the zero-padded input, `W + 2·padding`.
    public var paddedWidth: Int { width + 2 * paddingWidth }

    public var inputShape: [Int] {
        unbatched ? [inChannels, height, width] : [batch, inChannels, height, width]
    }
    public var weightShape: [Int] { [outChannels, groupInChannels, kernelHeight, kernelWidth] }
    public var outputShape: [Int] {
        unbatched ? [outChannels, outHeight, outWidth] : [batch, outChannels, outHeight, outWidth]
    }

    /// Multiply-adds of the forward pass: `N·O·(C/groups)·kH·kW·OH·OW`.
    public var multiplyAdds: Int {
        batch * outChannels * groupInChannels * kernelHeight * kernelWidth * outHeight * outWidth
    }

    /// Validates a conv2d call. `stride`, `padding` and `dilation` are one
    /// integer or a (height, width) pair, as PyTorch's `_pair`.
    public init(inputShape: [Int], weightShape: [Int], stride: [Int] = [1], padding: [Int] = [0],
                dilation: [Int] = [1], groups: Int = 1) throws {
        let op = "conv2d"
        let (sh, sw) = try expandPair(stride, "stride", op: op, minimum: 1)
        let (ph, pw) = try expandPair(padding, "padding", op: op, minimum: 0)
        let (dh, dw) = try expandPair(dilation, "dilation", op: op, minimum: 1)
        for (name, value) in [("stride", max(sh, sw)), ("padding", max(ph, pw)), ("dilation", max(dh, dw)), ("groups", groups)]
        where value > Conv2dGeometry.argumentLimit {
            throw RefvisError.usage("\(op): '\(name)' of \(value) is larger than refvis supports (2^31)")
        }
        guard groups >= 1 else { throw RefvisError.usage("\(op): 'groups' must be at least 1, got \(groups)") }

        guard inputShape.count == 3 || inputShape.count == 4 else {
            throw RefvisError("\(op): input must be (N, C, H, W) or unbatched (C, H, W), got shape \(formatShape(inputShape))")
        }
        guard weightShape.count == 4 else {
            throw RefvisError("\(op): weight must be (out_channels, in_channels/groups, kH, kW), got shape \(formatShape(weightShape))")
        }
        let unbatched = inputShape.count == 3
        let batched = unbatched ? [1] + inputShape : inputShape
        let (n, c, h, w) = (batched[0], batched[1], batched[2], batched[3])
        let (o, cg, kh, kw) = (weightShape[0], weightShape[1], weightShape[2], weightShape[3])
        guard kh >= 1 && kw >= 1 else {
            throw RefvisError("\(op): weight shape \(formatShape(weightShape)) has an empty kernel")
        }
        guard cg >= 1 else {
            throw RefvisError("\(op): weight shape \(formatShape(weightShape)) has no input channels")
        }
        guard o % groups == 0 else {
            throw RefvisError("\(op): out_channels \(o) (weight shape \(formatShape(weightShape))) is not divisible by groups=\(groups)")
        }
        guard c % groups == 0 else {
            throw RefvisError("\(op): input channels \(c) (input shape \(formatShape(inputShape))) are not divisible by groups=\(groups)")
        }
        guard c == cg * groups else {
            throw RefvisError("\(op): input shape \(formatShape(inputShape)) has \(c) channels, but weight shape \(formatShape(weightShape)) with groups=\(groups) expects \(cg * groups)")
        }

        // Output size per axis; every term is below 2^62, so nothing overflows.
        func outputSize(_ size: Int, _ k: Int, _ s: Int, _ p: Int, _ d: Int) -> Int {
            let span = size + 2 * p - d * (k - 1) - 1
            return span < 0 ? 0 : span / s + 1
        }
        let oh = outputSize(h, kh, sh, ph, dh)
        let ow = outputSize(w, kw, sw, pw, dw)
        guard oh >= 1 && ow >= 1 else {
            throw RefvisError("\(op): input \(formatShape(inputShape)) padded by (\(ph), \(pw)) is smaller than the dilated kernel "
                              + "(\((kh - 1) * dh + 1), \((kw - 1) * dw + 1)); the output would be \(oh)x\(ow)")
        }

        batch = n; inChannels = c; height = h; width = w
        outChannels = o; kernelHeight = kh; kernelWidth = kw
        strideHeight = sh; strideWidth = sw
        paddingHeight = ph; paddingWidth = pw
        dilationHeight = dh; dilationWidth = dw
        self.groups = groups
        outHeight = oh; outWidth = ow
        self.unbatched = unbatched

        _ = try Tensor.checkedElementCount(outputShape, context: "\(op) output")
        _ = try Tensor.checkedElementCount([n, c, paddedHeight, paddedWidth], context: "\(op) padded input")
    }
}
