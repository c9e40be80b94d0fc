import Testing
import ReferenceCore
import ReferenceIO
import ReferenceVis
import ReferenceLab
import ReferenceTestSupport

/// max_pool2d and avg_pool2d against values worked out by hand, PyTorch's
/// output-size rule (with its ceil-mode adjustment) and its divisor rules.
@Suite("Pooling: max_pool2d and avg_pool2d")
struct PoolingTests {
    /// PyTorch's rule, evaluated by hand:
    /// out = floor((in + 2p − d(k − 1) − 1 + (ceil ? s − 1 : 0)) / s) + 1, minus one in
    /// ceil mode when (out − 1)·s ≥ in + p.
    @Test(arguments: [
        // in, kernel, stride, padding, dilation, ceil, expected
        (7, 2, 2, 0, 1, false, 3),   // floor(5/2) + 1
        (7, 2, 2, 0, 1, true, 4),    // floor(6/2) + 1; 3·2 = 6 < 7 keeps it
        (6, 3, 2, 1, 1, false, 3),   // floor(5/2) + 1
        (6, 3, 2, 1, 1, true, 4),    // floor(6/2) + 1; 3·2 = 6 < 7 keeps it
        (5, 2, 2, 1, 1, true, 3),    // floor(6/2) + 1 = 4, but 3·2 = 6 ≥ 5 + 1: the last window would start in the right padding
        (3, 1, 3, 0, 1, true, 1),    // floor(4/3) + 1 = 2, but 1·3 = 3 ≥ 3
        (4, 3, 2, 1, 1, true, 3),    // floor(4/2) + 1; 2·2 = 4 < 5 keeps it
        (7, 3, 1, 0, 2, false, 3),   // floor(2/1) + 1
        (8, 3, 3, 2, 2, true, 4),    // floor((8 + 4 − 4 − 1 + 2)/3) + 1 = 4; 3·3 = 9 < 10 keeps it
        (8, 3, 3, 2, 2, false, 3),   // floor(7/3) + 1
        (1, 3, 1, 1, 1, false, 1),   // floor(0/1) + 1
        (2, 5, 1, 0, 1, false, 0),   // negative numerator: floor(−3/1) + 1 = −2 → too small (the check sees < 1)
    ])
    func outputSizeRule(input: Int, kernel: Int, stride: Int, padding: Int, dilation: Int, ceil: Bool, expected: Int) {
        let size = PoolingAxis.outputSize(inputSize: input, kernel: kernel, stride: stride, padding: padding,
                                          dilation: dilation, ceilMode: ceil)
        #expect(size == expected || (expected == 0 && size < 1))
    }

