import Foundation
import Testing
import ReferenceCore
import ReferenceIO
import ReferenceVis
import ReferenceLab
import ReferenceTestSupport

/// The ramp x[i, j] = i + 2j on a 2×3 plane: [[0, 2, 4], [1, 3, 5]].
/// Vertical differences 1, 1, 1; horizontal differences 2 (four of them).
private let ramp: [Double] = [0, 2, 4, 1, 3, 5]

@Suite("Regularizers: total variation, penalties, blurs, Gram matrix, normalization, gradient normalizers")
struct RegularizerTests {
    // MARK: total_variation

    @Test func totalVariationOfARamp() throws {
        // A batch of the ramp and 3× the ramp: l1 sum 3·1 + 4·2 = 11 and 33;
        // squared sum 3·1 + 4·4 = 19 and 9·19 = 171.
        let x = Tensor(shape: [2, 1, 2, 3], scalars: ramp + ramp.map { 3 * $0 })
        #expect(try totalVariation(x) == Tensor(shape: [2], scalars: [11, 33]))
        #expect(try totalVariation(x, kind: .squared) == Tensor(shape: [2], scalars: [19, 171]))
        // mean: 3/3 + 8/4 = 3 (and 9); squared 3/3 + 16/4 = 5 (and 45).
        #expect(try totalVariation(x, reduction: .mean) == Tensor(shape: [2], scalars: [3, 9]))
        #expect(try totalVariation(x, kind: .squared, reduction: .mean) == Tensor(shape: [2], scalars: [5, 45]))
    }

    @Test func totalVariationSumsChannelsAndUsesAbsoluteValues() throws {
        // One (C, H, W) image → a scalar, as tf.image.total_variation on a 3-d
        // image; the negated second channel adds the same 11.
        let x = Tensor(shape: [2, 2, 3], scalars: ramp + ramp.map { -$0 })
        #expect(try totalVariation(x) == Tensor(scalar: 22))
        // mean over both channels: (3 + 3)/6 + (8 + 8)/8 = 3.
        #expect(try totalVariation(x, reduction: .mean) == Tensor(scalar: 3))
    }

    @Test func totalVariationGradientOfTheRamp() throws {
        // Every difference is positive: +1 to its later pixel, −1 to its earlier one.
        let x = Tensor(shape: [1, 1, 2, 3], scalars: ramp)
        let g = try totalVariationBackward(Tensor(shape: [1], scalars: [1]), input: x)
        #expect(g.scalars == [-2, -1, 0, 0, 1, 2])
        // squared: 2d per difference; vertical 2·1, horizontal 2·2, scaled by 0.5.
        let s = try totalVariationBackward(Tensor(shape: [1], scalars: [0.5]), input: x, kind: .squared)
        #expect(s.scalars == [-3, -1, 1, -1, 1, 3])
    }

    @Test func totalVariationBadInputs() {
        expectError(["total_variation", "(2, 3)"]) { _ = try totalVariation(Tensor.zeros([2, 3])) }
        // mean needs two rows and two columns.
        expectError(["mean", "H >= 2"]) { _ = try totalVariation(Tensor.zeros([1, 1, 1, 4]), reduction: .mean) }
        expectError(["output gradient"]) {
            _ = try totalVariationBackward(Tensor.zeros([3]), input: Tensor.zeros([2, 1, 2, 2]))
        }
    }

    // MARK: l1_penalty and l2_penalty

    @Test func penaltiesAsLucidDefinesThem() throws {
        let x = Tensor(shape: [3], scalars: [1, -2, 3])
        // Σ|x − 1| = 0 + 3 + 2.
        #expect(l1Penalty(x, constant: 1) == Tensor(scalar: 5))
        #expect(l1Penalty(x) == Tensor(scalar: 6))
        // √(1e-6 + 0 + 9 + 4).
        #expect(try l2Penalty(x, constant: 1) == Tensor(scalar: (13.000001).squareRoot()))
        #expect(try l2Penalty(Tensor(shape: [2], scalars: [3, 4]), epsilon: 0) == Tensor(scalar: 5))
    }

    @Test func penaltyGradients() throws {
        let x = Tensor(shape: [3], scalars: [1, -2, 3])
        // sign(x − 1) with sign(0) = 0, times 2.
        #expect(try l1PenaltyBackward(Tensor(scalar: 2), input: x, constant: 1).scalars == [0, -2, 2])
        // (x − c)/y: [3, 4]/5.
        let v = Tensor(shape: [2], scalars: [3, 4])
        let y = try l2Penalty(v, epsilon: 0)
        #expect(try l2PenaltyBackward(Tensor(scalar: 1), input: v, output: y).scalars == [0.6, 0.8])
        expectError(["epsilon", ">= 0"]) { _ = try l2Penalty(v, epsilon: -1) }
    }

