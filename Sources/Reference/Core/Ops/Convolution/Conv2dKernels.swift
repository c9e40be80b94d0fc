/// The loops behind `conv2d` and its VJP, written for speed in plain Swift.
///
/// All kernels read a zero-padded copy of their source (the input, or for
/// the input gradient the output gradient), so that every tap of every window
/// is in range and no inner loop carries a bounds branch. The innermost work
/// is done by the register tiles of `Conv2dTiles`: 4 channels × 4 positions
/// (or 4 taps) of sums kept in registers over a flattened tap list.
///
/// Work is split with `Parallel.forEach` into blocks of 4 channels: output
/// channels per batch item (forward), input channels per batch item (input
/// gradient), output channels (weight gradient).
///
/// Determinism: each call of a `Parallel.forEach` body owns a disjoint set of
/// output elements and adds its terms in a fixed order, so results are
/// bitwise identical for any number of threads. The summation orders are:
/// - forward: `Σ_c Σ_kh Σ_kw` (ascending), then `+ bias`;
/// - input gradient: `Σ_o Σ_kh Σ_kw` (ascending);
/// - weight gradient and bias gradient: `Σ_n Σ_oh Σ_ow` (ascending).
enum Conv2dKernels {
    /// Channels handled together by one tile (the tiles are written for 4).
    static let lanes = 4

    /// The input with `padding` zeros on each side of both spatial axes,
    /// shape `(N, C, H + 2ph, W + 2pw)`; the input itself when there is no padding.
    static func padded(_ input: [Double], _ g: Conv2dGeometry) -> [Double] {
        if g.paddingHeight == 0 && g.paddingWidth == 0 { return input }
        let (h, w, hp, wp) = (g.height, g.width, g.paddedHeight, g.paddedWidth)
        var result = [Double](repeating: 0, count: g.batch * g.inChannels * hp * wp)
        result.withUnsafeMutableBufferPointer { out in
            input.withUnsafeBufferPointer { source in
                for plane in 0..<(g.batch * g.inChannels) {
                    for row in 0..<h {
                        let from = (plane * h + row) * w
                        let to = (plane * hp + row + g.paddingHeight) * wp + g.paddingWidth
                        for column in 0..<w { out[to + column] = source[from + column] }
                    }
                }
            }
        }
        return result
    }

    /// Copies `count` (≤ 4) lanes of a weight block into `[tap][lane]` order,
    /// zero-filling missing lanes: `packed[4t + j] = weight(j, t)`.
    static func pack(taps: Int, count: Int, into packed: UnsafeMutablePointer<Double>, _ weight: (_ lane: Int, _ tap: Int) -> Double) {
        for t in 0..<taps {
            for j in 0..<lanes { packed[t * lanes + j] = j < count ? weight(j, t) : 0 }
        }
    }

    /// For each tap `(c, kh, kw)` (in that order), how far the element it
    /// reads lies from a window's corner, counted from the group's first
    /// plane of the padded input.
    static func inputTapOffsets(_ g: Conv2dGeometry) -> [Int] {
        let planeSize = g.paddedHeight * g.paddedWidth
        var offsets = [Int]()
        offsets.reserveCapacity(g.groupInChannels * g.kernelHeight * g.kernelWidth)
        for c in 0..<g.groupInChannels {
            for kh in 0..<g.kernelHeight {
                for kw in 0..<g.kernelWidth {
                    offsets.append(c * planeSize + kh * g.dilationHeight * g.paddedWidth + kw * g.dilationWidth)
                }
            }
        }
        return offsets
    }

