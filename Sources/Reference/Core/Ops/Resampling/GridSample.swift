// grid_sample and its VJP, with the semantics of
// torch.nn.functional.grid_sample for 4-D input (ATen's CPU grid sampler).

/// The shapes of one grid_sample call, validated.
struct GridSampleGeometry {
    let batch: Int, channels: Int
    let inputHeight: Int, inputWidth: Int
    let outputHeight: Int, outputWidth: Int

    init(inputShape: [Int], gridShape: [Int]) throws {
        guard inputShape.count == 4 else {
            throw RefvisError("grid_sample: input must be 4-D (N, C, H, W), got shape \(formatShape(inputShape))")
        }
        guard gridShape.count == 4, gridShape[3] == 2 else {
            throw RefvisError("grid_sample: grid must have shape (N, H_out, W_out, 2), got \(formatShape(gridShape))")
        }
        guard gridShape[0] == inputShape[0] else {
            throw RefvisError("grid_sample: grid and input must have the same batch size, got input \(formatShape(inputShape)) and grid \(formatShape(gridShape))")
        }
        guard inputShape[2] >= 1, inputShape[3] >= 1 else {
            throw RefvisError("grid_sample: input must have non-empty spatial dimensions, got shape \(formatShape(inputShape))")
        }
        (batch, channels, inputHeight, inputWidth) = (inputShape[0], inputShape[1], inputShape[2], inputShape[3])
        (outputHeight, outputWidth) = (gridShape[1], gridShape[2])
        _ = try Tensor.checkedElementCount(outputShape, context: "grid_sample output")
    }

    var outputShape: [Int] { [batch, channels, outputHeight, outputWidth] }
    var inputPlane: Int { inputHeight * inputWidth }
    var outputPlane: Int { outputHeight * outputWidth }
}

/// The four bilinear taps around one sample point: the north-west pixel
/// (`column`, `row`) and the weights of nw, ne, sw, se, computed as PyTorch's
/// CPU kernel does from the distances to the four sides.
struct BilinearTaps {
    /// The north-west pixel; −2 when the point is far outside (or not finite).
    let column: Int, row: Int
    /// Distances to the west, east, north and south sides.
    let west: Double, east: Double, north: Double, south: Double
    let nw: Double, ne: Double, sw: Double, se: Double

    @inline(__always)
    init(x: Double, y: Double, _ axisX: GridSampleAxis, _ axisY: GridSampleAxis) {
        let xWest = x.rounded(.down), yNorth = y.rounded(.down)
        west = x - xWest
        east = 1 - west
        north = y - yNorth
        south = 1 - north
        nw = south * east
        ne = south * west
        sw = north * east
        se = north * west
        column = axisX.index(xWest)
        row = axisY.index(yNorth)
    }

    /// Whether all four taps lie inside a height × width image.
    @inline(__always)
    func allInside(height: Int, width: Int) -> Bool {
        column >= 0 && column + 1 < width && row >= 0 && row + 1 < height
    }
}

/// Samples `input` at the points of `grid`, `torch.nn.functional.grid_sample`
/// for 4-D input:
///
///     output[n, c, h, w] = sample(input[n, c], x = grid[n, h, w, 0], y = grid[n, h, w, 1])
///
/// x runs along the width and y along the height, both normalized so that
/// −1 and +1 are the image's extreme pixel centres (`align_corners`) or its
/// extreme edges (otherwise); see `GridSampleAxis` for the unnormalization and
/// the padding modes. `bilinear` blends the four surrounding pixels,
/// `nw·(1−a)(1−b) + ne·a(1−b) + sw·(1−a)b + se·ab` with a, b the fractional
/// parts, reading 0 for taps outside the image; `nearest` reads the pixel at
/// the coordinates rounded half to even (0 outside the image).
///
/// Shapes: input (N, C, H, W) with H, W ≥ 1, grid (N, H_out, W_out, 2) →
/// output (N, C, H_out, W_out). `bicubic` is not offered.
///
/// Non-finite grid values never trap. As in PyTorch's CPU kernel: with zeros
/// padding, bilinear gives nan (0-valued taps times nan weights) and nearest
/// gives 0; border clips ±inf to the edges and nan to pixel 0; reflection
/// sends both to pixel 0. (refvis also gives such points a zero grid
/// gradient under border and reflection, where PyTorch's backward may propagate nan.)
public func gridSample(_ input: Tensor, _ grid: Tensor, mode: GridSampleMode = .bilinear,
                       paddingMode: GridSamplePadding = .zeros, alignCorners: Bool = false) throws -> Tensor {
    let g = try GridSampleGeometry(inputShape: input.shape, gridShape: grid.shape)
    let count = g.batch * g.channels * g.outputPlane
    if count == 0 { return Tensor(shape: g.outputShape, scalars: []) }
    let axisX = GridSampleAxis(size: g.inputWidth, padding: paddingMode, alignCorners: alignCorners)
    let axisY = GridSampleAxis(size: g.inputHeight, padding: paddingMode, alignCorners: alignCorners)
    // Every element is written by exactly one task below, so the output is not zero-filled first
    // (a serial 4.8 MB memset for a 4×3×224×224 batch).
    let output = [Double](unsafeUninitializedCapacity: count) { outputBuffer, initialized in
        input.scalars.withUnsafeBufferPointer { inputBuffer in
            grid.scalars.withUnsafeBufferPointer { gridBuffer in
                // Each task writes one output row of every channel of one image.
                let source = SharedInput(inputBuffer)
                let points = SharedInput(gridBuffer)
                let destination = SharedOutput(outputBuffer)
                Parallel.forEach(g.batch * g.outputHeight) { task in
                    let n = task / g.outputHeight, oh = task % g.outputHeight
                    let image = source.base + n * g.channels * g.inputPlane
                    let rowPoints = points.base + (n * g.outputPlane + oh * g.outputWidth) * 2
                    let rowOutput = destination.base + n * g.channels * g.outputPlane + oh * g.outputWidth
                    switch mode {
                    case .bilinear:
                        GridSampleKernels.bilinearRow(image, rowPoints, rowOutput, g, axisX, axisY)
                    case .nearest:
                        GridSampleKernels.nearestRow(image, rowPoints, rowOutput, g, axisX, axisY)
                    }
                }
            }
        }
        initialized = count
    }
    return Tensor(shape: g.outputShape, scalars: output)
}

