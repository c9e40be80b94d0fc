import Testing
import ReferenceCore
import ReferenceIO
import ReferenceVis
import ReferenceLab
import ReferenceTestSupport

/// adaptive_avg_pool2d against windows worked out by hand with PyTorch's rule
/// [floor(o·in/out), ceil((o+1)·in/out)).
@Suite("Pooling: adaptive_avg_pool2d")
struct AdaptiveAvgPool2dTests {
    /// Width 5 to 2: windows [0, 3) and [2, 5) share element 2.
    @Test func overlappingWindowsAndTheirGradient() throws {
        let x = Tensor(shape: [1, 1, 1, 5], scalars: [1, 2, 3, 4, 5])
        let y = try adaptiveAvgPool2d(x, outputSize: [1, 2])
        #expect(y.shape == [1, 1, 1, 2])
        #expect(y.scalars == [2, 4])  // (1+2+3)/3, (3+4+5)/3
        let g = try adaptiveAvgPool2dBackward(Tensor(shape: [1, 1, 1, 2], scalars: [3, 6]), inputShape: x.shape, outputSize: [1, 2])
        #expect(g.scalars == [1, 1, 3, 2, 2])  // 3/3 to the first window, 6/3 to the second, both to element 2
    }

    /// Width 2 to 3 repeats inputs: windows [0, 1), [0, 2), [1, 2).
    @Test func upsamplingRepeatsInputs() throws {
        let y = try adaptiveAvgPool2d(Tensor(shape: [1, 1, 1, 2], scalars: [2, 4]), outputSize: [1, 3])
        #expect(y.scalars == [2, 3, 4])
        let g = try adaptiveAvgPool2dBackward(Tensor(shape: [1, 1, 1, 3], scalars: [1, 1, 1]), inputShape: [1, 1, 1, 2], outputSize: [1, 3])
        #expect(g.scalars == [1.5, 1.5])
    }

    /// 3×3 to 2×2: row and column windows [0, 2) and [1, 3).
    @Test func twoDimensionalWindows() throws {
        let x = Tensor(shape: [1, 1, 3, 3], scalars: [1, 2, 3, 4, 5, 6, 7, 8, 9])
        #expect(try adaptiveAvgPool2d(x, outputSize: [2]).scalars == [3, 4, 6, 7])
        // Unbatched input and a non-square output: rows [0, 3), columns [0, 2) and [1, 3).
        let unbatched = try adaptiveAvgPool2d(Tensor(shape: [1, 3, 3], scalars: x.scalars), outputSize: [1, 2])
        #expect(unbatched.shape == [1, 1, 2])
        let expected: [Double] = [27.0 / 6, 33.0 / 6]  // (1+2+4+5+7+8)/6, (2+3+5+6+8+9)/6
        #expect(unbatched.scalars == expected)
    }

    /// VGG at 224×224: pool5 is already 7×7, and the pool copies it exactly.
    @Test func sameSizeIsTheIdentity() throws {
        var rng = RandomGenerator(seed: 9)
        let x = rng.normalTensor([2, 3, 7, 7])
        #expect(try adaptiveAvgPool2d(x, outputSize: [7, 7]) == x)
        #expect(try adaptiveAvgPool2dBackward(x, inputShape: x.shape, outputSize: [7]) == x)
    }

    @Test func emptyOutputsAndBatches() throws {
        #expect(try adaptiveAvgPool2d(Tensor.zeros([1, 2, 3, 3]), outputSize: [0, 2]).shape == [1, 2, 0, 2])
        #expect(try adaptiveAvgPool2d(Tensor.zeros([0, 2, 3, 3]), outputSize: [2]).shape == [0, 2, 2, 2])
    }

    @Test func badInputsThrow() {
        #expect(throws: RefvisError.self) { try adaptiveAvgPool2d(Tensor.zeros([3, 3]), outputSize: [2]) }
        #expect(throws: RefvisError.self) { try adaptiveAvgPool2d(Tensor.zeros([1, 0, 3, 3]), outputSize: [2]) }
        #expect(throws: RefvisError.self) { try adaptiveAvgPool2d(Tensor.zeros([1, 1, 0, 3]), outputSize: [2]) }
        #expect(throws: RefvisError.self) { try adaptiveAvgPool2d(Tensor.zeros([1, 1, 3, 3]), outputSize: [2, 2, 2]) }
        #expect(throws: RefvisError.self) { try adaptiveAvgPool2d(Tensor.zeros([1, 1, 3, 3]), outputSize: [-1]) }
        #expect(throws: RefvisError.self) {
            try adaptiveAvgPool2dBackward(Tensor.zeros([1, 1, 3, 3]), inputShape: [1, 1, 3, 3], outputSize: [2])
        }
        #expect(throws: RefvisError.self) { try OpRegistry.op(named: "adaptive_avg_pool2d")([Tensor.zeros([1, 1, 3, 3])]) }
    }
}
