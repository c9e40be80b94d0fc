import Testing
import ReferenceCore
import ReferenceIO
import ReferenceVis
import ReferenceLab
import ReferenceTestSupport

/// conv2d against values worked out by hand and against the index rule of its
/// definition, `x[oh·s − p + kh·d][ow·s − p + kw·d]` (PyTorch's).
@Suite("Convolution: conv2d")
struct ConvolutionTests {
    /// x[i][j] = 4i + j + 1 on a 4×4 image, w = [[1, 2], [3, 4]]:
    /// out[i][j] = x[i][j] + 2x[i][j+1] + 3x[i+1][j] + 4x[i+1][j+1]
    ///           = 10(4i + j) + 44 = 40i + 10j + 44 (worked on paper).
    @Test func fourByFourImageWithTwoByTwoKernel() throws {
        let x = Tensor(shape: [1, 1, 4, 4], scalars: (1...16).map(Double.init))
        let w = Tensor(shape: [1, 1, 2, 2], scalars: [1, 2, 3, 4])
        let y = try conv2d(x, w)
        #expect(y.shape == [1, 1, 3, 3])
        #expect(y.scalars == [44, 54, 64, 84, 94, 104, 124, 134, 144])

        let withBias = try conv2d(x, w, bias: Tensor(shape: [1], scalars: [0.5]))
        #expect(withBias.scalars == [44.5, 54.5, 64.5, 84.5, 94.5, 104.5, 124.5, 134.5, 144.5])

        // Stride 2 keeps the windows at (0,0), (0,2), (2,0), (2,2).
        #expect(try conv2d(x, w, stride: [2]).scalars == [44, 64, 124, 144])
    }

    /// Padding 1: the corner windows see one pixel each, through the
    /// opposite kernel corner: out[0][0] = w[1][1]·x[0][0] = 4,
    /// out[4][4] = w[0][0]·x[3][3] = 16, out[0][1] = 3·1 + 4·2 = 11.
    @Test func paddingOneOnTheFourByFourImage() throws {
        let x = Tensor(shape: [1, 1, 4, 4], scalars: (1...16).map(Double.init))
        let w = Tensor(shape: [1, 1, 2, 2], scalars: [1, 2, 3, 4])
        let y = try conv2d(x, w, padding: [1])
        #expect(y.shape == [1, 1, 5, 5])
        #expect(y[0, 0, 0, 0] == 4)
        #expect(y[0, 0, 0, 1] == 11)
        #expect(y[0, 0, 4, 4] == 16)
        #expect(y[0, 0, 4, 0] == 2 * 13)  // w[0][1]·x[3][0]
        #expect(y[0, 0, 2, 2] == 94)     // interior: as without padding, out[1][1]
    }

    /// The size rule floor((H + 2p − d(k − 1) − 1) / s) + 1, per axis.
    @Test(arguments: [
        // (H, W), (kH, kW), stride, padding, dilation -> (OH, OW)
        ([7, 7], [3, 3], [2, 2], [1, 1], [1, 1], [4, 4]),
        ([5, 6], [2, 3], [2, 1], [0, 1], [2, 1], [2, 6]),
        ([8, 8], [3, 3], [3, 3], [0, 0], [1, 1], [2, 2]),
        ([4, 5], [1, 1], [1, 2], [0, 0], [1, 1], [4, 3]),
        ([3, 3], [5, 5], [1, 1], [1, 1], [1, 1], [1, 1]),
        ([9, 4], [3, 2], [1, 1], [2, 0], [3, 2], [7, 2]),
    ])
    func outputSize(input: [Int], kernel: [Int], stride: [Int], padding: [Int], dilation: [Int], expected: [Int]) throws {
        let x = Tensor.zeros([1, 2] + input)
        let w = Tensor.zeros([3, 2] + kernel)
        let y = try conv2d(x, w, stride: stride, padding: padding, dilation: dilation)
        #expect(y.shape == [1, 3] + expected)
    }

