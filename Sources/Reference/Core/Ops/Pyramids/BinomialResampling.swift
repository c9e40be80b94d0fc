// The two resampling steps of the TensorFlow DeepDream Laplacian pyramid
// (lap_split / lap_merge), on every (H, W) plane of a batch:
//
//   down  D:  tf.nn.conv2d(x, k5x5, strides 2, 'SAME')
//   up    U:  tf.nn.conv2d_transpose(y, 4·k5x5, shape of x, strides 2, 'SAME') = 4·Dᵀ
//
// with k5x5 = outer(b, b), b = [1, 4, 6, 4, 1] / 16, applied to each channel
// on its own (the notebook's kernel is k5x5 ⊗ eye(3)). The kernel is
// separable, so each step runs as a 1-D pass along the width and one along
// the height; the results equal the 2-D convolutions up to rounding.

enum BinomialResampling {
    /// The binomial taps [1, 4, 6, 4, 1] / 16.
    static let taps: [Double] = [1, 4, 6, 4, 1].map { $0 / 16 }

    /// The size of a downsampled axis: TF 'SAME' with stride 2, ⌈n / 2⌉.
    static func halved(_ n: Int) -> Int { (n + 1) / 2 }

    /// TF's 'SAME' padding before the first element of an axis of size n,
    /// stride 2, kernel 5: ⌊max((out − 1)·2 + 5 − n, 0) / 2⌋ — 1 for even n,
    /// 2 for odd n (the rest goes after: 2 and 2).
    static func padBefore(_ n: Int) -> Int { max((halved(n) - 1) * 2 + 5 - n, 0) / 2 }

    /// D: every plane of `x` (planes × height × width) to planes ×
    /// ⌈height/2⌉ × ⌈width/2⌉; out[i] = Σₜ bₜ·x[2i + t − padBefore], zeros
    /// outside, along the width and then along the height.
    static func downsample(_ x: [Double], planes: Int, height: Int, width: Int) -> [Double] {
        let (h2, w2) = (halved(height), halved(width))
        let (ph, pw) = (padBefore(height), padBefore(width))
        // Along the width: planes × height × w2.
        var rows = [Double](repeating: 0, count: planes * height * w2)
        for line in 0..<(planes * height) {
            for j in 0..<w2 {
                var total = 0.0
                for t in 0..<5 {
                    let s = 2 * j + t - pw
                    if s >= 0 && s < width { total += taps[t] * x[line * width + s] }
                }
                rows[line * w2 + j] = total
            }
        }
        // Along the height: planes × h2 × w2.
        var out = [Double](repeating: 0, count: planes * h2 * w2)
        for plane in 0..<planes {
            for i in 0..<h2 {
                for j in 0..<w2 {
                    var total = 0.0
                    for t in 0..<5 {
                        let s = 2 * i + t - ph
                        if s >= 0 && s < height { total += taps[t] * rows[(plane * height + s) * w2 + j] }
                    }
                    out[(plane * h2 + i) * w2 + j] = total
                }
            }
        }
        return out
    }

    /// Dᵀ: the adjoint of `downsample` for planes of the given (larger) size:
    /// each coarse value y[i] is scattered to x[2i + t − padBefore] with
    /// weight bₜ, along the height and then along the width.
    static func downsampleAdjoint(_ y: [Double], planes: Int, height: Int, width: Int) -> [Double] {
        let (h2, w2) = (halved(height), halved(width))
        let (ph, pw) = (padBefore(height), padBefore(width))
        var rows = [Double](repeating: 0, count: planes * height * w2)
        for plane in 0..<planes {
            for i in 0..<h2 {
                for j in 0..<w2 {
                    let value = y[(plane * h2 + i) * w2 + j]
                    for t in 0..<5 {
                        let s = 2 * i + t - ph
                        if s >= 0 && s < height { rows[(plane * height + s) * w2 + j] += taps[t] * value }
                    }
                }
            }
        }
        var x = [Double](repeating: 0, count: planes * height * width)
        for line in 0..<(planes * height) {
            for j in 0..<w2 {
                let value = rows[line * w2 + j]
                for t in 0..<5 {
                    let s = 2 * j + t - pw
                    if s >= 0 && s < width { x[line * width + s] += taps[t] * value }
                }
            }
        }
        return x
    }

    /// U = 4·Dᵀ, TF's conv2d_transpose with the kernel 4·k5x5: the upsampling
    /// that keeps a constant interior constant (the weights landing on each
    /// fine pixel sum to 1/2 per axis before the factor 4).
    static func upsample(_ y: [Double], planes: Int, height: Int, width: Int) -> [Double] {
        downsampleAdjoint(y, planes: planes, height: height, width: width).map { 4 * $0 }
    }
}
