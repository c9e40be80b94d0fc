import Testing
import ReferenceCore
import ReferenceIO
import ReferenceVis
import ReferenceLab
import ReferenceTestSupport

/// A deterministic test image with values in [-1, 1).
private func image(_ shape: [Int], seed: UInt64 = 5) -> Tensor {
    var rng = RandomGenerator(seed: seed)
    return rng.uniformTensor(shape, -1, 1)
}

@Suite("Laplacian pyramids: build, merge, normalize")
struct PyramidTests {
    // MARK: The binomial low-pass

    @Test func lowPassOfOnesShowsTheSamePadding() throws {
        // Even size 4: TF pads 1 before and 2 after, so the 1-D weights that
        // land inside are 4+6+4+1 = 15 and 1+4+6 = 11 sixteenths; 2-d: products.
        let even = try laplacianPyramidSplit(Tensor(repeating: 1, shape: [1, 1, 4, 4]), levels: 1)
        #expect(even[0].shape == [1, 1, 2, 2])
        let evenLow: [Double] = [225.0 / 256, 165.0 / 256, 165.0 / 256, 121.0 / 256]
        #expect(even[0].scalars == evenLow)
        // Odd size 5: 2 before and 2 after: 6+4+1 = 11, 16, 11 sixteenths.
        let odd = try laplacianPyramidSplit(Tensor(repeating: 1, shape: [1, 5, 5]), levels: 1)
        #expect(odd[0].shape == [1, 3, 3])
        let corner: Double = 121.0 / 256, side: Double = 176.0 / 256
        let oddLow: [Double] = [corner, side, corner, side, 1, side, corner, side, corner]
        #expect(odd[0].scalars == oddLow)
    }