    /// A one-hot input at every position, with weights that are distinct powers
    /// of two: each output value then names the tap that touched it, and it
    /// must be exactly the tap with `a = oh·s − p + kh·d`, `b = ow·s − p + kw·d`.
    /// The VJPs are checked the same way: a one-hot output gradient gives the
    /// input gradient `w[kh][kw]` at exactly those positions, and one-hot input
    /// and output gradient give a one-hot weight gradient.
    @Test(arguments: [
        // (H, W), (kH, kW), stride, padding, dilation
        ([5, 5], [3, 3], [1, 1], [0, 0], [1, 1]),
        ([6, 5], [3, 2], [2, 2], [1, 1], [1, 1]),
        ([5, 7], [2, 3], [1, 2], [1, 2], [1, 1]),
        ([7, 6], [3, 2], [1, 1], [0, 1], [2, 3]),
        ([6, 6], [2, 2], [3, 3], [0, 0], [1, 1]),
        ([4, 4], [3, 3], [2, 1], [2, 1], [2, 1]),
    ])
    func oneHotSweepFollowsTheIndexRule(input: [Int], kernel: [Int], stride: [Int], padding: [Int], dilation: [Int]) throws {
        let (h, w) = (input[0], input[1])
        let (kh, kw) = (kernel[0], kernel[1])
        let weight = Tensor(shape: [1, 1, kh, kw], scalars: (0..<(kh * kw)).map { Double(1 << $0) })
        let oh = (h + 2 * padding[0] - dilation[0] * (kh - 1) - 1) / stride[0] + 1
        let ow = (w + 2 * padding[1] - dilation[1] * (kw - 1) - 1) / stride[1] + 1
        // The tap (i, j) that maps output (r, c) to input (a, b), if any.
        func tap(_ a: Int, _ b: Int, _ r: Int, _ c: Int) -> Int? {
            for i in 0..<kh { for j in 0..<kw
                where r * stride[0] - padding[0] + i * dilation[0] == a && c * stride[1] - padding[1] + j * dilation[1] == b {
                return i * kw + j
            } }
            return nil
        }
        for a in 0..<h {
            for b in 0..<w {
                var x = Tensor.zeros([1, 1, h, w])
                x[0, 0, a, b] = 1
                let y = try conv2d(x, weight, stride: stride, padding: padding, dilation: dilation)
                #expect(y.shape == [1, 1, oh, ow])
                for r in 0..<oh {
                    for c in 0..<ow {
                        let expected = tap(a, b, r, c).map { Double(1 << $0) } ?? 0
                        #expect(y[0, 0, r, c] == expected, "input (\(a),\(b)) output (\(r),\(c))")
                    }
                }
            }
        }
        for r in 0..<oh {
            for c in 0..<ow {
                var g = Tensor.zeros([1, 1, oh, ow])
                g[0, 0, r, c] = 1
                let grads = try conv2dBackward(g, input: Tensor.zeros([1, 1, h, w]), weight: weight, withBias: true,
                                               stride: stride, padding: padding, dilation: dilation)
                #expect(grads.bias?.scalars == [1])
                for a in 0..<h {
                    for b in 0..<w {
                        let expected = tap(a, b, r, c).map { Double(1 << $0) } ?? 0
                        #expect(grads.input[0, 0, a, b] == expected, "output gradient (\(r),\(c)) input (\(a),\(b))")
                    }
                }
                // One-hot input at the position tap (i, j) reads for this output.
                for i in 0..<kh {
                    for j in 0..<kw {
                        let a = r * stride[0] - padding[0] + i * dilation[0]
                        let b = c * stride[1] - padding[1] + j * dilation[1]
                        guard a >= 0, a < h, b >= 0, b < w else { continue }
                        var x = Tensor.zeros([1, 1, h, w])
                        x[0, 0, a, b] = 1
                        let weightGradient = try conv2dWeightGradient(g, input: x, weightShape: [1, 1, kh, kw], stride: stride,
                                                                      padding: padding, dilation: dilation)
                        var expected = Tensor.zeros([1, 1, kh, kw])
                        expected[0, 0, i, j] = 1
                        #expect(weightGradient == expected)
                    }
                }
            }
        }
    }