/// The VJP of `gridSample` for both inputs.
///
/// - Input: each output gradient is scattered back to the pixels it was read
///   from with the same weights (bilinear) or to the one pixel (nearest); taps
///   outside the image receive nothing. grid_sample is linear in `input`.
/// - Grid (bilinear): for the point (x, y) with fractional parts a, b,
///   ∂out/∂x = (ne − nw)(1 − b) + (se − sw)·b and ∂out/∂y = (sw − nw)(1 − a) + (se − ne)·a
///   (taps outside read 0), summed over channels with the output gradients and
///   multiplied by the derivative of the coordinate chain: the unnormalize
///   scale, 0 where clipping holds the coordinate at or beyond an edge, −1 for
///   an odd number of reflections (PyTorch's conventions at the kinks).
/// - Grid (nearest): zero, as in PyTorch (the output is piecewise constant).
///
/// The input gradient is accumulated image by image (the batch items run in
/// parallel, each owning its slice), pixels in row-major order and channels
/// in order within a pixel, so the result does not depend on the thread count.
public func gridSampleBackward(_ gradOutput: Tensor, input: Tensor, grid: Tensor, mode: GridSampleMode = .bilinear,
                               paddingMode: GridSamplePadding = .zeros,
                               alignCorners: Bool = false) throws -> (input: Tensor, grid: Tensor) {
    let g = try GridSampleGeometry(inputShape: input.shape, gridShape: grid.shape)
    try gradOutput.requireShape(g.outputShape, "grid_sample backward: output gradient")
    var gradInput = [Double](repeating: 0, count: input.count)
    var gradGrid = [Double](repeating: 0, count: grid.count)
    if gradOutput.count == 0 {
        return (Tensor(shape: input.shape, scalars: gradInput), Tensor(shape: grid.shape, scalars: gradGrid))
    }
    let axisX = GridSampleAxis(size: g.inputWidth, padding: paddingMode, alignCorners: alignCorners)
    let axisY = GridSampleAxis(size: g.inputHeight, padding: paddingMode, alignCorners: alignCorners)
    input.scalars.withUnsafeBufferPointer { inputBuffer in
        grid.scalars.withUnsafeBufferPointer { gridBuffer in
            gradOutput.scalars.withUnsafeBufferPointer { gradOutputBuffer in
                gradInput.withUnsafeMutableBufferPointer { gradInputBuffer in
                    gradGrid.withUnsafeMutableBufferPointer { gradGridBuffer in
                        // Batch item n writes only its own slices of both gradients.
                        let source = SharedInput(inputBuffer)
                        let points = SharedInput(gridBuffer)
                        let upstream = SharedInput(gradOutputBuffer)
                        let inputGradient = SharedOutput(gradInputBuffer)
                        let gridGradient = SharedOutput(gradGridBuffer)
                        Parallel.forEach(g.batch) { n in
                            let imageOffset = n * g.channels * g.inputPlane
                            let pointOffset = n * g.outputPlane * 2
                            let upstreamImage = upstream.base + n * g.channels * g.outputPlane
                            switch mode {
                            case .bilinear:
                                GridSampleKernels.bilinearBackward(
                                    source.base + imageOffset, points.base + pointOffset, upstreamImage,
                                    inputGradient.base + imageOffset, gridGradient.base + pointOffset, g, axisX, axisY)
                            case .nearest:
                                // The grid gradient stays zero.
                                GridSampleKernels.nearestBackward(points.base + pointOffset, upstreamImage,
                                                                  inputGradient.base + imageOffset, g, axisX, axisY)
                            }
                        }
                    }
                }
            }
        }
    }
    return (Tensor(shape: input.shape, scalars: gradInput), Tensor(shape: grid.shape, scalars: gradGrid))
}

