/// The weight gradient of conv2d:
///
///     grad_weight[o][c][kh][kw] = Σ_n Σ_oh Σ_ow grad_output[n][o][oh][ow] · xpad[n][gC + c][oh·sh + kh·dh][ow·sw + kw·dw]
///
/// summed in exactly that order (`n`, then `oh`, then `ow`, ascending).
extension Conv2dKernels {
    static func weightGradient(outputGradient: [Double], input: [Double], _ g: Conv2dGeometry) -> [Double] {
        let groupOut = g.groupOutChannels, groupIn = g.groupInChannels
        var result = [Double](repeating: 0, count: g.outChannels * groupIn * g.kernelHeight * g.kernelWidth)
        if result.isEmpty || outputGradient.isEmpty { return result }
        let xPadded = padded(input, g)
        let blocks = (groupOut + lanes - 1) / lanes
        let outArea = g.outHeight * g.outWidth
        let planeSize = g.paddedHeight * g.paddedWidth
        let offsets = inputTapOffsets(g)
        let taps = offsets.count
        xPadded.withUnsafeBufferPointer { xBuffer in
            outputGradient.withUnsafeBufferPointer { gBuffer in
                result.withUnsafeMutableBufferPointer { resultBuffer in
                    let x = SharedInput(xBuffer)
                    let gradOut = SharedInput(gBuffer)
                    let gradWeight = SharedOutput(resultBuffer)
                    Parallel.forEach(g.groups * blocks) { task in
                        let group = task / blocks
                        let block = task % blocks
                        let firstOut = group * groupOut + block * lanes
                        let count = min(lanes, groupOut - block * lanes)
                        // This block's output gradient as [n][oh][ow][lane]; missing lanes are 0.
                        let interleaved = UnsafeMutablePointer<Double>.allocate(capacity: g.batch * outArea * lanes)
                        defer { interleaved.deallocate() }
                        for n in 0..<g.batch {
                            for j in 0..<lanes {
                                let destination = interleaved + n * outArea * lanes + j
                                guard j < count else {
                                    for i in 0..<outArea { destination[i * lanes] = 0 }
                                    continue
                                }
                                let source = gradOut.base + (n * g.outChannels + firstOut + j) * outArea
                                for i in 0..<outArea { destination[i * lanes] = source[i] }
                            }
                        }
                        let acc = UnsafeMutablePointer<Double>.allocate(capacity: 4 * lanes)
                        defer { acc.deallocate() }
                        // Runs `body(source row, gradient row)` over every (n, oh) in order.
                        func forEachRow(_ body: (UnsafePointer<Double>, UnsafePointer<Double>) -> Void) {
                            for n in 0..<g.batch {
                                let plane = x.base + (n * g.inChannels + group * groupIn) * planeSize
                                for oh in 0..<g.outHeight {
                                    body(plane + oh * g.strideHeight * g.paddedWidth, interleaved + (n * outArea + oh * g.outWidth) * lanes)
                                }
                            }
                        }
                        func store(tap: Int, sums: UnsafePointer<Double>) {
                            for j in 0..<count { gradWeight.base[(firstOut + j) * taps + tap] = sums[j] }
                        }
                        var t = 0
                        while t + 4 <= taps {
                            acc.initialize(repeating: 0, count: 4 * lanes)
                            let four = (offsets[t], offsets[t + 1], offsets[t + 2], offsets[t + 3])
                            forEachRow { source, gradient in
                                Conv2dTiles.correlate4x4(source, offsets: four, step: g.strideWidth, gradient: gradient,
                                                         count: g.outWidth, acc: acc)
                            }
                            for k in 0..<4 { store(tap: t + k, sums: acc + k * lanes) }
                            t += 4
                        }
                        while t < taps {
                            acc.initialize(repeating: 0, count: lanes)
                            let offset = offsets[t]
                            forEachRow { source, gradient in
                                Conv2dTiles.correlate1x4(source, offset: offset, step: g.strideWidth, gradient: gradient,
                                                         count: g.outWidth, acc: acc)
                            }
                            store(tap: t, sums: acc)
                            t += 1
                        }
                    }
                }
            }
        }
        return result
    }
}