    /// groups = 2 on 1×1 images: output channel 0 reads input channels 0–1,
    /// output channel 1 reads 2–3. out0 = 1·1 + 2·10 = 21, out1 = 3·100 + 4·1000 = 4300.
    @Test func groupsSplitTheChannels() throws {
        let x = Tensor(shape: [1, 4, 1, 1], scalars: [1, 10, 100, 1000])
        let w = Tensor(shape: [2, 2, 1, 1], scalars: [1, 2, 3, 4])
        #expect(try conv2d(x, w, groups: 2).scalars == [21, 4300])
        // Gradients: input gets w of its group's output channel scaled by ḡ; weight gets x.
        let grads = try conv2dBackward(Tensor(shape: [1, 2, 1, 1], scalars: [1, -1]), input: x, weight: w,
                                       withBias: false, groups: 2)
        #expect(grads.input.scalars == [1, 2, -3, -4])
        #expect(grads.weight.scalars == [1, 10, -100, -1000])
        #expect(grads.bias == nil)
    }

    /// Depthwise (groups = C) with a channel multiplier of 2: output channels
    /// 2c and 2c + 1 each read input channel c only.
    @Test func depthwiseWithMultiplier() throws {
        let x = Tensor(shape: [1, 2, 1, 2], scalars: [1, 2, 3, 4])
        let w = Tensor(shape: [4, 1, 1, 2], scalars: [1, 1, 1, -1, 2, 0, 0, 2])
        // ch0 = 1 + 2, ch1 = 1 − 2, ch2 = 2·3, ch3 = 2·4.
        #expect(try conv2d(x, w, groups: 2).scalars == [3, -1, 6, 8])
    }

    /// Two channels, batch 2, a 1×1 kernel: a per-pixel matrix product plus bias.
    @Test func oneByOneKernelIsAPerPixelMatrixProduct() throws {
        let x = Tensor(shape: [2, 2, 1, 2], scalars: [1, 2, 3, 4, /* batch 1 */ 5, 6, 7, 8])
        let w = Tensor(shape: [3, 2, 1, 1], scalars: [1, 0, 0, 1, 1, 1])
        let y = try conv2d(x, w, bias: Tensor(shape: [3], scalars: [0, 0, 100]))
        #expect(y.scalars == [1, 2, 3, 4, 104, 106, /* batch 1 */ 5, 6, 7, 8, 112, 114])
        let grads = try conv2dBackward(Tensor(repeating: 1, shape: y.shape), input: x, weight: w, withBias: true)
        #expect(grads.bias?.scalars == [4, 4, 4])
        // Each input pixel gets Σ_o w[o][c] = 2 for both channels.
        #expect(grads.input.scalars == Array(repeating: 2, count: 8))
        // weight[o][c] gradient = Σ over batch and pixels of x[c] = (1+2+5+6, 3+4+7+8).
        #expect(grads.weight.scalars == [14, 22, 14, 22, 14, 22])
    }

    /// An unbatched (C, H, W) input gives the batched result without the batch axis.
    @Test func unbatchedInputMatchesBatchOfOne() throws {
        var rng = RandomGenerator(seed: 7)
        let x = rng.normalTensor([3, 5, 4]), w = rng.normalTensor([2, 3, 3, 2]), b = rng.normalTensor([2])
        let unbatched = try conv2d(x, w, bias: b, padding: [1])
        let batched = try conv2d(x.reshaped([1, 3, 5, 4]), w, bias: b, padding: [1])
        #expect(unbatched.shape == [2, 5, 5])
        #expect(unbatched.scalars == batched.scalars)
        let g = rng.normalTensor([2, 5, 5])
        let grads = try conv2dBackward(g, input: x, weight: w, withBias: true, padding: [1])
        #expect(grads.input.shape == [3, 5, 4])
    }