/// The inner loops of grid_sample over raw pointers. `image` points at
/// channel 0 of one (C, H, W) input, `points` at the (x, y) pairs of the
/// output pixels concerned, and output/gradient pointers at channel 0 of the
/// matching (C, H_out, W_out) slice.
///
/// The bilinear backward works one output row at a time: the taps of the
/// whole row first, then one channel after another over the row. Sweeping a
/// channel along a row touches few memory streams at once (input, its
/// gradient and the output gradient), which keeps the hardware prefetchers
/// ahead; a pixel-major loop over all channels took ~20% more CPU time, waiting
/// on cache misses. The sums run in the same order either way: over channels
/// in order for the grid gradient, over output pixels in row-major order for
/// each input-gradient element.
enum GridSampleKernels {
    /// One output row, bilinear: the taps and weights once per pixel, then every
    /// channel (here, unlike the backward, the pixel-major loop measured faster
    /// than sweeping channel by channel).
    static func bilinearRow(_ image: UnsafePointer<Double>, _ points: UnsafePointer<Double>,
                            _ output: UnsafeMutablePointer<Double>, _ g: GridSampleGeometry,
                            _ axisX: GridSampleAxis, _ axisY: GridSampleAxis) {
        let (height, width) = (g.inputHeight, g.inputWidth)
        for ow in 0..<g.outputWidth {
            let x = axisX.source(points[2 * ow]), y = axisY.source(points[2 * ow + 1])
            let t = BilinearTaps(x: x, y: y, axisX, axisY)
            if t.allInside(height: height, width: width) {
                var nw = image + t.row * width + t.column
                var out = output + ow
                for _ in 0..<g.channels {
                    out.pointee = nw[0] * t.nw + nw[1] * t.ne + nw[width] * t.sw + nw[width + 1] * t.se
                    nw += g.inputPlane
                    out += g.outputPlane
                }
            } else {
                let taps = ClippedTaps(t, height: height, width: width)
                for c in 0..<g.channels {
                    let v = taps.values(image + c * g.inputPlane)
                    output[c * g.outputPlane + ow] = v.nw * t.nw + v.ne * t.ne + v.sw * t.sw + v.se * t.se
                }
            }
        }
    }

    /// One output row, nearest: the pixel at the rounded coordinates, or 0 outside.
    static func nearestRow(_ image: UnsafePointer<Double>, _ points: UnsafePointer<Double>,
                           _ output: UnsafeMutablePointer<Double>, _ g: GridSampleGeometry,
                           _ axisX: GridSampleAxis, _ axisY: GridSampleAxis) {
        for ow in 0..<g.outputWidth {
            let offset = nearestOffset(points[2 * ow], points[2 * ow + 1], g, axisX, axisY)
            for c in 0..<g.channels {
                output[c * g.outputPlane + ow] = offset.map { image[c * g.inputPlane + $0] } ?? 0
            }
        }
    }

    /// The offset within a plane of the pixel nearest to grid point (gx, gy), or nil outside.
    @inline(__always)
    static func nearestOffset(_ gx: Double, _ gy: Double, _ g: GridSampleGeometry,
                              _ axisX: GridSampleAxis, _ axisY: GridSampleAxis) -> Int? {
        let column = axisX.index(axisX.source(gx).rounded(.toNearestOrEven))
        let row = axisY.index(axisY.source(gy).rounded(.toNearestOrEven))
        guard column >= 0, column < g.inputWidth, row >= 0, row < g.inputHeight else { return nil }
        return row * g.inputWidth + column
    }

