/// The input gradient of conv2d (a transposed convolution):
///
///     grad_input[n][gC + c][ih][iw] = Σ_o Σ_kh Σ_kw weight[gO + o][c][kh][kw] · grad_output[n][gO + o][oh][ow]
///
/// over the `(oh, ow)` with `oh·sh + kh·dh = ih + ph` and `ow·sw + kw·dw = iw + pw`
/// (`o` ascending, then `kh`, then `kw`).
///
/// Computed as a gather, so that each input element is one register sum:
/// input element `(ihp, iwp) = (ih + ph, iw + pw)` receives tap `(kh, kw)` only
/// when `kh·dh ≡ ihp (mod sh)` and `kw·dw ≡ iwp (mod sw)`. Elements are
/// therefore grouped by their phase `(ihp mod sh, iwp mod sw)`; within a
/// phase the taps are fixed, and consecutive elements of one row
/// (`iwp = φ + sw·m`, m = 0, 1, …) read consecutive output-gradient columns
/// `ow = m + (φ − kw·dw)/sw`. A zero-padded copy of the output gradient keeps
/// every read in range. With stride 1 there is a single phase.
extension Conv2dKernels {
    /// The zero-padded output gradient the input gradient reads:
    /// `gpad[r][q] = grad_output[r − top][q − left]`, `height × width` per plane.
    struct GradientWorkspace {
        let top: Int
        let left: Int
        let height: Int
        let width: Int

        init(_ g: Conv2dGeometry) {
            // Taps reach back at most (k − 1)·d / s output rows (columns) from an element's own.
            top = ((g.kernelHeight - 1) * g.dilationHeight + g.strideHeight - 1) / g.strideHeight
            left = ((g.kernelWidth - 1) * g.dilationWidth + g.strideWidth - 1) / g.strideWidth
            // The last input row is ihp = H + ph − 1, whose own row is (H + ph − 1) / sh.
            height = max(g.outHeight, (g.height + g.paddingHeight - 1) / g.strideHeight + 1) + top
            width = max(g.outWidth, (g.width + g.paddingWidth - 1) / g.strideWidth + 1) + left
        }
    }

    /// Throws when the padded output gradient would exceed refvis's tensor size limit.
    static func checkInputGradientWorkspace(_ g: Conv2dGeometry) throws {
        let w = GradientWorkspace(g)
        _ = try Tensor.checkedElementCount([g.batch, g.outChannels, w.height, w.width], context: "conv2d input-gradient workspace")
    }

