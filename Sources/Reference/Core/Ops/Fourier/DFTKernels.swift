/// The DFT as matrix products along one axis.
///
/// Every kernel computes output[k] = Σⱼ M[j, k]·input[j] for j = 0, 1, … in
/// order, starting from 0, with M a `DFTMatrix`; a 2-D transform is two of them,
/// one per axis. Work is split over whole output rows (`Parallel.forEach`), each
/// written by exactly one worker, so results are bitwise identical at any thread
/// count. Inner loops run over contiguous memory and vectorise.
enum DFTKernels {
    /// Below this many multiply-adds a kernel stays on the calling thread.
    static let parallelThreshold = 1 << 15

    private static func forEachRow(_ count: Int, work: Int, _ body: @Sendable (Int) -> Void) {
        if work < parallelThreshold {
            for i in 0..<count { body(i) }
        } else {
            Parallel.forEach(count, body)
        }
    }

    /// Complex → complex along the last axis: `rows` rows of `length` entries in,
    /// `rows` rows of `matrix.columns` entries out; reads the first `matrix.rows`
    /// entries of each input row (`matrix.rows ≤ length`).
    static func lastAxis(_ x: SplitComplex, rows: Int, length: Int, matrix m: DFTMatrix) -> SplitComplex {
        precondition(m.rows <= length && x.real.count == rows * length)
        let (used, width) = (m.rows, m.columns)
        var out = SplitComplex(count: rows * width)
        guard rows > 0, used > 0, width > 0 else { return out }
        x.real.withUnsafeBufferPointer { xr in x.imag.withUnsafeBufferPointer { xi in
        m.real.withUnsafeBufferPointer { mr in m.imag.withUnsafeBufferPointer { mi in
        out.real.withUnsafeMutableBufferPointer { yr in out.imag.withUnsafeMutableBufferPointer { yi in
            // Each worker writes only its own output rows.
            let (xr, xi, mr, mi) = (SharedInput(xr), SharedInput(xi), SharedInput(mr), SharedInput(mi))
            let (yr, yi) = (SharedOutput(yr), SharedOutput(yi))
            forEachRow(rows, work: rows * used * width) { row in
                let (inR, inI) = (xr.base + row * length, xi.base + row * length)
                let (outR, outI) = (yr.base + row * width, yi.base + row * width)
                for j in 0..<used {
                    let (a, b) = (inR[j], inI[j])
                    let (c, s) = (mr.base + j * width, mi.base + j * width)
                    for k in 0..<width {
                        outR[k] += a * c[k] - b * s[k]
                        outI[k] += a * s[k] + b * c[k]
                    }
                }
            }
        }}}}}}
        return out
    }

    /// Real → complex along the last axis (the forward real DFT, and the
    /// adjoint of the inverse real DFT). Shapes as `lastAxis`.
    static func lastAxis(real x: [Double], rows: Int, length: Int, matrix m: DFTMatrix) -> SplitComplex {
        precondition(m.rows <= length && x.count == rows * length)
        let (used, width) = (m.rows, m.columns)
        var out = SplitComplex(count: rows * width)
        guard rows > 0, used > 0, width > 0 else { return out }
        x.withUnsafeBufferPointer { xr in
        m.real.withUnsafeBufferPointer { mr in m.imag.withUnsafeBufferPointer { mi in
        out.real.withUnsafeMutableBufferPointer { yr in out.imag.withUnsafeMutableBufferPointer { yi in
            let (xr, mr, mi) = (SharedInput(xr), SharedInput(mr), SharedInput(mi))
            let (yr, yi) = (SharedOutput(yr), SharedOutput(yi))
            forEachRow(rows, work: rows * used * width) { row in
                let input = xr.base + row * length
                let (outR, outI) = (yr.base + row * width, yi.base + row * width)
                for j in 0..<used {
                    let a = input[j]
                    let (c, s) = (mr.base + j * width, mi.base + j * width)
                    for k in 0..<width {
                        outR[k] += a * c[k]
                        outI[k] += a * s[k]
                    }
                }
            }
        }}}}}
        return out
    }

    /// Complex → real along the last axis: the real part of the complex product,
    /// y[k] = Σⱼ (Re M[j, k]·Re x[j] − Im M[j, k]·Im x[j]).
    static func lastAxisToReal(_ x: SplitComplex, rows: Int, length: Int, matrix m: DFTMatrix) -> [Double] {
        precondition(m.rows <= length && x.real.count == rows * length)
        let (used, width) = (m.rows, m.columns)
        var out = [Double](repeating: 0, count: rows * width)
        guard rows > 0, used > 0, width > 0 else { return out }
        x.real.withUnsafeBufferPointer { xr in x.imag.withUnsafeBufferPointer { xi in
        m.real.withUnsafeBufferPointer { mr in m.imag.withUnsafeBufferPointer { mi in
        out.withUnsafeMutableBufferPointer { y in
            let (xr, xi, mr, mi) = (SharedInput(xr), SharedInput(xi), SharedInput(mr), SharedInput(mi))
            let y = SharedOutput(y)
            forEachRow(rows, work: rows * used * width) { row in
                let (inR, inI) = (xr.base + row * length, xi.base + row * length)
                let output = y.base + row * width
                for j in 0..<used {
                    let (a, b) = (inR[j], inI[j])
                    let (c, s) = (mr.base + j * width, mi.base + j * width)
                    for k in 0..<width { output[k] += a * c[k] - b * s[k] }
                }
            }
        }}}}}
        return out
    }

    /// Complex → complex along the middle axis of (batches, length, inner):
    /// out[b, k, :] = Σⱼ M[j, k]·x[b, j, :] for j < `matrix.rows` ≤ `length`,
    /// giving (batches, matrix.columns, inner).
    static func middleAxis(_ x: SplitComplex, batches: Int, length: Int, inner: Int, matrix m: DFTMatrix) -> SplitComplex {
        precondition(m.rows <= length && x.real.count == batches * length * inner)
        let (used, height) = (m.rows, m.columns)
        var out = SplitComplex(count: batches * height * inner)
        guard batches > 0, used > 0, height > 0, inner > 0 else { return out }
        x.real.withUnsafeBufferPointer { xr in x.imag.withUnsafeBufferPointer { xi in
        m.real.withUnsafeBufferPointer { mr in m.imag.withUnsafeBufferPointer { mi in
        out.real.withUnsafeMutableBufferPointer { yr in out.imag.withUnsafeMutableBufferPointer { yi in
            let (xr, xi, mr, mi) = (SharedInput(xr), SharedInput(xi), SharedInput(mr), SharedInput(mi))
            let (yr, yi) = (SharedOutput(yr), SharedOutput(yi))
            forEachRow(batches * height, work: batches * height * used * inner) { outputRow in
                let (batch, k) = (outputRow / height, outputRow % height)
                let (outR, outI) = (yr.base + outputRow * inner, yi.base + outputRow * inner)
                for j in 0..<used {
                    let (c, s) = (mr.base[j * height + k], mi.base[j * height + k])
                    let source = (batch * length + j) * inner
                    let (inR, inI) = (xr.base + source, xi.base + source)
                    for t in 0..<inner {
                        outR[t] += c * inR[t] - s * inI[t]
                        outI[t] += s * inR[t] + c * inI[t]
                    }
                }
            }
        }}}}}}
        return out
    }
}