    /// Both gradients for one batch item, bilinear, row by row.
    static func bilinearBackward(_ image: UnsafePointer<Double>, _ points: UnsafePointer<Double>,
                                 _ upstream: UnsafePointer<Double>, _ inputGradient: UnsafeMutablePointer<Double>,
                                 _ gridGradient: UnsafeMutablePointer<Double>, _ g: GridSampleGeometry,
                                 _ axisX: GridSampleAxis, _ axisY: GridSampleAxis) {
        let (height, width, rowLength) = (g.inputHeight, g.inputWidth, g.outputWidth)
        withUnsafeTemporaryAllocation(of: BilinearTaps.self, capacity: rowLength) { taps in
            // Per pixel of the row: the chain derivatives, then the accumulated ∂out/∂x and ∂out/∂y.
            withUnsafeTemporaryAllocation(of: Double.self, capacity: 4 * rowLength) { scratch in
                let xScale = scratch.baseAddress!, yScale = xScale + rowLength
                let gradX = yScale + rowLength, gradY = gradX + rowLength
                for oh in 0..<g.outputHeight {
                    let rowStart = oh * rowLength
                    for ow in 0..<rowLength {
                        let p = rowStart + ow
                        let (x, dx) = axisX.sourceWithDerivative(points[2 * p])
                        let (y, dy) = axisY.sourceWithDerivative(points[2 * p + 1])
                        taps.initializeElement(at: ow, to: BilinearTaps(x: x, y: y, axisX, axisY))
                        (xScale[ow], yScale[ow], gradX[ow], gradY[ow]) = (dx, dy, 0, 0)
                    }
                    for c in 0..<g.channels {
                        let plane = image + c * g.inputPlane
                        let gradientPlane = inputGradient + c * g.inputPlane
                        let upstreamRow = upstream + c * g.outputPlane + rowStart
                        for ow in 0..<rowLength {
                            let t = taps[ow]
                            let go = upstreamRow[ow]
                            let v: (nw: Double, ne: Double, sw: Double, se: Double)
                            if t.allInside(height: height, width: width) {
                                let offset = t.row * width + t.column
                                let gi = gradientPlane + offset
                                gi[0] += t.nw * go
                                gi[1] += t.ne * go
                                gi[width] += t.sw * go
                                gi[width + 1] += t.se * go
                                let nw = plane + offset
                                v = (nw[0], nw[1], nw[width], nw[width + 1])
                            } else {
                                let clipped = ClippedTaps(t, height: height, width: width)
                                clipped.scatter(gradientPlane, t, go)
                                v = clipped.values(plane)
                            }
                            gradX[ow] += ((v.ne - v.nw) * t.south + (v.se - v.sw) * t.north) * go
                            gradY[ow] += ((v.sw - v.nw) * t.east + (v.se - v.ne) * t.west) * go
                        }
                    }
                    for ow in 0..<rowLength {
                        gridGradient[2 * (rowStart + ow)] = gradX[ow] * xScale[ow]
                        gridGradient[2 * (rowStart + ow) + 1] = gradY[ow] * yScale[ow]
                    }
                }
            }
        }
    }

    /// The input gradient for one batch item, nearest.
    static func nearestBackward(_ points: UnsafePointer<Double>, _ upstream: UnsafePointer<Double>,
                                _ inputGradient: UnsafeMutablePointer<Double>, _ g: GridSampleGeometry,
                                _ axisX: GridSampleAxis, _ axisY: GridSampleAxis) {
        for p in 0..<g.outputPlane {
            guard let offset = nearestOffset(points[2 * p], points[2 * p + 1], g, axisX, axisY) else { continue }
            for c in 0..<g.channels {
                inputGradient[c * g.inputPlane + offset] += upstream[c * g.outputPlane + p]
            }
        }
    }
}

/// Bilinear taps near an edge: which of the four lie inside the image.
struct ClippedTaps {
    let nwOffset: Int?, neOffset: Int?, swOffset: Int?, seOffset: Int?

    @inline(__always)
    init(_ t: BilinearTaps, height: Int, width: Int) {
        let westInside = t.column >= 0 && t.column < width
        let eastInside = t.column + 1 >= 0 && t.column + 1 < width
        let northInside = t.row >= 0 && t.row < height
        let southInside = t.row + 1 >= 0 && t.row + 1 < height
        let nw = t.row * width + t.column
        nwOffset = northInside && westInside ? nw : nil
        neOffset = northInside && eastInside ? nw + 1 : nil
        swOffset = southInside && westInside ? nw + width : nil
        seOffset = southInside && eastInside ? nw + width + 1 : nil
    }

    /// The four tap values of one plane, 0 for taps outside.
    @inline(__always)
    func values(_ plane: UnsafePointer<Double>) -> (nw: Double, ne: Double, sw: Double, se: Double) {
        (nwOffset.map { plane[$0] } ?? 0, neOffset.map { plane[$0] } ?? 0,
         swOffset.map { plane[$0] } ?? 0, seOffset.map { plane[$0] } ?? 0)
    }

    /// Adds `gradient`·weight to each tap inside, in the order nw, ne, sw, se.
    @inline(__always)
    func scatter(_ plane: UnsafeMutablePointer<Double>, _ t: BilinearTaps, _ gradient: Double) {
        if let o = nwOffset { plane[o] += t.nw * gradient }
        if let o = neOffset { plane[o] += t.ne * gradient }
        if let o = swOffset { plane[o] += t.sw * gradient }
        if let o = seOffset { plane[o] += t.se * gradient }
    }
}