    // MARK: gaussian_blur

    @Test func gaussianKernelForSigmaOneSizeThree() {
        // [e^{-1/2}, 1, e^{-1/2}] / (1 + 2e^{-1/2}) ≈ [0.2741, 0.4519, 0.2741].
        let e = exp(-0.5)
        let k = gaussianKernel1d(size: 3, sigma: 1)
        let total: Double = 1 + 2 * e
        let expected: [Double] = [e / total, 1 / total, e / total]
        #expect(close(k, expected, 1e-14))
        #expect(abs(k[0] - 0.27406862) < 1e-8)
        #expect(abs(k[1] - 0.45186276) < 1e-8)
        #expect(gaussianKernel1d(size: 1, sigma: 3) == [1])
    }

    @Test func gaussianBlurReflectsAtTheBorderAlongX() throws {
        // kernel (3, 1): only along the width. [1 0 0] reflect-padded is
        // 0 | 1 0 0 | 0, so y = [w1, w0, 0].
        let k = gaussianKernel1d(size: 3, sigma: 1)
        let edge: [Double] = [k[1], k[0], 0]
        let row = Tensor(shape: [1, 1, 1, 3], scalars: [1, 0, 0])
        let blurredRow = try gaussianBlur(row, kernelSize: [3, 1], sigma: [1])
        #expect(close(blurredRow.scalars, edge, 1e-14))
        // The same impulse in a column needs kernel (1, 3): y is along the height.
        let column = Tensor(shape: [1, 3, 1], scalars: [1, 0, 0])
        let blurredColumn = try gaussianBlur(column, kernelSize: [1, 3], sigma: [1])
        #expect(close(blurredColumn.scalars, edge, 1e-14))
        // The middle element: reflect padding gives 1 | 0 1 0 | 1, so it
        // reaches each border pixel twice: [2w0, w1, 2w0].
        let middle = Tensor(shape: [1, 1, 1, 3], scalars: [0, 1, 0])
        let blurredMiddle = try gaussianBlur(middle, kernelSize: [3, 1], sigma: [1])
        let spread: [Double] = [2 * k[0], k[1], 2 * k[0]]
        #expect(close(blurredMiddle.scalars, spread, 1e-14))
    }

    @Test func gaussianBlurKeepsConstantsAndUsesTorchvisionsDefaultSigma() throws {
        let constant = Tensor(repeating: 2.5, shape: [2, 3, 4, 5])
        #expect(close(try gaussianBlur(constant, kernelSize: [3, 5], sigma: [0.7, 1.3]).scalars, constant.scalars, 1e-14))
        // The default sigma of size 3 is 0.3·((3 − 1)/2 − 1) + 0.8 = 0.8.
        let x = Tensor(shape: [1, 4, 4], generator: { Double($0 * $0 % 7) })
        #expect(try gaussianBlur(x, kernelSize: [3]) == gaussianBlur(x, kernelSize: [3, 3], sigma: [0.8, 0.8]))
    }

    @Test func gaussianBlurBadInputs() {
        let x = Tensor.zeros([1, 1, 4, 4])
        expectError(["odd and positive"]) { _ = try gaussianBlur(x, kernelSize: [4]) }
        expectError(["odd and positive"]) { _ = try gaussianBlur(x, kernelSize: [3, -1]) }
        expectError(["1 or 2"]) { _ = try gaussianBlur(x, kernelSize: [3, 3, 3]) }
        expectError(["sigma", "positive"]) { _ = try gaussianBlur(x, kernelSize: [3], sigma: [0]) }
        expectError(["sigma", "positive"]) { _ = try gaussianBlur(x, kernelSize: [3], sigma: [1, -2]) }
        expectError(["reflect padding"]) { _ = try gaussianBlur(x, kernelSize: [9, 3], sigma: [1]) }
        expectError(["gaussian_blur", "(4, 4)"]) { _ = try gaussianBlur(Tensor.zeros([4, 4]), kernelSize: [3]) }
    }

    // MARK: lucid_blur

    @Test func lucidBlurOfOnesIsExactlyOnes() throws {
        let ones = Tensor(repeating: 1, shape: [2, 3, 5, 4])
        #expect(try lucidBlur(ones) == ones)
        #expect(try lucidBlur(ones, kernelSize: 5) == ones)
    }

