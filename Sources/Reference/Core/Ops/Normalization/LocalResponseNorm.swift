import Foundation

// local_response_norm and its VJP, with the semantics of
// torch.nn.functional.local_response_norm.

/// The channel window of `local_response_norm`: PyTorch pads the channel axis
/// with `size / 2` zeros before and `(size − 1) / 2` after and averages
/// `size` consecutive squares, so channel `c` sees channels
/// `c − size/2 … c + (size − 1)/2` (clipped to the input). For an even
/// size the window reaches one channel further back than forward.
struct ChannelWindow {
    let size: Int
    let channels: Int

    /// The channels whose squares normalize channel `c`.
    func sources(of c: Int) -> Range<Int> {
        max(c - size / 2, 0)..<min(c + (size - 1) / 2 + 1, channels)
    }

    /// The channels whose normalization involves channel `j` (the transpose
    /// of `sources`): `j − (size − 1)/2 … j + size/2`, clipped.
    func targets(of j: Int) -> Range<Int> {
        max(j - (size - 1) / 2, 0)..<min(j + size / 2 + 1, channels)
    }
}

/// Local response normalization across channels,
/// `torch.nn.functional.local_response_norm`:
///
///     b[n][c][…] = a[n][c][…] / D[n][c][…]^β,
///     D = k + α · (1/size) · Σ_{c' = c − size/2}^{c + (size−1)/2} a[n][c'][…]²
///
/// with channels outside `0..<C` contributing zero (the divisor stays `size`
/// at the borders, as PyTorch's zero-padded average does). The sum runs over
/// `c'` ascending; `D` is formed as `(sum / size)·α + k` in PyTorch's order.
///
/// - Shapes: `input` `(N, C, …)` with at least 3 dimensions (PyTorch raises
///   for fewer); the output has the input's shape. An empty input is
///   returned unchanged.
/// - `size` ≥ 1. `alpha`, `beta`, `k` are not restricted; with `k ≤ 0` the
///   result can be inf or NaN, as in PyTorch.
public func localResponseNorm(_ input: Tensor, size: Int, alpha: Double = 1e-4, beta: Double = 0.75,
                              k: Double = 1) throws -> Tensor {
    let layout = try LocalResponseLayout(input.shape, size: size)
    if input.count == 0 { return input }
    let denominators = localResponseDenominators(input.scalars, layout, alpha: alpha, k: k)
    var result = [Double](repeating: 0, count: input.count)
    for i in 0..<result.count {
        result[i] = input.scalars[i] / Foundation.pow(denominators[i], beta)
    }
    return Tensor(shape: input.shape, scalars: result)
}

/// The VJP of `localResponseNorm`. With `P_c = D_c^β` and ḡ the output gradient:
///
///     grad_input[j] = ḡ_j / P_j − (2αβ / size) · a_j · Σ_{c : j in window(c)} ḡ_c · a_c / (P_c · D_c)
///
/// where `c` runs over `j − (size−1)/2 … j + size/2` (the channels whose
/// window contains `j`), ascending; every other index is fixed.
public func localResponseNormBackward(_ outputGradient: Tensor, input: Tensor, size: Int, alpha: Double = 1e-4,
                                      beta: Double = 0.75, k: Double = 1) throws -> Tensor {
    let layout = try LocalResponseLayout(input.shape, size: size)
    try outputGradient.requireShape(input.shape, "local_response_norm output gradient")
    if input.count == 0 { return input }
    let a = input.scalars, g = outputGradient.scalars
    let denominators = localResponseDenominators(a, layout, alpha: alpha, k: k)
    // weighted[c] = ḡ_c · a_c / (D_c^β · D_c): what channel c sends back to the channels in its window.
    var powers = [Double](repeating: 0, count: a.count)
    var weighted = [Double](repeating: 0, count: a.count)
    for i in 0..<a.count {
        powers[i] = Foundation.pow(denominators[i], beta)
        weighted[i] = g[i] * a[i] / (powers[i] * denominators[i])
    }
    let scale = 2 * alpha * beta / Double(size)
    let window = ChannelWindow(size: size, channels: layout.channels)
    var result = [Double](repeating: 0, count: a.count)
    for n in 0..<layout.batch {
        for j in 0..<layout.channels {
            let targets = window.targets(of: j)
            for s in 0..<layout.inner {
                let i = layout.index(n, j, s)
                var total = 0.0
                for c in targets { total += weighted[layout.index(n, c, s)] }
                result[i] = g[i] / powers[i] - scale * a[i] * total
            }
        }
    }
    return Tensor(shape: input.shape, scalars: result)
}

/// `(N, C, rest)` view of an input of rank ≥ 3, after validation.
struct LocalResponseLayout {
    let batch: Int
    let channels: Int
    /// The product of the dimensions after the channel axis.
    let inner: Int
    let size: Int

    init(_ shape: [Int], size: Int) throws {
        guard shape.count >= 3 else {
            throw RefvisError("local_response_norm: input must have at least 3 dimensions (N, C, ...), got shape \(formatShape(shape))")
        }
        guard size >= 1 else {
            throw RefvisError.usage("local_response_norm: 'size' must be at least 1, got \(size)")
        }
        batch = shape[0]
        channels = shape[1]
        inner = shape[2...].reduce(1, *)
        self.size = size
    }

    @inline(__always) func index(_ n: Int, _ c: Int, _ s: Int) -> Int { (n * channels + c) * inner + s }
}

/// `D = (Σ_window a² / size)·α + k` for every element.
func localResponseDenominators(_ a: [Double], _ layout: LocalResponseLayout, alpha: Double, k: Double) -> [Double] {
    let window = ChannelWindow(size: layout.size, channels: layout.channels)
    var result = [Double](repeating: 0, count: a.count)
    for n in 0..<layout.batch {
        for c in 0..<layout.channels {
            let sources = window.sources(of: c)
            for s in 0..<layout.inner {
                var sum = 0.0
                for source in sources {
                    let v = a[layout.index(n, source, s)]
                    sum += v * v
                }
                result[layout.index(n, c, s)] = (sum / Double(layout.size)) * alpha + k
            }
        }
    }
    return result
}