    static func inputGradient(outputGradient: [Double], weight: [Double], _ g: Conv2dGeometry) -> [Double] {
        var result = [Double](repeating: 0, count: g.batch * g.inChannels * g.height * g.width)
        if result.isEmpty || outputGradient.isEmpty { return result }
        let (sh, sw) = (g.strideHeight, g.strideWidth)
        let workspace = GradientWorkspace(g)
        let planeSize = workspace.height * workspace.width
        var gradientPadded = [Double](repeating: 0, count: g.batch * g.outChannels * planeSize)
        gradientPadded.withUnsafeMutableBufferPointer { destination in
            outputGradient.withUnsafeBufferPointer { source in
                for plane in 0..<(g.batch * g.outChannels) {
                    for oh in 0..<g.outHeight {
                        let from = (plane * g.outHeight + oh) * g.outWidth
                        let to = plane * planeSize + (oh + workspace.top) * workspace.width + workspace.left
                        for ow in 0..<g.outWidth { destination[to + ow] = source[from + ow] }
                    }
                }
            }
        }

        let groupOut = g.groupOutChannels, groupIn = g.groupInChannels
        let kernelArea = g.kernelHeight * g.kernelWidth
        // The residues kh·dh mod sh (and kw·dw mod sw) that some tap has, numbered
        // in order of appearance; elements with any other phase get no taps.
        // (Strides can be huge, so phases are not indexed by residue directly.)
        var rowPhases = [Int: Int](), columnPhases = [Int: Int]()
        for kh in 0..<g.kernelHeight where rowPhases[kh * g.dilationHeight % sh] == nil {
            rowPhases[kh * g.dilationHeight % sh] = rowPhases.count
        }
        for kw in 0..<g.kernelWidth where columnPhases[kw * g.dilationWidth % sw] == nil {
            columnPhases[kw * g.dilationWidth % sw] = columnPhases.count
        }
        // The taps of each phase, entry rowPhase·columnPhases.count + columnPhase, in
        // (o, kh, kw) order: where each reads in the group's padded output gradient
        // relative to the element's own (row, column), and which weight it uses.
        // Phase p owns entries phaseStart[p]..<phaseStart[p + 1] of the flat lists.
        var tapsByPhase = Array(repeating: [(offset: Int, weight: Int)](), count: rowPhases.count * columnPhases.count)
        for o in 0..<groupOut {
            for kh in 0..<g.kernelHeight {
                let rowPhase = rowPhases[kh * g.dilationHeight % sh]!, rowShift = kh * g.dilationHeight / sh
                for kw in 0..<g.kernelWidth {
                    let columnPhase = columnPhases[kw * g.dilationWidth % sw]!, columnShift = kw * g.dilationWidth / sw
                    tapsByPhase[rowPhase * columnPhases.count + columnPhase].append(
                        (offset: o * planeSize + (workspace.top - rowShift) * workspace.width + workspace.left - columnShift,
                         weight: (o * g.kernelHeight + kh) * g.kernelWidth + kw))
                }
            }
        }
        let (rowPhaseIDs, columnPhaseIDs) = (rowPhases, columnPhases)
        let phaseStart = tapsByPhase.reduce(into: [0]) { starts, taps in starts.append(starts.last! + taps.count) }
        let offsets = tapsByPhase.flatMap { $0.map(\.offset) }
        let tapWeights = tapsByPhase.flatMap { $0.map(\.weight) }
        let taps = offsets.count
        let blocks = (groupIn + lanes - 1) / lanes
        // Elements per row and column phase: at most ceil(W / sw).
        let rowCapacity = (g.width + sw - 1) / sw
        gradientPadded.withUnsafeBufferPointer { gBuffer in
            weight.withUnsafeBufferPointer { wBuffer in
                offsets.withUnsafeBufferPointer { offsetBuffer in
                    result.withUnsafeMutableBufferPointer { resultBuffer in
                        let gradOut = SharedInput(gBuffer)
                        let w = SharedInput(wBuffer)
                        let offsetTable = SharedInput(offsetBuffer)
                        let gradIn = SharedOutput(resultBuffer)
                        Parallel.forEach(g.batch * g.groups * blocks) { task in
                            let n = task / (g.groups * blocks)
                            let group = (task / blocks) % g.groups
                            let block = task % blocks
                            let firstIn = block * lanes
                            let count = min(lanes, groupIn - firstIn)
                            // The weights of every tap for this block's input channels, in phase order.
                            let packed = UnsafeMutablePointer<Double>.allocate(capacity: taps * lanes)
                            defer { packed.deallocate() }
                            pack(taps: taps, count: count, into: packed) { j, t in
                                let o = tapWeights[t] / kernelArea, k = tapWeights[t] % kernelArea
                                return w.base[((group * groupOut + o) * groupIn + firstIn + j) * kernelArea + k]
                            }
                            let row = UnsafeMutablePointer<Double>.allocate(capacity: lanes * rowCapacity)
                            defer { row.deallocate() }
                            let source = gradOut.base + (n * g.outChannels + group * groupOut) * planeSize
                            for ih in 0..<g.height {
                                let paddedRow = ih + g.paddingHeight
                                // Rows no tap reaches keep their zeros.
                                guard let rowPhase = rowPhaseIDs[paddedRow % sh] else { continue }
                                let ownRow = paddedRow / sh
                                // The column phases present in [pw, pw + W).
                                for i in 0..<min(g.width, sw) {
                                    let residue = (g.paddingWidth + i) % sw
                                    guard let columnPhase = columnPhaseIDs[residue] else { continue }
                                    // Elements iwp = residue + sw·m inside [pw, pw + W).
                                    let first = (g.paddingWidth - residue + sw - 1) / sw
                                    let end = (g.paddingWidth + g.width - residue + sw - 1) / sw
                                    let elements = end - first
                                    let phase = rowPhase * columnPhaseIDs.count + columnPhase
                                    let start = phaseStart[phase]
                                    gatherRow(source, base: ownRow * workspace.width + first, step: 1, count: elements,
                                              offsets: offsetTable.base + start, weights: packed + start * lanes,
                                              taps: phaseStart[phase + 1] - start, into: row)
                                    let firstColumn = residue + sw * first - g.paddingWidth
                                    for j in 0..<count {
                                        let destination = gradIn.base + ((n * g.inChannels + group * groupIn + firstIn + j) * g.height + ih) * g.width
                                        let sums = row + j * elements
                                        for e in 0..<elements { destination[firstColumn + e * sw] = sums[e] }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return result
    }
}
