import Foundation
import Testing
import ReferenceCore
import ReferenceIO
import ReferenceVis
import ReferenceLab
import ReferenceTestSupport

/// The 3×3 product A·B of row-major matrices.
private func product(_ a: Tensor, _ b: Tensor) -> [Double] {
    var result = [Double](repeating: 0, count: 9)
    for i in 0..<3 {
        for j in 0..<3 {
            for k in 0..<3 { result[3 * i + j] += a.scalars[3 * i + k] * b.scalars[3 * k + j] }
        }
    }
    return result
}

@Suite("Color: decorrelation matrices, color_decorrelate, 3x3 eigendecomposition")
struct ColorTests {
    // MARK: Lucid's constants

    @Test func lucidMatrixIsNormalizedByItsLargestColumnNorm() throws {
        // Column norms of Lucid's matrix, by hand:
        //   column 0: 0.26² + 0.27² + 0.27² = 0.0676 + 0.0729 + 0.0729 = 0.2134, √ = 0.4619524
        //   column 1: 0.09² + 0² + 0.09²    = 0.0081 + 0.0081            = 0.0162, √ = 0.1272792
        //   column 2: 0.02² + 0.05² + 0.03² = 0.0004 + 0.0025 + 0.0009   = 0.0038, √ = 0.0616441
        // The largest is column 0, so every entry is divided by √0.2134:
        //   0.26/0.4619524 = 0.5628286, 0.27/0.4619524 = 0.5844758, 0.09/… = 0.1948253,
        //   0.02/… = 0.0432945, 0.05/… = 0.1082363, 0.03/… = 0.0649418.
        let expected = [0.5628286, 0.1948253, 0.0432945,
                        0.5844758, 0.0, -0.1082363,
                        0.5844758, -0.1948253, 0.0649418]
        let m = ColorCorrelation.lucidNormalized
        #expect(m.shape == [3, 3])
        #expect(zip(m.scalars, expected).allSatisfy { abs($0 - $1) <= 5e-8 })
        #expect(abs(m.scalars[0] - 0.26 / 0.2134.squareRoot()) <= 1e-15)
        // After normalizing, the largest column has norm 1.
        let columnNorm = (0..<3).map { m.scalars[3 * $0] * m.scalars[3 * $0] }.reduce(0, +).squareRoot()
        #expect(abs(columnNorm - 1) <= 1e-15)
        #expect(try ColorCorrelation.normalizedByLargestColumnNorm(ColorCorrelation.lucidSquareRoot) == m)
    }

    @Test func lucidMatrixHasNearlyOrthogonalColumns() {
        // AᵀA by hand: off-diagonal (0,1) = 0.26·0.09 + 0 − 0.27·0.09 = −0.0009, tiny against
        // the diagonal 0.2134, 0.0162, 0.0038: the columns are principal axes scaled (P·√D).
        let a = ColorCorrelation.lucidSquareRoot.scalars
        let dot01 = a[0] * a[1] + a[3] * a[4] + a[6] * a[7]
        #expect(abs(dot01 - -0.0009) <= 1e-15)
    }

    @Test func normalizingAZeroMatrixIsAnError() {
        expectError("every column is zero") { _ = try ColorCorrelation.normalizedByLargestColumnNorm(.zeros([3, 3])) }
        expectError("2-d") { _ = try ColorCorrelation.normalizedByLargestColumnNorm(.zeros([9])) }
    }

    // MARK: color_decorrelate

    @Test func decorrelatesAKnownPixel() throws {
        // Two pixels, t = (1, 2, −1) and (1, 0, 0), through M = [[1, 2, 0], [0, 1, 0], [1, 0, 1]]:
        // M·(1, 2, −1) = (1 + 4, 2, 1 − 1) = (5, 2, 0); M·(1, 0, 0) = column 0 = (1, 0, 1).
        // NCHW with H = 1, W = 2: channel c holds (t₁[c], t₂[c]).
        let input = Tensor(shape: [1, 3, 1, 2], scalars: [1, 1, 2, 0, -1, 0])
        let matrix = Tensor(shape: [3, 3], scalars: [1, 2, 0, 0, 1, 0, 1, 0, 1])
        let y = try colorDecorrelate(input, matrix)
        #expect(y.shape == [1, 3, 1, 2])
        #expect(y.scalars == [5, 1, 2, 0, 0, 1])
        // With Lucid's matrix, t = (1, 0, 0) gives its first column (0.26, 0.27, 0.27)/√0.2134.
        let lucid = try colorDecorrelate(Tensor(shape: [1, 3, 1, 1], scalars: [1, 0, 0]), ColorCorrelation.lucidNormalized)
        #expect(close(lucid.scalars, [0.26, 0.27, 0.27].map { $0 / 0.2134.squareRoot() }, 1e-15))
    }