    /// Random configurations against the seven-loop definition written out
    /// directly in this test (no padding buffer, no tiles).
    @Test(arguments: [
        ([2, 4, 7, 6], [6, 2, 3, 2], [2, 1], [1, 2], [1, 2], 2),
        ([1, 5, 9, 8], [7, 5, 3, 3], [1, 1], [1, 1], [1, 1], 1),
        ([1, 4, 8, 8], [4, 1, 3, 3], [2, 2], [1, 1], [2, 2], 4),
        ([2, 5, 6, 7], [9, 5, 1, 1], [1, 3], [0, 0], [1, 1], 1),
        ([1, 6, 5, 11], [6, 3, 2, 4], [1, 1], [0, 2], [2, 1], 2),
    ])
    func matchesTheDirectDefinition(inputShape: [Int], weightShape: [Int], stride: [Int], padding: [Int],
                                    dilation: [Int], groups: Int) throws {
        var rng = RandomGenerator(seed: 11)
        let x = rng.normalTensor(inputShape), w = rng.normalTensor(weightShape), b = rng.normalTensor([weightShape[0]])
        let y = try conv2d(x, w, bias: b, stride: stride, padding: padding, dilation: dilation, groups: groups)
        let (n, c, h, wd) = (inputShape[0], inputShape[1], inputShape[2], inputShape[3])
        let (o, cg, kh, kw) = (weightShape[0], weightShape[1], weightShape[2], weightShape[3])
        #expect(y.shape[0] == n && y.shape[1] == o)
        let (oh, ow) = (y.shape[2], y.shape[3])
        let g = rng.normalTensor(y.shape)
        var expectedInputGradient = Tensor.zeros(x.shape), expectedWeightGradient = Tensor.zeros(w.shape)
        for b0 in 0..<n { for oc in 0..<o { for r in 0..<oh { for q in 0..<ow {
            var sum = 0.0
            let firstChannel = (oc / (o / groups)) * cg
            for ci in 0..<cg { for i in 0..<kh { for j in 0..<kw {
                let a = r * stride[0] - padding[0] + i * dilation[0], bb = q * stride[1] - padding[1] + j * dilation[1]
                guard a >= 0, a < h, bb >= 0, bb < wd else { continue }
                sum += w[oc, ci, i, j] * x[b0, firstChannel + ci, a, bb]
                expectedInputGradient[b0, firstChannel + ci, a, bb] += w[oc, ci, i, j] * g[b0, oc, r, q]
                expectedWeightGradient[oc, ci, i, j] += x[b0, firstChannel + ci, a, bb] * g[b0, oc, r, q]
            } } }
            #expect(abs(y[b0, oc, r, q] - (sum + b[oc])) <= 1e-13 * (1 + abs(sum)))
        } } } }
        _ = c
        let grads = try conv2dBackward(g, input: x, weight: w, withBias: true, stride: stride, padding: padding,
                                       dilation: dilation, groups: groups)
        for (got, want) in zip(grads.input.scalars, expectedInputGradient.scalars) { #expect(abs(got - want) <= 1e-12 * (1 + abs(want))) }
        for (got, want) in zip(grads.weight.scalars, expectedWeightGradient.scalars) { #expect(abs(got - want) <= 1e-12 * (1 + abs(want))) }
    }

    /// A stride far larger than the image leaves one window; the input
    /// gradient (computed per stride phase) must neither hang nor allocate
    /// per phase: it is the kernel laid over the top-left corner.
    @Test func hugeStrideGivesOneWindow() throws {
        let x = Tensor(shape: [1, 1, 4, 5], scalars: (0..<20).map(Double.init))
        let w = Tensor(shape: [1, 1, 2, 2], scalars: [1, 2, 3, 4])
        let stride = [1 << 30, 1 << 29]
        let y = try conv2d(x, w, stride: stride)
        #expect(y.scalars == [41])  // 1·0 + 2·1 + 3·5 + 4·6
        let grads = try conv2dBackward(Tensor(shape: [1, 1, 1, 1], scalars: [2]), input: x, weight: w, withBias: false, stride: stride)
        var expected = Tensor.zeros([1, 1, 4, 5])
        expected[0, 0, 0, 0] = 2; expected[0, 0, 0, 1] = 4; expected[0, 0, 1, 0] = 6; expected[0, 0, 1, 1] = 8
        #expect(grads.input == expected)
        #expect(grads.weight.scalars == [0, 2, 10, 12])
    }

    /// Through the registry: bias is optional and its gradient is returned only when given.
    @Test func registeredOpHandlesOptionalBias() throws {
        let op = try OpRegistry.op(named: "conv2d")
        var rng = RandomGenerator(seed: 3)
        let x = rng.normalTensor([1, 2, 4, 4]), w = rng.normalTensor([3, 2, 3, 3]), b = rng.normalTensor([3])
        let attributes = try op.resolve(["padding": .ints([1]), "stride": .int(2)])
        let withBias = try op.forward([x, w, b], attributes)[0]
        let withoutBias = try op.forward([x, w], attributes)[0]
        #expect(withBias.shape == [1, 3, 2, 2])
        for i in 0..<withBias.count { #expect(withBias.scalars[i] == withoutBias.scalars[i] + b.scalars[i / 4]) }
        let g = rng.normalTensor(withBias.shape)
        #expect(try op.vjp([x, w, b], [withBias], [g], attributes).count == 3)
        #expect(try op.vjp([x, w], [withoutBias], [g], attributes).count == 2)
    }

    @Test func badInputsThrow() throws {
        let x = Tensor.zeros([1, 4, 5, 5]), w = Tensor.zeros([2, 4, 3, 3])
        // Ranks.
        #expect(throws: RefvisError.self) { try conv2d(Tensor.zeros([4, 5]), w) }
        #expect(throws: RefvisError.self) { try conv2d(Tensor.zeros([1, 1, 4, 5, 5]), w) }
        #expect(throws: RefvisError.self) { try conv2d(x, Tensor.zeros([2, 4, 3])) }
        // Channels: weight expects 4 = 4·1; with groups 2 it expects 8.
        #expect(throws: RefvisError.self) { try conv2d(Tensor.zeros([1, 3, 5, 5]), w) }
        #expect(throws: RefvisError.self) { try conv2d(x, w, groups: 2) }
        // Out channels not divisible by groups.
        #expect(throws: RefvisError.self) { try conv2d(x, Tensor.zeros([3, 2, 3, 3]), groups: 2) }
        // Argument ranges.
        #expect(throws: RefvisError.self) { try conv2d(x, w, stride: [0]) }
        #expect(throws: RefvisError.self) { try conv2d(x, w, padding: [-1]) }
        #expect(throws: RefvisError.self) { try conv2d(x, w, dilation: [0, 1]) }
        #expect(throws: RefvisError.self) { try conv2d(x, w, groups: 0) }
        #expect(throws: RefvisError.self) { try conv2d(x, w, stride: [1, 1, 1]) }
        #expect(throws: RefvisError.self) { try conv2d(x, w, stride: []) }
        #expect(throws: RefvisError.self) { try conv2d(x, w, padding: [1 << 40]) }
        // Output smaller than 1×1: 5×5 with a dilated 3×3 kernel of extent 7.
        #expect(throws: RefvisError.self) { try conv2d(x, w, dilation: [3]) }
        #expect(throws: RefvisError.self) { try conv2d(x, Tensor.zeros([2, 4, 6, 1])) }
        // Empty kernel.
        #expect(throws: RefvisError.self) { try conv2d(x, Tensor.zeros([2, 4, 0, 3])) }
        // Bias shape.
        #expect(throws: RefvisError.self) { try conv2d(x, w, bias: Tensor.zeros([3])) }
        #expect(throws: RefvisError.self) { try conv2d(x, w, bias: Tensor.zeros([1, 2])) }
        // Output gradient shape.
        #expect(throws: RefvisError.self) {
            try conv2dBackward(Tensor.zeros([1, 2, 4, 4]), input: x, weight: w, withBias: true)
        }
        // Through the registry, a bad attribute is a usage error.
        let op = try OpRegistry.op(named: "conv2d")
        do {
            _ = try op([x, w], ["stride": .ints([1, 2, 3])])
            Issue.record("stride with 3 values was accepted")
        } catch let error as RefvisError {
            #expect(error.kind == .usage)
            #expect(error.message.contains("stride"))
        }
    }

    /// The error message names the op and both shapes.
    @Test func channelMismatchMessageNamesShapes() {
        do {
            _ = try conv2d(Tensor.zeros([1, 3, 5, 5]), Tensor.zeros([2, 4, 3, 3]))
            Issue.record("mismatch accepted")
        } catch let error as RefvisError {
            #expect(error.message.contains("conv2d"))
            #expect(error.message.contains("(1, 3, 5, 5)"))
            #expect(error.message.contains("(2, 4, 3, 3)"))
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }
}

/// Results must not depend on the number of threads.
@Suite("Convolution and pooling: thread-count determinism")
struct ConvolutionDeterminismTests {
    func bits(_ t: Tensor) -> [UInt64] { t.scalars.map(\.bitPattern) }

    @Test(arguments: [
        ([2, 8, 9, 7], [10, 8, 3, 3], [1], [1], [1], 1),
        ([1, 6, 10, 9], [6, 3, 3, 2], [2, 1], [1, 0], [1, 2], 2),
        ([3, 5, 6, 6], [7, 5, 1, 1], [1], [0], [1], 1),
    ])
    func conv2dIsBitwiseIdenticalForOneAndTwoThreads(inputShape: [Int], weightShape: [Int], stride: [Int],
                                                      padding: [Int], dilation: [Int], groups: Int) throws {
        var rng = RandomGenerator(seed: 5)
        let x = rng.normalTensor(inputShape), w = rng.normalTensor(weightShape), b = rng.normalTensor([weightShape[0]])
        func run() throws -> (Tensor, Conv2dGradients) {
            let y = try conv2d(x, w, bias: b, stride: stride, padding: padding, dilation: dilation, groups: groups)
            var local = RandomGenerator(seed: 6)
            let g = local.normalTensor(y.shape)
            return (y, try conv2dBackward(g, input: x, weight: w, withBias: true, stride: stride, padding: padding,
                                          dilation: dilation, groups: groups))
        }
        let (y1, g1) = try Parallel.withThreads(1, run)
        let (y2, g2) = try Parallel.withThreads(2, run)
        let (y3, g3) = try Parallel.withThreads(3, run)
        #expect(bits(y1) == bits(y2) && bits(y1) == bits(y3))
        #expect(bits(g1.input) == bits(g2.input) && bits(g1.input) == bits(g3.input))
        #expect(bits(g1.weight) == bits(g2.weight) && bits(g1.weight) == bits(g3.weight))
        #expect(bits(g1.bias!) == bits(g2.bias!))
    }

    @Test func poolingIsBitwiseIdenticalForOneAndTwoThreads() throws {
        var rng = RandomGenerator(seed: 8)
        let x = rng.normalTensor([2, 5, 9, 8])
        func run() throws -> [Tensor] {
            let m = try maxPool2d(x, kernelSize: [3], stride: [2], padding: [1], ceilMode: true)
            let a = try avgPool2d(x, kernelSize: [3], stride: [2], padding: [1], ceilMode: true, countIncludePad: false)
            var local = RandomGenerator(seed: 9)
            let g = local.normalTensor(m.shape)
            return [m, a,
                    try maxPool2dBackward(g, input: x, kernelSize: [3], stride: [2], padding: [1], ceilMode: true),
                    try avgPool2dBackward(g, inputShape: x.shape, kernelSize: [3], stride: [2], padding: [1],
                                          ceilMode: true, countIncludePad: false)]
        }
        let one = try Parallel.withThreads(1, run), two = try Parallel.withThreads(2, run)
        for (a, b) in zip(one, two) { #expect(bits(a) == bits(b)) }
    }
}