    @Test func maxPoolOfTwoByTwoBlocksAndItsGradient() throws {
        let x = Tensor(shape: [1, 1, 4, 4], scalars: [1, 5, 2, 0,
                                                      3, 4, 8, 6,
                                                      7, 0, 1, 2,
                                                      9, 3, 4, 5])
        let y = try maxPool2d(x, kernelSize: [2])
        #expect(y.shape == [1, 1, 2, 2])
        #expect(y.scalars == [5, 8, 9, 5])
        let g = try maxPool2dBackward(Tensor(shape: [1, 1, 2, 2], scalars: [1, 2, 3, 4]), input: x, kernelSize: [2])
        #expect(g.scalars == [0, 1, 0, 0,
                              0, 0, 2, 0,
                              0, 0, 0, 0,
                              3, 0, 0, 4])
    }

    /// Two overlapping windows share their maximum: its gradient is the sum.
    @Test func overlappingWindowsAccumulateGradient() throws {
        let x = Tensor(shape: [1, 1, 3, 4], scalars: [0, 1, 2, 3,
                                                      4, 9, 5, 6,
                                                      7, 8, 1, 2])
        #expect(try maxPool2d(x, kernelSize: [3], stride: [1]).scalars == [9, 9])
        let g = try maxPool2dBackward(Tensor(shape: [1, 1, 1, 2], scalars: [2, 5]), input: x, kernelSize: [3], stride: [1])
        #expect(g[0, 0, 1, 1] == 7)
        #expect(g.scalars.reduce(0, +) == 7)
    }

    /// Ties go to the first maximum in row-major window order, as PyTorch's CPU kernel.
    @Test func tiesGoToTheFirstMaximum() throws {
        let x = Tensor(shape: [1, 1, 2, 2], scalars: [0, 3, 3, 1])
        let g = try maxPool2dBackward(Tensor(shape: [1, 1, 1, 1], scalars: [1]), input: x, kernelSize: [2])
        #expect(g.scalars == [0, 1, 0, 0])
        let flat = Tensor(repeating: 2, shape: [1, 1, 2, 2])
        #expect(try maxPool2dBackward(Tensor(shape: [1, 1, 1, 1], scalars: [1]), input: flat, kernelSize: [2]).scalars == [1, 0, 0, 0])
    }

    /// Padding is −∞, not 0: windows over all-negative values and padding
    /// return the largest negative value.
    @Test func paddingIsMinusInfinity() throws {
        let x = Tensor(shape: [1, 1, 2, 2], scalars: [-1, -2, -3, -4])
        let y = try maxPool2d(x, kernelSize: [2], stride: [1], padding: [1])
        #expect(y.shape == [1, 1, 3, 3])
        #expect(y.scalars == [-1, -1, -2,
                              -1, -1, -2,
                              -3, -3, -4])
    }

    /// Dilation 2 on x[i][j] = 5i + j (increasing): the window of output (i, j)
    /// has taps (i, j), (i, j+2), (i+2, j), (i+2, j+2); the max is the last,
    /// 5(i + 2) + j + 2 = 5i + j + 12.
    @Test func dilationSpreadsTheWindow() throws {
        let x = Tensor(shape: [1, 1, 5, 5], scalars: (0..<25).map(Double.init))
        let y = try maxPool2d(x, kernelSize: [2], stride: [1], dilation: [2])
        #expect(y.shape == [1, 1, 3, 3])
        #expect(y.scalars == [12, 13, 14, 17, 18, 19, 22, 23, 24])
    }

    /// ceil_mode on a 3×3 image with kernel 2: the last row and column of
    /// windows hang over the edge and see only what is inside.
    @Test func ceilModeKeepsPartialWindows() throws {
        let x = Tensor(shape: [1, 1, 3, 3], scalars: (1...9).map(Double.init))
        #expect(try maxPool2d(x, kernelSize: [2]).scalars == [5])
        let y = try maxPool2d(x, kernelSize: [2], ceilMode: true)
        #expect(y.shape == [1, 1, 2, 2])
        #expect(y.scalars == [5, 6, 8, 9])
    }

    /// The ceil-mode adjustment: a 5-wide input, kernel 2, stride 2, padding 1
    /// gives 3 outputs, not 4 (the 4th window would start in the right padding).
    @Test func ceilModeDropsAWindowStartingInThePadding() throws {
        let x = Tensor(shape: [1, 1, 1, 5], scalars: [1, 2, 3, 4, 5])
        let y = try maxPool2d(x, kernelSize: [1, 2], stride: [1, 2], padding: [0, 1], ceilMode: true)
        #expect(y.shape == [1, 1, 1, 3])
        // Windows [−1, 1), [1, 3), [3, 5).
        #expect(y.scalars == [1, 3, 5])
    }

    @Test func nanWinsItsWindow() throws {
        let x = Tensor(shape: [1, 1, 2, 2], scalars: [1, .nan, 3, 2])
        #expect(try maxPool2d(x, kernelSize: [2]).scalars[0].isNaN)
    }

    /// An unbatched (C, H, W) input pools each channel.
    @Test func unbatchedInput() throws {
        let x = Tensor(shape: [2, 2, 2], scalars: [1, 2, 3, 4, -1, -2, -3, -4])
        let y = try maxPool2d(x, kernelSize: [2])
        #expect(y.shape == [2, 1, 1])
        #expect(y.scalars == [4, -1])
        #expect(try avgPool2d(x, kernelSize: [2]).scalars == [2.5, -2.5])
    }

    // MARK: avg_pool2d

    @Test func averageOfTwoByTwoBlocks() throws {
        let x = Tensor(shape: [1, 1, 4, 4], scalars: (1...16).map(Double.init))
        #expect(try avgPool2d(x, kernelSize: [2]).scalars == [3.5, 5.5, 11.5, 13.5])
        // Each input is in exactly one window of 4.
        let g = try avgPool2dBackward(Tensor(repeating: 1, shape: [1, 1, 2, 2]), inputShape: x.shape, kernelSize: [2])
        #expect(g.scalars == Array(repeating: 0.25, count: 16))
    }

    /// Ones on 3×3, kernel 3, stride 1, padding 1. With count_include_pad every
    /// divisor is 9, so corners give 4/9 and edges 6/9; without it the divisor
    /// is the number of real elements and every output is 1.
    @Test func bordersWithAndWithoutCountIncludePad() throws {
        let x = Tensor(repeating: 1, shape: [1, 1, 3, 3])
        let included = try avgPool2d(x, kernelSize: [3], stride: [1], padding: [1])
        let (corner, edge) = (4.0 / 9, 6.0 / 9)
        let pattern: [Double] = [corner, edge, corner, edge, 1, edge, corner, edge, corner]
        #expect(included.scalars == pattern)
        let excluded = try avgPool2d(x, kernelSize: [3], stride: [1], padding: [1], countIncludePad: false)
        #expect(excluded.scalars == Array(repeating: 1, count: 9))
        // Backward with ḡ = 1: each input sums 1/9 over the windows holding it: 4, 6 or 9 of them.
        let g = try avgPool2dBackward(Tensor(repeating: 1, shape: [1, 1, 3, 3]), inputShape: x.shape,
                                      kernelSize: [3], stride: [1], padding: [1])
        let windowsHolding: [Double] = [4, 6, 4, 6, 9, 6, 4, 6, 4]
        for (got, want) in zip(g.scalars, windowsHolding.map { $0 / 9 }) { #expect(abs(got - want) <= 1e-15) }
        // Without padding counted: corner input (0,0) is in windows with 4, 6, 6, 9 real elements.
        let gExcluded = try avgPool2dBackward(Tensor(repeating: 1, shape: [1, 1, 3, 3]), inputShape: x.shape,
                                              kernelSize: [3], stride: [1], padding: [1], countIncludePad: false)
        #expect(abs(gExcluded[0, 0, 0, 0] - (1.0 / 4 + 1.0 / 6 + 1.0 / 6 + 1.0 / 9)) <= 1e-15)
    }

    /// ceil mode without padding on 1…9 (3×3), kernel 2: the overhanging
    /// windows are divided by what lies inside the (unpadded) input even with
    /// count_include_pad — the overhang never counts.
    @Test func ceilModeOverhangIsNotCounted() throws {
        let x = Tensor(shape: [1, 1, 3, 3], scalars: (1...9).map(Double.init))
        let y = try avgPool2d(x, kernelSize: [2], ceilMode: true)
        #expect(y.scalars == [3, 4.5, 7.5, 9])  // 12/4, (3+6)/2, (7+8)/2, 9/1
    }

    /// Ones on 4×4, kernel 3, stride 2, padding 1, ceil mode: windows start at
    /// −1, 1, 3; the last spans [3, 6), clipped to the padded input [−1, 5) → length 2
    /// (1 real element). Divisors per axis with padding: 3, 3, 2; without: 2, 3, 1.
    @Test func ceilModeWithPaddingDivisors() throws {
        let x = Tensor(repeating: 1, shape: [1, 1, 4, 4])
        let included = try avgPool2d(x, kernelSize: [3], stride: [2], padding: [1], ceilMode: true)
        #expect(included.shape == [1, 1, 3, 3])
        // (real elements, divisor) per window, row by row.
        let counts: [(Double, Double)] = [(4, 9), (6, 9), (2, 6),
                                          (6, 9), (9, 9), (3, 6),
                                          (2, 6), (3, 6), (1, 4)]
        let expected = counts.map { $0.0 / $0.1 }
        #expect(included.scalars == expected)
        let excluded = try avgPool2d(x, kernelSize: [3], stride: [2], padding: [1], ceilMode: true, countIncludePad: false)
        #expect(excluded.scalars == Array(repeating: 1, count: 9))
    }

    @Test func divisorOverrideReplacesTheCount() throws {
        let x = Tensor(repeating: 1, shape: [1, 1, 2, 2])
        #expect(try avgPool2d(x, kernelSize: [2], divisorOverride: 3).scalars == [4.0 / 3])
        #expect(try avgPool2d(x, kernelSize: [2], divisorOverride: -2).scalars == [-2])
        let g = try avgPool2dBackward(Tensor(shape: [1, 1, 1, 1], scalars: [6]), inputShape: x.shape, kernelSize: [2],
                                      divisorOverride: 3)
        #expect(g.scalars == [2, 2, 2, 2])
    }

    /// The stride defaults to the kernel size, also through the registry (`none`).
    @Test func strideDefaultsToKernelSize() throws {
        let x = Tensor(shape: [1, 1, 4, 6], scalars: (0..<24).map(Double.init))
        let explicit = try maxPool2d(x, kernelSize: [2, 3], stride: [2, 3])
        #expect(try maxPool2d(x, kernelSize: [2, 3]) == explicit)
        #expect(try maxPool2d(x, kernelSize: [2, 3], stride: []) == explicit)
        let op = try OpRegistry.op(named: "max_pool2d")
        #expect(try op([x], ["kernel_size": .ints([2, 3])])[0] == explicit)
        #expect(try op([x], ["kernel_size": .ints([2, 3]), "stride": .null])[0] == explicit)
        let average = try OpRegistry.op(named: "avg_pool2d")
        #expect(try average([x], ["kernel_size": .ints([2, 3])])[0].shape == [1, 1, 2, 2])
    }

    @Test func badInputsThrow() throws {
        let x = Tensor.zeros([1, 2, 5, 5])
        // Ranks and empty dimensions.
        #expect(throws: RefvisError.self) { try maxPool2d(Tensor.zeros([5, 5]), kernelSize: [2]) }
        #expect(throws: RefvisError.self) { try maxPool2d(Tensor.zeros([1, 1, 1, 5, 5]), kernelSize: [2]) }
        #expect(throws: RefvisError.self) { try maxPool2d(Tensor.zeros([1, 0, 5, 5]), kernelSize: [2]) }
        #expect(throws: RefvisError.self) { try avgPool2d(Tensor.zeros([1, 2, 0, 5]), kernelSize: [2]) }
        // Argument ranges.
        #expect(throws: RefvisError.self) { try maxPool2d(x, kernelSize: [0]) }
        #expect(throws: RefvisError.self) { try maxPool2d(x, kernelSize: [2, 2, 2]) }
        #expect(throws: RefvisError.self) { try maxPool2d(x, kernelSize: [2], stride: [0]) }
        #expect(throws: RefvisError.self) { try maxPool2d(x, kernelSize: [2], padding: [-1]) }
        #expect(throws: RefvisError.self) { try maxPool2d(x, kernelSize: [2], dilation: [0]) }
        // Padding above half the kernel: 2 > 3/2, refused with dilation 2 as well,
        // as torch 2.x refuses it (its message speaks of the effective kernel, its check does not).
        #expect(throws: RefvisError.self) { try maxPool2d(x, kernelSize: [3], padding: [2]) }
        #expect(throws: RefvisError.self) { try avgPool2d(x, kernelSize: [3], padding: [2]) }
        #expect(throws: RefvisError.self) { try maxPool2d(x, kernelSize: [3], padding: [2], dilation: [2]) }
        // Output too small.
        #expect(throws: RefvisError.self) { try maxPool2d(x, kernelSize: [6]) }
        #expect(throws: RefvisError.self) { try avgPool2d(x, kernelSize: [2, 6]) }
        #expect(throws: RefvisError.self) { try maxPool2d(x, kernelSize: [3], dilation: [3]) }
        // divisor_override 0.
        #expect(throws: RefvisError.self) { try avgPool2d(x, kernelSize: [2], divisorOverride: 0) }
        // Gradient shapes.
        #expect(throws: RefvisError.self) { try maxPool2dBackward(Tensor.zeros([1, 2, 3, 3]), input: x, kernelSize: [2]) }
        #expect(throws: RefvisError.self) {
            try avgPool2dBackward(Tensor.zeros([1, 2, 3, 3]), inputShape: x.shape, kernelSize: [2])
        }
        // Through the registry: a missing kernel_size is a usage error.
        do {
            _ = try OpRegistry.op(named: "max_pool2d")([x], [:])
            Issue.record("missing kernel_size accepted")
        } catch let error as RefvisError {
            #expect(error.kind == .usage)
            #expect(error.message.contains("kernel_size"))
        }
    }
}

/// PyTorch bounds pooling padding by half the kernel size, not half the
/// dilated kernel: torch 2.x refuses kernel 3, dilation 2, padding 2.
@Suite("Pooling: padding bound as PyTorch's")
struct PoolingPaddingBoundTests {
    @Test func paddingBeyondHalfTheKernelIsRefusedWhateverTheDilation() throws {
        let x = Tensor(repeating: 1, shape: [1, 1, 7, 7])
        let refused: [String: AttributeValue] = ["kernel_size": .ints([3]), "dilation": .ints([2]), "padding": .ints([2])]
        expectError(["max_pool2d", "padding", "half of kernel_size"]) {
            _ = try OpRegistry.op(named: "max_pool2d").forward([x], try OpRegistry.op(named: "max_pool2d").resolve(refused))
        }
        let accepted: [String: AttributeValue] = ["kernel_size": .ints([3]), "dilation": .ints([2]), "padding": .ints([1])]
        let op = try OpRegistry.op(named: "max_pool2d")
        // torch.nn.functional.max_pool2d(ones(1, 1, 7, 7), 3, None, 1, 2).shape
        #expect(try op.forward([x], try op.resolve(accepted))[0].shape == [1, 1, 2, 2])
    }
}
