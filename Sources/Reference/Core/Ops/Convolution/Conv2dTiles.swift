/// Register tiles: the innermost loops of the conv2d kernels.
///
/// Each tile keeps a 4×4 block of sums in local variables while it runs over
/// a list of taps, so the sums never leave registers and every loaded value
/// feeds four multiply-adds. The sixteen sums are independent, so LLVM's SLP
/// vectorizer pairs them into vector instructions without reassociating any
/// sum: each sum is still accumulated strictly in tap (or position) order.
///
/// "Taps" are flattened `(channel, kh, kw)` triples given as an offset table:
/// the element a tap reads for a position is `source[base + offsets[t]]`.
enum Conv2dTiles {
    /// For 4 positions `i` (elements `base + i·step`) and 4 lanes `j`:
    /// `out[j·outStride + i] = Σ_t weights[4t + j] · source[base + offsets[t] + i·step]`, `t` ascending.
    @inline(__always)
    static func gather4x4(_ source: UnsafePointer<Double>, base: Int, step: Int,
                          offsets: UnsafePointer<Int>, weights: UnsafePointer<Double>, taps: Int,
                          into out: UnsafeMutablePointer<Double>, outStride: Int) {
        var a00 = 0.0, a01 = 0.0, a02 = 0.0, a03 = 0.0
        var a10 = 0.0, a11 = 0.0, a12 = 0.0, a13 = 0.0
        var a20 = 0.0, a21 = 0.0, a22 = 0.0, a23 = 0.0
        var a30 = 0.0, a31 = 0.0, a32 = 0.0, a33 = 0.0
        let start = source + base
        var w = weights
        for t in 0..<taps {
            let p = start + offsets[t]
            let x0 = p[0], x1 = p[step], x2 = p[2 * step], x3 = p[3 * step]
            let w0 = w[0], w1 = w[1], w2 = w[2], w3 = w[3]
            a00 += w0 * x0; a01 += w1 * x0; a02 += w2 * x0; a03 += w3 * x0
            a10 += w0 * x1; a11 += w1 * x1; a12 += w2 * x1; a13 += w3 * x1
            a20 += w0 * x2; a21 += w1 * x2; a22 += w2 * x2; a23 += w3 * x2
            a30 += w0 * x3; a31 += w1 * x3; a32 += w2 * x3; a33 += w3 * x3
            w += 4
        }
        out[0] = a00; out[1] = a10; out[2] = a20; out[3] = a30
        let o1 = out + outStride
        o1[0] = a01; o1[1] = a11; o1[2] = a21; o1[3] = a31
        let o2 = o1 + outStride
        o2[0] = a02; o2[1] = a12; o2[2] = a22; o2[3] = a32
        let o3 = o2 + outStride
        o3[0] = a03; o3[1] = a13; o3[2] = a23; o3[3] = a33
    }

    /// `gather4x4` for a single position (the remainder of a row).
    @inline(__always)
    static func gather1x4(_ source: UnsafePointer<Double>, base: Int,
                          offsets: UnsafePointer<Int>, weights: UnsafePointer<Double>, taps: Int,
                          into out: UnsafeMutablePointer<Double>, outStride: Int) {
        var a0 = 0.0, a1 = 0.0, a2 = 0.0, a3 = 0.0
        let start = source + base
        var w = weights
        for t in 0..<taps {
            let x = start[offsets[t]]
            a0 += w[0] * x; a1 += w[1] * x; a2 += w[2] * x; a3 += w[3] * x
            w += 4
        }
        out[0] = a0; out[outStride] = a1; out[2 * outStride] = a2; out[3 * outStride] = a3
    }

    /// For 4 taps `k` and 4 lanes `j`, the sums over one row of `count` positions:
    /// `acc[4k + j] += Σ_i gradient[4i + j] · source[offsets[k] + i·step]`, `i` ascending.
    /// `acc` carries the running sums from row to row.
    @inline(__always)
    static func correlate4x4(_ source: UnsafePointer<Double>, offsets: (Int, Int, Int, Int), step: Int,
                             gradient: UnsafePointer<Double>, count: Int, acc: UnsafeMutablePointer<Double>) {
        var a00 = acc[0], a01 = acc[1], a02 = acc[2], a03 = acc[3]
        var a10 = acc[4], a11 = acc[5], a12 = acc[6], a13 = acc[7]
        var a20 = acc[8], a21 = acc[9], a22 = acc[10], a23 = acc[11]
        var a30 = acc[12], a31 = acc[13], a32 = acc[14], a33 = acc[15]
        let p0 = source + offsets.0, p1 = source + offsets.1, p2 = source + offsets.2, p3 = source + offsets.3
        var g = gradient
        var q = 0
        for _ in 0..<count {
            let x0 = p0[q], x1 = p1[q], x2 = p2[q], x3 = p3[q]
            let g0 = g[0], g1 = g[1], g2 = g[2], g3 = g[3]
            a00 += g0 * x0; a01 += g1 * x0; a02 += g2 * x0; a03 += g3 * x0
            a10 += g0 * x1; a11 += g1 * x1; a12 += g2 * x1; a13 += g3 * x1
            a20 += g0 * x2; a21 += g1 * x2; a22 += g2 * x2; a23 += g3 * x2
            a30 += g0 * x3; a31 += g1 * x3; a32 += g2 * x3; a33 += g3 * x3
            g += 4
            q += step
        }
        acc[0] = a00; acc[1] = a01; acc[2] = a02; acc[3] = a03
        acc[4] = a10; acc[5] = a11; acc[6] = a12; acc[7] = a13
        acc[8] = a20; acc[9] = a21; acc[10] = a22; acc[11] = a23
        acc[12] = a30; acc[13] = a31; acc[14] = a32; acc[15] = a33
    }

    /// `correlate4x4` for a single tap (the remainder of the tap list).
    @inline(__always)
    static func correlate1x4(_ source: UnsafePointer<Double>, offset: Int, step: Int,
                             gradient: UnsafePointer<Double>, count: Int, acc: UnsafeMutablePointer<Double>) {
        var a0 = acc[0], a1 = acc[1], a2 = acc[2], a3 = acc[3]
        let p = source + offset
        var g = gradient
        var q = 0
        for _ in 0..<count {
            let x = p[q]
            a0 += g[0] * x; a1 += g[1] * x; a2 += g[2] * x; a3 += g[3] * x
            g += 4
            q += step
        }
        acc[0] = a0; acc[1] = a1; acc[2] = a2; acc[3] = a3
    }
}