    @Test func lucidBlurOfAnImpulse() throws {
        // Kernel [[.5, .5, .5], [.5, 1, .5], [.5, .5, .5]]. Corner: 0.5 over the
        // 2.5 weight inside; edge: 0.5 over 3.5; centre: 1 over 5.
        let impulse = Tensor(shape: [1, 3, 3], scalars: [0, 0, 0, 0, 1, 0, 0, 0, 0])
        let y = try lucidBlur(impulse)
        let seventh: Double = 1.0 / 7
        let expected: [Double] = [0.2, seventh, 0.2, seventh, 0.2, seventh, 0.2, seventh, 0.2]
        #expect(close(y.scalars, expected, 1e-14))
        let kernel: [[Double]] = [[0.5, 0.5, 0.5], [0.5, 1, 0.5], [0.5, 0.5, 0.5]]
        #expect(lucidBlurKernel(size: 3) == kernel)
        // Kernel size 1 is the identity.
        #expect(try lucidBlur(impulse, kernelSize: 1) == impulse)
        expectError(["kernel_size", "odd"]) { _ = try lucidBlur(impulse, kernelSize: 2) }
    }

    // MARK: gram_matrix

    @Test func gramMatrixOfATwoChannelTwoPixelImage() throws {
        // F = [[1, 2], [3, 4]]: F Fᵀ = [[5, 11], [11, 25]].
        let x = Tensor(shape: [1, 2, 1, 2], scalars: [1, 2, 3, 4])
        #expect(try gramMatrix(x, normalize: .none) == Tensor(shape: [1, 2, 2], scalars: [5, 11, 11, 25]))
        #expect(try gramMatrix(x) == Tensor(shape: [1, 2, 2], scalars: [1.25, 2.75, 2.75, 6.25]))
        #expect(try gramMatrix(x, normalize: .hw) == Tensor(shape: [1, 2, 2], scalars: [2.5, 5.5, 5.5, 12.5]))
        #expect(try gramMatrix(Tensor(shape: [2, 1, 2], scalars: [1, 2, 3, 4]), normalize: .none).shape == [2, 2])
    }

    @Test func gramMatrixGradient() throws {
        let x = Tensor(shape: [1, 2, 1, 2], scalars: [1, 2, 3, 4])
        // Ḡ = e₀₀: F̄ row 0 = 2·F row 0.
        let g00 = try gramMatrixBackward(Tensor(shape: [1, 2, 2], scalars: [1, 0, 0, 0]), input: x, normalize: .none)
        #expect(g00.scalars == [2, 4, 0, 0])
        // Ḡ = e₀₁: F̄ row 0 = F row 1, F̄ row 1 = F row 0; chw divides by 4.
        let g01 = try gramMatrixBackward(Tensor(shape: [1, 2, 2], scalars: [0, 1, 0, 0]), input: x)
        #expect(g01.scalars == [0.75, 1, 0.25, 0.5])
    }

    // MARK: normalize_image

    @Test func normalizeImagePerChannel() throws {
        let x = Tensor(shape: [3, 1, 2], scalars: [1, 2, 3, 5, -1, 7])
        let y = try normalizeImage(x, mean: [0.5, 1, -1], std: [0.5, 2, 4])
        #expect(y.scalars == [1, 3, 1, 2, 0, 2])
        // One value for every channel.
        #expect(try normalizeImage(x, mean: [1], std: [2]).scalars == [0, 0.5, 1, 2, -1, 3])
        let g = try normalizeImageBackward(Tensor(repeating: 1, shape: [3, 1, 2]), inputShape: [3, 1, 2],
                                           mean: [0.5, 1, -1], std: [0.5, 2, 4])
        #expect(g.scalars == [2, 2, 0.5, 0.5, 0.25, 0.25])
    }

    @Test func normalizeImageBadInputs() {
        let x = Tensor.zeros([1, 3, 2, 2])
        expectError(["std", "2 values", "3 channels"]) { _ = try normalizeImage(x, mean: [0], std: [1, 2]) }
        expectError(["mean", "4 values"]) { _ = try normalizeImage(x, mean: [0, 0, 0, 0], std: [1]) }
        expectError(["std[1] is zero"]) { _ = try normalizeImage(x, mean: [0], std: [1, 0, 1]) }
        expectError(["(..., C, H, W)"]) { _ = try normalizeImage(Tensor.zeros([2, 2]), mean: [0], std: [1]) }
    }