    @Test func decorrelateGradientsByHand() throws {
        // loss = Σ y with ȳ = 1: x̄[c] = Σ_k M[k, c] (the column sums of M), and
        // M̄[k, c] = Σ_pixels x[c] (the channel sums of the input, the same for every k).
        let input = Tensor(shape: [1, 3, 1, 2], scalars: [1, 1, 2, 0, -1, 0])
        let matrix = Tensor(shape: [3, 3], scalars: [1, 2, 0, 0, 1, 0, 1, 0, 1])
        let (gi, gm) = try colorDecorrelateBackward(Tensor(repeating: 1, shape: [1, 3, 1, 2]), input: input, matrix: matrix)
        #expect(gi.scalars == [2, 2, 3, 3, 1, 1])           // column sums (2, 3, 1) on both pixels
        #expect(gm.scalars == [2, 2, -1, 2, 2, -1, 2, 2, -1]) // channel sums (2, 2, −1) on every row
    }

    @Test func decorrelateMapsChannelCounts() throws {
        // A (2, 1) matrix turns one channel into two: y = (2x, −x).
        let y = try colorDecorrelate(Tensor(shape: [1, 1, 2], scalars: [3, 4]), Tensor(shape: [2, 1], scalars: [2, -1]))
        #expect(y.shape == [1, 2, 2])
        #expect(y.scalars == [6, 8, -3, -4])
    }