    @Test func highPassOfAConstantVanishesInTheInterior() throws {
        // Away from the zero padding, U(D(1)) = 1: on a 12×12 image, rows and
        // columns 4...7 of the high-pass band are exactly 0 and (3, 3) is not.
        let bands = try laplacianPyramidSplit(Tensor(repeating: 1, shape: [1, 1, 12, 12]), levels: 1)
        let high = bands[1]
        for i in 4...7 {
            for j in 4...7 { #expect(high[0, 0, i, j] == 0) }
        }
        #expect(high[0, 0, 3, 3] != 0)
    }

    @Test func bandsOfASmallImage() throws {
        // x[i, j] = (5i + j) mod 7 − 3 on a 4×5 plane; bands worked out by NumPy
        // with an independent 2-d convolution (TF 'SAME' pads (1, 2) rows, (2, 2) columns).
        let x = Tensor(shape: [1, 4, 5], generator: { Double($0 % 7) - 3 })
        let bands = try laplacianPyramidSplit(x, levels: 1)
        let shapes: [[Int]] = [[1, 2, 3], [1, 4, 5]]
        #expect(bands.map(\.shape) == shapes)
        let low: [Double] = [0.1015625, -0.1640625, -0.3203125, -0.19921875, 0.33984375, 0.24609375]
        #expect(bands[0].scalars == low)
        let high: [Double] = [
            -3.02783203125, -1.984375, -0.9248046875, 0.12109375, 1.13037109375,
            1.97161865234375, 3.0146484375, -2.9197998046875, -1.85498046875, -0.83282470703125,
            0.025634765625, 0.98046875, 1.94482421875, 2.974609375, -2.983154296875,
            -1.9267578125, -1.048828125, -0.1767578125, 0.810546875, 1.8623046875,
        ]
        #expect(close(bands[1].scalars, high, 1e-14))
    }

    // MARK: Merge inverts build

    @Test(arguments: [([1, 1, 8, 8], 3), ([2, 3, 7, 10], 2), ([3, 9, 6], 2), ([1, 2, 33, 17], 4), ([1, 1, 5, 3], 0)])
    func mergeInvertsBuild(shape: [Int], levels: Int) throws {
        let x = image(shape)
        let packed = try laplacianPyramidBuild(x, levels: levels)
        let merged = try laplacianPyramidMerge(packed, levels: levels, outputSize: Array(shape.suffix(2)))
        #expect(merged.shape == x.shape)
        #expect(close(merged.scalars, x.scalars, 1e-12))
        // The list form gives the same bands, packed coarsest first.
        let bands = try laplacianPyramidSplit(x, levels: levels)
        #expect(bands.count == levels + 1)
        let mergedBands = try laplacianPyramidMerge(bands)
        #expect(close(mergedBands.scalars, x.scalars, 1e-12))
    }

    @Test func packedLayoutIsCoarsestFirstPerChannel() throws {
        // 6×5, 2 levels: bands 2×2, 3×3, 6×5 → 4 + 9 + 30 = 43 values per channel.
        let x = image([2, 3, 6, 5])
        let packed = try laplacianPyramidBuild(x, levels: 2)
        #expect(packed.shape == [2, 3, 43])
        let bands = try laplacianPyramidSplit(x, levels: 2)
        let shapes: [[Int]] = [[2, 3, 2, 2], [2, 3, 3, 3], [2, 3, 6, 5]]
        #expect(bands.map(\.shape) == shapes)
        // Image 1, channel 2: its 43 values are the three bands' planes in a row.
        let plane = 1 * 3 + 2
        var expected: [Double] = Array(bands[0].scalars[(plane * 4)..<(plane * 4 + 4)])
        expected += bands[1].scalars[(plane * 9)..<(plane * 9 + 9)]
        expected += bands[2].scalars[(plane * 30)..<(plane * 30 + 30)]
        let packedPlane: [Double] = Array(packed.scalars[(plane * 43)..<(plane * 43 + 43)])
        #expect(packedPlane == expected)
    }

    // MARK: laplacian_pyramid_normalize

    @Test func normalizeWithoutSplitsDividesByTheRootMeanSquare() throws {
        // levels 0: x / √mean(x²) per image; [3, 4] → √12.5, [0, 0] → floored by ε.
        let x = Tensor(shape: [2, 1, 1, 2], scalars: [3, 4, 0, 0])
        let y = try laplacianPyramidNormalize(x, levels: 0)
        let rms: Double = (12.5).squareRoot()
        let expected: [Double] = [3 / rms, 4 / rms, 0, 0]
        #expect(close(y.scalars, expected, 1e-14))
    }

    @Test func normalizeOfASmallImage() throws {
        // The 4×5 plane above, one split; worked out by NumPy with TF's
        // normalize_std (divide by √mean(v²)) on each band and its lap_merge.
        let x = Tensor(shape: [1, 1, 4, 5], generator: { Double($0 % 7) - 3 })
        let y = try laplacianPyramidNormalize(x, levels: 1)
        let expected: [Double] = [
            -1.4776252998362214, -1.107516203514232, -0.7951253660432822, -0.43376146045629893, 0.058780306155774786,
            1.1532098251046385, 1.524849329805254, -1.8645999898602381, -1.5710113124695515, -1.1246004269846344,
            -0.09182450271756325, 0.5957350172851449, 1.2491882934213296, 1.6682704578593528, -1.6376622902868316,
            -1.3139027048603742, -0.35086967670497615, 0.6331518092144364, 1.2044002924415644, 1.5447757402645332,
        ]
        #expect(close(y.scalars, expected, 1e-13))
    }

    @Test func normalizeIgnoresScaleAndTreatsImagesSeparately() throws {
        let a = image([1, 2, 9, 9], seed: 1), b = image([1, 2, 9, 9], seed: 2)
        let ya = try laplacianPyramidNormalize(a), yb = try laplacianPyramidNormalize(b)
        // Scale-free: 1000·a gives the same result.
        let scaled = try laplacianPyramidNormalize(a.map { 1000 * $0 })
        #expect(close(scaled.scalars, ya.scalars, 1e-12))
        // A batch of [a, b] is a and b normalized on their own.
        let batch = Tensor(shape: [2, 2, 9, 9], scalars: a.scalars + b.scalars)
        let both: [Double] = ya.scalars + yb.scalars
        #expect(close(try laplacianPyramidNormalize(batch).scalars, both, 1e-13))
    }

    // MARK: Bad input

    @Test func badInputsThrow() {
        let x = image([1, 1, 8, 8])
        // 4 splits need sides above 2³ = 8.
        expectError(["4 levels are too many", "8x8"]) { _ = try laplacianPyramidBuild(x, levels: 4) }
        expectError(["too many"]) { _ = try laplacianPyramidNormalize(x) }
        expectError(["too many"]) { _ = try laplacianPyramidSplit(image([1, 1, 1, 9]), levels: 1) }
        expectError(["levels", ">= 0"]) { _ = try laplacianPyramidBuild(x, levels: -1) }
        expectError(["(8, 8)"]) { _ = try laplacianPyramidBuild(image([8, 8]), levels: 1) }
        expectError(["epsilon"]) { _ = try laplacianPyramidNormalize(x, levels: 1, epsilon: 0) }
        // Packed merge: the length must match levels and output_size.
        expectError(["packs 85 values", "84"]) {
            _ = try laplacianPyramidMerge(Tensor.zeros([1, 1, 84]), levels: 3, outputSize: [8, 8])
        }
        expectError(["output_size"]) { _ = try laplacianPyramidMerge(Tensor.zeros([1, 1, 85]), levels: 3, outputSize: [8]) }
        expectError(["packed pyramid"]) { _ = try laplacianPyramidMerge(Tensor.zeros([85]), levels: 3, outputSize: [8, 8]) }
        // List merge: band shapes must be those of a split.
        expectError(["band 0"]) {
            _ = try laplacianPyramidMerge([Tensor.zeros([1, 1, 3, 3]), Tensor.zeros([1, 1, 8, 8])])
        }
        expectError(["no bands"]) { _ = try laplacianPyramidMerge([Tensor]()) }
    }

    @Test func registered() throws {
        for name in ["laplacian_pyramid_build", "laplacian_pyramid_merge", "laplacian_pyramid_normalize"] {
            _ = try OpRegistry.op(named: name)
        }
        let build = try OpRegistry.op(named: "laplacian_pyramid_build")
        let merge = try OpRegistry.op(named: "laplacian_pyramid_merge")
        let x = image([1, 2, 6, 5])
        let packed = try build([x], ["levels": .int(2)])
        let back = try merge(packed, ["levels": .int(2), "output_size": .ints([6, 5])])
        #expect(close(back[0].scalars, x.scalars, 1e-12))
    }
}