    // MARK: Gradient normalizers

    @Test func l2NormalizePerImage() throws {
        let x = Tensor(shape: [2, 1, 1, 2], scalars: [3, 4, 0, 5])
        #expect(try l2Normalize(x).scalars == [0.6, 0.8, 0, 1])
        // Below the floor: divided by √ε = 0.1.
        let small = try l2Normalize(Tensor(shape: [1, 1, 2], scalars: [0.003, 0.004]), epsilon: 0.01)
        let floored: [Double] = [0.03, 0.04]
        #expect(close(small.scalars, floored, 1e-14))
        // Gradient at [3, 4] with ȳ = [1, 0]: [1/5 − 3·3/125, −4·3/125].
        let g = try l2NormalizeBackward(Tensor(shape: [1, 1, 2], scalars: [1, 0]), input: Tensor(shape: [1, 1, 2], scalars: [3, 4]))
        let expected: [Double] = [0.2 - 9.0 / 125, -12.0 / 125]
        #expect(close(g.scalars, expected, 1e-14))
        expectError(["epsilon", "> 0"]) { _ = try l2Normalize(x, epsilon: 0) }
    }

    @Test func stdNormalizeAsMatlabAndTensorFlow() throws {
        // [1, 2, 3, 4]: mean 2.5, Σ(x − mean)² = 5; MATLAB std √(5/3), TF √(5/4).
        let x = Tensor(shape: [1, 1, 2, 2], scalars: [1, 2, 3, 4])
        let values: [Double] = [1, 2, 3, 4]
        let matlab: Double = (5.0 / 3).squareRoot() + 1e-9
        let matlabExpected: [Double] = values.map { $0 / matlab }
        #expect(close(try stdNormalize(x).scalars, matlabExpected, 1e-14))
        let tf: Double = (1.25).squareRoot() + 1e-8
        let tfExpected: [Double] = values.map { $0 / tf }
        #expect(close(try stdNormalize(x, correction: 0, epsilon: 1e-8).scalars, tfExpected, 1e-14))
        expectError(["more than correction"]) { _ = try stdNormalize(Tensor.zeros([1, 1, 1])) }
        expectError(["correction", ">= 0"]) { _ = try stdNormalize(x, correction: -1) }
    }

    @Test func meanAbsNormalize() throws {
        // mean |[1, −2, 3, −4]| = 2.5.
        let x = Tensor(shape: [1, 2, 2], scalars: [1, -2, 3, -4])
        let divisor: Double = 2.5 + 1e-8
        let expected: [Double] = x.scalars.map { $0 / divisor }
        #expect(close(try ReferenceCore.meanAbsNormalize(x).scalars, expected, 1e-14))
        // Two images are normalized separately.
        let batch = Tensor(shape: [2, 1, 1, 2], scalars: [1, -3, 10, 30])
        let separate: [Double] = [0.5, -1.5, 0.5, 1.5]
        #expect(close(try ReferenceCore.meanAbsNormalize(batch, epsilon: 0).scalars, separate, 1e-14))
        expectError(["epsilon"]) { _ = try ReferenceCore.meanAbsNormalize(x, epsilon: -1) }
    }

    @Test func normalizersRejectOtherRanks() {
        let vector = Tensor.zeros([4])
        expectError(["l2_normalize", "(4,)"]) { _ = try l2Normalize(vector) }
        expectError(["std_normalize", "(4,)"]) { _ = try stdNormalize(vector) }
        expectError(["mean_abs_normalize", "(4,)"]) { _ = try ReferenceCore.meanAbsNormalize(vector) }
    }

    // MARK: Registry

    @Test func registeredWithTheirAttributes() throws {
        let names = ["total_variation", "l1_penalty", "l2_penalty", "gaussian_blur", "lucid_blur", "gram_matrix",
                     "normalize_image", "l2_normalize", "std_normalize", "mean_abs_normalize"]
        for name in names { _ = try OpRegistry.op(named: name) }
        let tv = try OpRegistry.op(named: "total_variation")
        let y = try tv([Tensor(shape: [1, 1, 2, 3], scalars: ramp)], ["kind": .string("squared"), "reduction": .string("mean")])
        #expect(y == [Tensor(shape: [1], scalars: [5])])
        #expect(try OpRegistry.op(named: "gaussian_blur").linearInputs == ["input"])
        #expect(try OpRegistry.op(named: "normalize_image").linearInputs == ["input"])
    }
}