    /// Runs the gather tiles over one row of `count` positions whose first
    /// element is `base` and whose positions are `step` apart, writing
    /// `row[j·count + i]` for lane `j` and position `i`.
    @inline(__always)
    static func gatherRow(_ source: UnsafePointer<Double>, base: Int, step: Int, count: Int,
                          offsets: UnsafePointer<Int>, weights: UnsafePointer<Double>, taps: Int,
                          into row: UnsafeMutablePointer<Double>) {
        var i = 0
        if step == 1 {
            // A literal step lets the compiler load neighbouring positions as one vector.
            while i + 4 <= count {
                Conv2dTiles.gather4x4(source, base: base + i, step: 1, offsets: offsets, weights: weights,
                                      taps: taps, into: row + i, outStride: count)
                i += 4
            }
        }
        while i + 4 <= count {
            Conv2dTiles.gather4x4(source, base: base + i * step, step: step, offsets: offsets, weights: weights,
                                  taps: taps, into: row + i, outStride: count)
            i += 4
        }
        while i < count {
            Conv2dTiles.gather1x4(source, base: base + i * step, offsets: offsets, weights: weights,
                                  taps: taps, into: row + i, outStride: count)
            i += 1
        }
    }

    // MARK: - Forward

    /// `output[n][o][oh][ow] = Σ_c Σ_kh Σ_kw weight[o][c][kh][kw] · xpad[n][gC + c][oh·sh + kh·dh][ow·sw + kw·dw] (+ bias[o])`.
    static func forward(input: [Double], weight: [Double], bias: [Double]?, _ g: Conv2dGeometry) -> [Double] {
        var output = [Double](repeating: 0, count: g.batch * g.outChannels * g.outHeight * g.outWidth)
        if output.isEmpty { return output }
        let xPadded = padded(input, g)
        let groupOut = g.groupOutChannels, groupIn = g.groupInChannels
        let blocks = (groupOut + lanes - 1) / lanes
        let planeSize = g.paddedHeight * g.paddedWidth
        let offsets = inputTapOffsets(g)
        let taps = offsets.count
        xPadded.withUnsafeBufferPointer { xBuffer in
            weight.withUnsafeBufferPointer { wBuffer in
                offsets.withUnsafeBufferPointer { offsetBuffer in
                    output.withUnsafeMutableBufferPointer { outBuffer in
                        let x = SharedInput(xBuffer)
                        let w = SharedInput(wBuffer)
                        let tapOffsets = SharedInput(offsetBuffer)
                        let out = SharedOutput(outBuffer)
                        Parallel.forEach(g.batch * g.groups * blocks) { task in
                            let n = task / (g.groups * blocks)
                            let group = (task / blocks) % g.groups
                            let block = task % blocks
                            let firstOut = group * groupOut + block * lanes
                            let count = min(lanes, groupOut - block * lanes)
                            let packed = UnsafeMutablePointer<Double>.allocate(capacity: taps * lanes)
                            defer { packed.deallocate() }
                            pack(taps: taps, count: count, into: packed) { j, t in w.base[(firstOut + j) * taps + t] }
                            let row = UnsafeMutablePointer<Double>.allocate(capacity: lanes * g.outWidth)
                            defer { row.deallocate() }
                            let source = x.base + (n * g.inChannels + group * groupIn) * planeSize
                            for oh in 0..<g.outHeight {
                                gatherRow(source, base: oh * g.strideHeight * g.paddedWidth, step: g.strideWidth, count: g.outWidth,
                                          offsets: tapOffsets.base, weights: packed, taps: taps, into: row)
                                for j in 0..<count {
                                    let destination = out.base + ((n * g.outChannels + firstOut + j) * g.outHeight + oh) * g.outWidth
                                    let sums = row + j * g.outWidth
                                    if let bias {
                                        let b = bias[firstOut + j]
                                        for ow in 0..<g.outWidth { destination[ow] = sums[ow] + b }
                                    } else {
                                        for ow in 0..<g.outWidth { destination[ow] = sums[ow] }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return output
    }

    // MARK: - Bias gradient

    /// `grad_bias[o] = Σ_n Σ_oh Σ_ow grad_output[n][o][oh][ow]`.
    static func biasGradient(outputGradient: [Double], _ g: Conv2dGeometry) -> [Double] {
        var result = [Double](repeating: 0, count: g.outChannels)
        let area = g.outHeight * g.outWidth
        outputGradient.withUnsafeBufferPointer { gradient in
            for o in 0..<g.outChannels {
                var total = 0.0
                for n in 0..<g.batch {
                    let start = (n * g.outChannels + o) * area
                    for i in 0..<area { total += gradient[start + i] }
                }
                result[o] = total
            }
        }
        return result
    }
}
