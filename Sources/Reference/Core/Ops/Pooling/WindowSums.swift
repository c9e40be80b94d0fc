/// The two loops shared by `avg_pool2d` and `adaptive_avg_pool2d`, whose
/// windows are separable: output (oh, ow) covers the input rows `rows[oh]`
/// and columns `columns[ow]` of each (H, W) plane. Only how a window's sum
/// becomes an output, and an output's gradient a share, differ between them.

/// out[plane][oh][ow] = finish(Σ_{ih ∈ rows[oh], iw ∈ columns[ow]} x[plane][ih][iw], oh, ow),
/// each sum taken row by row, left to right (PyTorch's CPU order); planes in parallel.
func windowSums(_ input: [Double], planes: Int, inputWidth: Int, inputArea: Int,
                rows: [Range<Int>], columns: [Range<Int>],
                finish: @Sendable (_ sum: Double, _ oh: Int, _ ow: Int) -> Double) -> [Double] {
    let outWidth = columns.count, outArea = rows.count * columns.count
    var result = [Double](repeating: 0, count: planes * outArea)
    if result.isEmpty { return result }
    input.withUnsafeBufferPointer { inBuffer in
        result.withUnsafeMutableBufferPointer { outBuffer in
            let source = SharedInput(inBuffer)
            let out = SharedOutput(outBuffer)
            Parallel.forEach(planes) { plane in
                let x = source.base + plane * inputArea
                for (oh, r) in rows.enumerated() {
                    for (ow, c) in columns.enumerated() {
                        var sum = 0.0
                        for ih in r {
                            for iw in c { sum += x[ih * inputWidth + iw] }
                        }
                        out.base[plane * outArea + oh * outWidth + ow] = finish(sum, oh, ow)
                    }
                }
            }
        }
    }
    return result
}

/// The adjoint of `windowSums`: grad_input[plane][ih][iw] = Σ share(g[plane][oh][ow], oh, ow)
/// over the windows containing (ih, iw), windows taken in output order
/// (PyTorch's); a nil share skips the window. Planes in parallel.
func spreadOverWindows(_ outputGradient: [Double], planes: Int, inputWidth: Int, inputArea: Int,
                       rows: [Range<Int>], columns: [Range<Int>],
                       share: @Sendable (_ gradient: Double, _ oh: Int, _ ow: Int) -> Double?) -> [Double] {
    let outWidth = columns.count, outArea = rows.count * columns.count
    var result = [Double](repeating: 0, count: planes * inputArea)
    if result.isEmpty || outArea == 0 { return result }
    outputGradient.withUnsafeBufferPointer { gBuffer in
        result.withUnsafeMutableBufferPointer { resultBuffer in
            let gradient = SharedInput(gBuffer)
            let out = SharedOutput(resultBuffer)
            Parallel.forEach(planes) { plane in
                let destination = out.base + plane * inputArea
                for (oh, r) in rows.enumerated() {
                    for (ow, c) in columns.enumerated() {
                        guard let part = share(gradient.base[plane * outArea + oh * outWidth + ow], oh, ow) else { continue }
                        for ih in r {
                            for iw in c { destination[ih * inputWidth + iw] += part }
                        }
                    }
                }
            }
        }
    }
    return result
}
