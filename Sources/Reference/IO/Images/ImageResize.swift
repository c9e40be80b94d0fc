import ReferenceCore

/// Resizes images (N, C, H, W) to `height` × `width` for loading a picture
/// into a model: not an op (nothing is differentiated through it).
///
/// Each axis separately, as `torch.nn.functional.interpolate(mode="bilinear",
/// antialias=True, align_corners=False)` and Pillow's `resize(BILINEAR)` do:
/// output index i samples around the centre c = s·(i + ½) (s = in/out) with the
/// triangle filter t(x) = max(0, 1 − |x|) widened by max(s, 1):
///
///     support = max(s, 1)
///     taps    j = ⌊c − support + ½⌋ … ⌊c + support + ½⌋ − 1, clipped to [0, in)
///     w_j     = t((j + ½ − c) / support), normalized to sum 1 over the taps
///
/// Shrinking therefore averages over every input pixel the output covers (no
/// aliasing); enlarging is ordinary bilinear interpolation (weights from the
/// two nearest centres, renormalized at the borders). Pillow computes the same
/// weights but rounds to 8 bits between the two passes, so its results can
/// differ from these by 1/255.
public func resizeImage(_ image: Tensor, height: Int, width: Int) throws -> Tensor {
    guard image.rank == 4 else {
        throw RefvisError("resize: expected an image (N, C, H, W), got shape \(formatShape(image.shape))")
    }
    guard (1...65_536).contains(height), (1...65_536).contains(width) else {
        throw RefvisError.usage("resize: the size must be 1…65536 on each side, got \(height)×\(width)")
    }
    _ = try Tensor.checkedElementCount([image.shape[0], image.shape[1], height, width], context: "resize output")
    let rows = resizeAlong(image, axis: 2, to: height)
    return resizeAlong(rows, axis: 3, to: width)
}

/// The taps and normalized weights of output index `i` when `input` samples become `output`.
func triangleTaps(_ i: Int, input: Int, output: Int) -> (first: Int, weights: [Double]) {
    let scale = Double(input) / Double(output)
    let support = max(scale, 1)
    let centre = scale * (Double(i) + 0.5)
    let first = max(Int((centre - support + 0.5).rounded(.down)), 0)
    let last = min(Int((centre + support + 0.5).rounded(.down)), input)
    var weights = (first..<max(last, first + 1)).map { j in max(0, 1 - abs((Double(j) + 0.5 - centre) / support)) }
    if last <= first { weights = [1] }
    let total = weights.reduce(0, +)
    return (first, total > 0 ? weights.map { $0 / total } : weights)
}

/// One pass of `resizeImage` along axis 2 (rows) or 3 (columns).
private func resizeAlong(_ image: Tensor, axis: Int, to size: Int) -> Tensor {
    let (n, c, h, w) = (image.shape[0], image.shape[1], image.shape[2], image.shape[3])
    let input = axis == 2 ? h : w
    guard input != size else { return image }
    let taps = (0..<size).map { triangleTaps($0, input: input, output: size) }
    let outH = axis == 2 ? size : h, outW = axis == 3 ? size : w
    var out = [Double](repeating: 0, count: n * c * outH * outW)
    for plane in 0..<(n * c) {
        let source = plane * h * w, target = plane * outH * outW
        for y in 0..<outH {
            for x in 0..<outW {
                let (first, weights) = axis == 2 ? taps[y] : taps[x]
                var sum = 0.0
                for (k, weight) in weights.enumerated() {
                    let index = axis == 2 ? (first + k) * w + x : y * w + first + k
                    sum += weight * image.scalars[source + index]
                }
                out[target + y * outW + x] = sum
            }
        }
    }
    return Tensor(shape: [n, c, outH, outW], scalars: out)
}

/// The central `height` × `width` window of an image (N, C, H, W), as
/// torchvision's `center_crop`: the top-left corner at
/// int(round((H − height) / 2.0)), Python's round (halves to even).
public func centreCrop(_ image: Tensor, height: Int, width: Int) throws -> Tensor {
    guard image.rank == 4, height >= 1, width >= 1, height <= image.shape[2], width <= image.shape[3] else {
        throw RefvisError.usage("centre crop: \(height)×\(width) does not fit in an image of shape \(formatShape(image.shape))")
    }
    let (n, c, h, w) = (image.shape[0], image.shape[1], image.shape[2], image.shape[3])
    // Python's round() rounds halves to even.
    let top = Int((Double(h - height) / 2).rounded(.toNearestOrEven))
    let left = Int((Double(w - width) / 2).rounded(.toNearestOrEven))
    var out = [Double]()
    out.reserveCapacity(n * c * height * width)
    for plane in 0..<(n * c) {
        for y in top..<(top + height) {
            let row = plane * h * w + y * w
            out += image.scalars[(row + left)..<(row + left + width)]
        }
    }
    return Tensor(shape: [n, c, height, width], scalars: out)
}