    @Test func wrongChannelCountForTheMatrixIsAnError() {
        expectError("needs 3 input channels") {
            _ = try colorDecorrelate(.zeros([1, 4, 2, 2]), ColorCorrelation.lucidNormalized)
        }
        expectError("2-d") { _ = try colorDecorrelate(.zeros([1, 3, 2, 2]), .zeros([9])) }
        expectError("(N, C, ...)") { _ = try colorDecorrelate(.zeros([3]), .zeros([3, 3])) }
        #expect(throws: RefvisError.self) {
            _ = try colorDecorrelateBackward(.zeros([1, 2, 2, 2]), input: .zeros([1, 3, 2, 2]), matrix: .zeros([3, 3]))
        }
    }

    // MARK: Eigendecomposition

    @Test func diagonalMatrixEigendecomposition() throws {
        // diag(3, 1, 2): eigenvalues sorted 1, 2, 3 with eigenvectors e₁, e₂, e₀ as columns.
        let e = try symmetricEigendecomposition3x3(Tensor(shape: [3, 3], scalars: [3, 0, 0, 0, 1, 0, 0, 0, 2]))
        #expect(e.values == [1, 2, 3])
        #expect(e.vectors.scalars == [0, 0, 1,
                                      1, 0, 0,
                                      0, 1, 0])
    }

    @Test func repeatedEigenvalueEigendecomposition() throws {
        // [[2, 1, 0], [1, 2, 0], [0, 0, 3]]: the 2×2 block has eigenvalues 2 ± 1 with vectors
        // (1, −1)/√2 and (1, 1)/√2; e₂ has eigenvalue 3. So 1, 3, 3 — the last two share an
        // eigenspace, where any orthonormal basis is right.
        let a = Tensor(shape: [3, 3], scalars: [2, 1, 0, 1, 2, 0, 0, 0, 3])
        let e = try symmetricEigendecomposition3x3(a)
        #expect(close(e.values, [1, 3, 3], 1e-14))
        let r = 0.5.squareRoot()
        // The eigenvalue-1 vector: (1, −1, 0)/√2, sign fixed by its first (largest) entry.
        #expect(close([e.vectors[0, 0], e.vectors[1, 0], e.vectors[2, 0]], [r, -r, 0], 1e-14))
        // A·v = λ·v for every column, and VᵀV = I.
        for j in 0..<3 {
            for i in 0..<3 {
                let av = (0..<3).map { a[i, $0] * e.vectors[$0, j] }.reduce(0, +)
                #expect(abs(av - e.values[j] * e.vectors[i, j]) <= 1e-14)
            }
        }
        var transposed = e.vectors
        for i in 0..<3 { for j in 0..<3 { transposed[i, j] = e.vectors[j, i] } }
        #expect(close(product(transposed, e.vectors), [1, 0, 0, 0, 1, 0, 0, 0, 1], 1e-14))
    }

    @Test func generalMatrixEigenvaluesHaveTheRightTraceAndDeterminant() throws {
        // [[4, 1, 2], [1, 3, 0], [2, 0, 5]]: trace 12; det = 4·15 − 1·5 + 2·(0 − 6) = 43.
        let a = Tensor(shape: [3, 3], scalars: [4, 1, 2, 1, 3, 0, 2, 0, 5])
        let e = try symmetricEigendecomposition3x3(a)
        #expect(abs(e.values.reduce(0, +) - 12) <= 1e-13)
        #expect(abs(e.values.reduce(1, *) - 43) <= 1e-12)
        #expect(e.values[0] <= e.values[1] && e.values[1] <= e.values[2])
        // V·diag(λ)·Vᵀ rebuilds A.
        let v = e.vectors
        let rebuilt = (0..<9).map { index in
            (0..<3).map { v[index / 3, $0] * e.values[$0] * v[index % 3, $0] }.reduce(0, +)
        }
        #expect(close(rebuilt, a.scalars, 1e-13))
    }

    @Test func eigendecompositionRejectsBadMatrices() {
        expectError("not symmetric") {
            _ = try symmetricEigendecomposition3x3(Tensor(shape: [3, 3], scalars: [1, 2, 0, 0, 1, 0, 0, 0, 1]))
        }
        expectError("expected shape (3, 3)") { _ = try symmetricEigendecomposition3x3(.zeros([2, 2])) }
        expectError("non-finite") {
            _ = try symmetricEigendecomposition3x3(Tensor(shape: [3, 3], scalars: [.nan, 0, 0, 0, 1, 0, 0, 0, 1]))
        }
    }

    // MARK: Square roots

    @Test func squareRootsByHand() throws {
        // √diag(4, 9, 16) = diag(2, 3, 4).
        let d = try symmetricSquareRoot3x3(Tensor(shape: [3, 3], scalars: [4, 0, 0, 0, 9, 0, 0, 0, 16]))
        #expect(close(d.scalars, [2, 0, 0, 0, 3, 0, 0, 0, 4], 1e-15))
        // [[2, 1, 0], [1, 2, 0], [0, 0, 3]] = 1·vvᵀ + 3·(uuᵀ + e₂e₂ᵀ), v = (1, −1, 0)/√2, u = (1, 1, 0)/√2,
        // so its root is 1·vvᵀ + √3·(uuᵀ + e₂e₂ᵀ): diagonal (1 + √3)/2, off-diagonal (√3 − 1)/2, corner √3.
        let s3 = 3.0.squareRoot()
        let root = try symmetricSquareRoot3x3(Tensor(shape: [3, 3], scalars: [2, 1, 0, 1, 2, 0, 0, 0, 3]))
        #expect(close(root.scalars, [(1 + s3) / 2, (s3 - 1) / 2, 0, (s3 - 1) / 2, (1 + s3) / 2, 0, 0, 0, s3], 1e-14))
        expectError("not positive semi-definite") {
            _ = try symmetricSquareRoot3x3(Tensor(shape: [3, 3], scalars: [1, 0, 0, 0, -1, 0, 0, 0, 1]))
        }
    }

    // MARK: Estimating a decorrelation matrix from images

    @Test func covarianceOfTwoPixelsByHand() throws {
        // Pixels (0, 0, 0) and (2, 4, −2): mean (1, 2, −1), deviations ±d with d = (1, 2, −1),
        // so C = (1/2)(d dᵀ + d dᵀ) = d dᵀ.
        let expected: [Double] = [1, 2, -1, 2, 4, -2, -1, -2, 1]
        let oneImage = Tensor(shape: [3, 1, 2], scalars: [0, 2, 0, 4, 0, -2])
        #expect(try colorCovariance(images: [oneImage]).scalars == expected)
        // The same pixels as two one-pixel images, or as a batch of two, pool the same way.
        let first = Tensor(shape: [3, 1, 1], scalars: [0, 0, 0]), second = Tensor(shape: [3, 1, 1], scalars: [2, 4, -2])
        #expect(try colorCovariance(images: [first, second]).scalars == expected)
        let batch = Tensor(shape: [2, 3, 1, 1], scalars: [0, 0, 0, 2, 4, -2])
        #expect(try colorCovariance(images: [batch]).scalars == expected)
    }

    @Test func squareRootOfTheCovarianceSquaresBackToIt() throws {
        var rng = RandomGenerator(seed: 3)
        // Correlated colours: a shared luminance plus small independent parts.
        var images = [Tensor]()
        for _ in 0..<3 {
            var image = Tensor.zeros([3, 4, 5])
            for p in 0..<20 {
                let luminance = rng.normal()
                for c in 0..<3 { image.scalars[c * 20 + p] = luminance + 0.3 * rng.normal() }
            }
            images.append(image)
        }
        let c = try colorCovariance(images: images)
        let s = try colorCorrelationSquareRoot(images: images)
        #expect(close(product(s, s), c.scalars, 1e-13))
        for i in 0..<3 { for j in 0..<3 { #expect(s[i, j] == s[j, i]) } }
        // Normalized as Lucid's: the largest column has norm 1.
        let n = try ColorCorrelation.normalizedByLargestColumnNorm(s)
        let norms = (0..<3).map { j in (0..<3).map { n[$0, j] * n[$0, j] }.reduce(0, +).squareRoot() }
        #expect(abs(norms.max()! - 1) <= 1e-15)
    }

    @Test func estimatingFromBadImagesIsAnError() {
        expectError("3 colour channels") { _ = try colorCorrelationSquareRoot(images: [.zeros([4, 2, 2])]) }
        expectError("(3, H, W) or (B, 3, H, W)") { _ = try colorCorrelationSquareRoot(images: [.zeros([3, 4])]) }
        expectError("no pixels") { _ = try colorCorrelationSquareRoot(images: []) }
        expectError("no pixels") { _ = try colorCorrelationSquareRoot(images: [.zeros([3, 0, 2])]) }
    }
}
