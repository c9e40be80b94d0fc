import Testing
import ReferenceCore
import ReferenceIO
import ReferenceVis
import ReferenceLab
import ReferenceTestSupport

/// affine_grid, grid_sample and interpolate against values worked out by hand
/// from PyTorch's documented definitions: the unnormalization of grid
/// coordinates, the padding modes, nearest's round-half-to-even, the
/// linspace base grid, and interpolate's source-index rules.
@Suite("Resampling: affine_grid, grid_sample, interpolate")
struct ResamplingTests {
    /// The 1×1×2×3 image used throughout:
    ///
    ///     1 2 3
    ///     4 5 6
    ///
    /// With W = 3, H = 2 the unnormalized coordinates are
    /// - align_corners false: px = (gx + 1)·1.5 − 0.5, py = gy + 0.5;
    /// - align_corners true:  px = gx + 1,            py = (gy + 1)/2.
    /// Inside the image the bilinear value is the plane 1 + 3·py + px.
    let image = Tensor(shape: [1, 1, 2, 3], scalars: [1, 2, 3, 4, 5, 6])

    func grid(_ points: [(Double, Double)]) -> Tensor {
        Tensor(shape: [1, 1, points.count, 2], scalars: points.flatMap { [$0.0, $0.1] })
    }

    func sample(_ points: [(Double, Double)], _ mode: GridSampleMode = .bilinear, _ padding: GridSamplePadding,
                align: Bool) throws -> [Double] {
        try gridSample(image, grid(points), mode: mode, paddingMode: padding, alignCorners: align).scalars
    }

    // MARK: grid_sample, bilinear

    /// Zeros padding, align_corners false. Taps outside read 0:
    /// - (0, 0) → (1, 0.5): inside, 1 + 1.5 + 1 = 3.5;
    /// - (−1, −1) → (−0.5, −0.5): only pixel (0,0) inside, weight ½·½ → 0.25;
    /// - (1, 1) → (2.5, 1.5): only pixel (1,2) inside, ¼·6 = 1.5;
    /// - (1/3, −0.5) → (1.5, 0): halfway between 2 and 3 → 2.5;
    /// - (2, 0) → (4, 0.5): all taps outside → 0;
    /// - (−0.8, 0.3) → (−0.2, 0.8): column −1 (weight 0.2, outside) and column 0
    ///   (weight 0.8), rows 0 and 1 with 0.2 and 0.8: 0.8·(0.2·1 + 0.8·4) = 2.72.
    @Test func bilinearZerosWithoutAlignCorners() throws {
        let got = try sample([(0, 0), (-1, -1), (1, 1), (1.0 / 3, -0.5), (2, 0), (-0.8, 0.3)], .bilinear, .zeros, align: false)
        #expect(closeAbsolute(got, [3.5, 0.25, 1.5, 2.5, 0, 2.72], 1e-12))
    }

    /// Zeros padding, align_corners true: ±1 are the corner pixel centres.
    /// - (−1, −1) → (0, 0): 1;  (1, 1) → (2, 1): 6;  (0, 0) → (1, 0.5): 3.5;
    /// - (−1.5, 0) → (−0.5, 0.5): column 0 with weight ½, rows ½ each: ½·(½·1 + ½·4) = 1.25;
    /// - (1.4, 0.2) → (2.4, 0.6): column 2 with weight 0.6 (column 3 outside): 0.6·(0.4·3 + 0.6·6) = 2.88.
    @Test func bilinearZerosWithAlignCorners() throws {
        let got = try sample([(-1, -1), (1, 1), (0, 0), (-1.5, 0), (1.4, 0.2)], .bilinear, .zeros, align: true)
        #expect(closeAbsolute(got, [1, 6, 3.5, 1.25, 2.88], 1e-12))
    }

    /// Border padding clips the coordinates to [0, W−1] × [0, H−1]:
    /// - align false: (−1, −1) → (−0.5, −0.5) → (0, 0): 1; (1, 1) → (2.5, 1.5) → (2, 1): 6;
    ///   (2, 0) → (4, 0.5) → (2, 0.5): (3 + 6)/2 = 4.5; (−0.8, 0.3) → (0, 0.8): 1 + 2.4 = 3.4;
    /// - align true: (−1.5, 0) → (0, 0.5): 2.5; (1.4, 0.2) → (2, 0.6): 3 + 1.8 = 4.8; (3, −3) → (2, 0): 3.
    @Test func bilinearBorder() throws {
        #expect(closeAbsolute(try sample([(-1, -1), (1, 1), (2, 0), (-0.8, 0.3)], .bilinear, .border, align: false), [1, 6, 4.5, 3.4], 1e-12))
        #expect(closeAbsolute(try sample([(-1.5, 0), (1.4, 0.2), (3, -3)], .bilinear, .border, align: true), [2.5, 4.8, 3], 1e-12))
    }

    /// Reflection without align_corners mirrors x about −0.5 and 2.5 (period 6)
    /// and y about −0.5 and 1.5; gy = −0.2 gives py = 0.3 throughout.
    /// - gx = −1.4 → px = −1.1 → 0.1: 1 + 0.9 + 0.1 = 2.0;
    /// - gx = 1.6 → 3.4 → 1.6; gx = 5.6 → 9.4 → 1.6 (one period on);
    ///   gx = −2.4 → −2.6 → 1.6; gx = −3.6 → −4.4 → 1.6: all 1 + 0.9 + 1.6 = 3.5;
    /// - (−1, −1) → (−0.5, −0.5): on the axes, then clipped to (0, 0): 1.
    @Test func bilinearReflectionWithoutAlignCorners() throws {
        let got = try sample([(-1.4, -0.2), (1.6, -0.2), (5.6, -0.2), (-2.4, -0.2), (-3.6, -0.2), (-1, -1)],
                             .bilinear, .reflection, align: false)
        #expect(closeAbsolute(got, [2.0, 3.5, 3.5, 3.5, 3.5, 1], 1e-12))
    }

    /// Reflection with align_corners mirrors x about 0 and 2 (period 4), y about
    /// 0 and 1; gy = −0.4 gives py = 0.3.
    /// - gx = −1.5 → −0.5 → 0.5: 1 + 0.9 + 0.5 = 2.4;
    /// - gx = 1.7 → 2.7 → 1.3, and gx = 5.7 → 6.7 → 1.3: 1 + 0.9 + 1.3 = 3.2;
    /// - gy = 1.6 → py = 1.3 → 0.7 at gx = 0 (px 1): 1 + 2.1 + 1 = 4.1.
    @Test func bilinearReflectionWithAlignCorners() throws {
        let got = try sample([(-1.5, -0.4), (1.7, -0.4), (5.7, -0.4), (0, 1.6)], .bilinear, .reflection, align: true)
        #expect(closeAbsolute(got, [2.4, 3.2, 3.2, 4.1], 1e-12))
    }

    // MARK: grid_sample, nearest

    /// Nearest rounds half to even (nearbyint), also at the image edge. With
    /// align_corners true px = gx + 1 and py = (gy + 1)/2, all exact in binary:
    /// px 0.5 → 0, 1.5 → 2, 2.5 → 2 (inside!), −0.5 → −0 → 0 (inside!), −1.5 → −2 (outside);
    /// py 0.5 → 0, 1.5 → 2 (outside).
    @Test func nearestRoundsHalfToEven() throws {
        let points: [(Double, Double)] = [(-0.5, -1), (0.5, -1), (1.5, -1), (-1.5, -1), (-2.5, -1), (-1, 0), (0, 2)]
        let got = try sample(points, .nearest, .zeros, align: true)
        #expect(got == [1, 3, 3, 1, 0, 1, 0])
    }

    /// Nearest with the other paddings, align_corners false:
    /// - border: (0, 1) → (1, 1.5) → clipped (1, 1) → 5; (−2, 0) → (−2, 0.5) → (0, 0.5) → (0, 0) → 1;
    /// - reflection: (1.4, 1.4) → (3.1, 1.9) → (1.9, 1.1) → (2, 1) → 6;
    ///   (−1.4, −0.2) → (−1.1, 0.3) → (0.1, 0.3) → (0, 0) → 1;
    /// - zeros: (0, 1) → (1, 1.5) → row 2, outside → 0.
    @Test func nearestPaddingModes() throws {
        #expect(try sample([(0, 1), (-2, 0)], .nearest, .border, align: false) == [5, 1])
        #expect(try sample([(1.4, 1.4), (-1.4, -0.2)], .nearest, .reflection, align: false) == [6, 1])
        #expect(try sample([(0, 1)], .nearest, .zeros, align: false) == [0])
    }

    // MARK: grid_sample gradients

    /// At (−0.8, 0.3) with zeros padding (value 0.8·3.4, see above), with an
    /// output gradient of 1: out = (px + 1)·(1 + 3·py) near px = −0.2, py = 0.8, so
    /// ∂out/∂px = 3.4, ∂out/∂py = 0.8·3 = 2.4; dpx/dgx = 1.5, dpy/dgy = 1 →
    /// grid gradient (5.1, 2.4). The input gradient is the weights: 0.8·0.2 on
    /// pixel (0,0) and 0.8·0.8 on (1,0).
    /// With border padding px is clipped (derivative 0) and only y moves:
    /// out = 1 + 3·py → (0, 3); input gradient 0.2 and 0.8.
    @Test func bilinearGradientsNearTheBorder() throws {
        let g = grid([(-0.8, 0.3)])
        let upstream = Tensor(shape: [1, 1, 1, 1], scalars: [1])
        let zeros = try gridSampleBackward(upstream, input: image, grid: g, paddingMode: .zeros)
        #expect(closeAbsolute(zeros.grid.scalars, [5.1, 2.4], 1e-12))
        #expect(closeAbsolute(zeros.input.scalars, [0.16, 0, 0, 0.64, 0, 0], 1e-12))
        let border = try gridSampleBackward(upstream, input: image, grid: g, paddingMode: .border)
        #expect(closeAbsolute(border.grid.scalars, [0, 3], 1e-12))
        #expect(closeAbsolute(border.input.scalars, [0.2, 0, 0, 0.8, 0, 0], 1e-12))
    }

    /// Reflection flips the sign of the x derivative once per mirror image.
    /// Along x the plane 1 + 3·py + px has slope 1 and dpx/dgx = 1.5 (align false):
    /// - gx = 1.6 (3.4 → 1.6, mirrored once): −1.5;  gx = 5.6 (9.4, one period + one mirror): −1.5;
    /// - gx = −2.4 (−2.6 → 1.6: mirrored about −0.5 once): −1.5;
    /// - gx = −3.6 (−4.4 → 1.6: mirrored about −0.5, then about 2.5): +1.5.
    /// The y derivative is 3 everywhere (py = 0.3, not mirrored).
    @Test func reflectionFlipsTheGradientSign() throws {
        let g = grid([(1.6, -0.2), (5.6, -0.2), (-2.4, -0.2), (-3.6, -0.2)])
        let upstream = Tensor(repeating: 1, shape: [1, 1, 1, 4])
        let result = try gridSampleBackward(upstream, input: image, grid: g, paddingMode: .reflection)
        #expect(closeAbsolute(result.grid.scalars, [-1.5, 3, -1.5, 3, -1.5, 3, 1.5, 3], 1e-9))
    }

    /// Nearest has a zero grid gradient and sends each output gradient to one pixel.
    @Test func nearestGradients() throws {
        let g = grid([(-0.5, -1), (0.5, -1), (1.5, -1), (-2.5, -1)])
        let upstream = Tensor(shape: [1, 1, 1, 4], scalars: [1, 2, 4, 8])
        let result = try gridSampleBackward(upstream, input: image, grid: g, mode: .nearest, alignCorners: true)
        #expect(result.grid.scalars == Array(repeating: 0, count: 8))
        // Pixels 0, 2, 2 and outside.
        #expect(result.input.scalars == [1, 0, 6, 0, 0, 0])
    }

    // MARK: affine_grid

    /// The base grid: align_corners true uses linspace(−1, 1, n), so W = 3 →
    /// x = (−1, 0, 1), H = 2 → y = (−1, 1); false scales it by (n − 1)/n, the
    /// pixel centres (2i + 1)/n − 1: x = (−2/3, 0, 2/3), y = (−1/2, 1/2). The
    /// identity theta reproduces it, (x, y) last.
    @Test func identityThetaGivesTheBaseGrid() throws {
        let identity = Tensor(shape: [1, 2, 3], scalars: [1, 0, 0, 0, 1, 0])
        let aligned = try affineGrid(identity, size: [1, 1, 2, 3], alignCorners: true)
        #expect(aligned.shape == [1, 2, 3, 2])
        #expect(aligned.scalars == [-1, -1, 0, -1, 1, -1,
                                    -1, 1, 0, 1, 1, 1])
        let centred = try affineGrid(identity, size: [1, 1, 2, 3], alignCorners: false)
        let third: Double = 2.0 / 3
        let expected: [Double] = [-third, -0.5, 0, -0.5, third, -0.5, -third, 0.5, 0, 0.5, third, 0.5]
        #expect(closeAbsolute(centred.scalars, expected, 1e-15))
        let centres: [Double] = (0..<4).map { Double(2 * $0 + 1) / 4 - 1 }
        #expect(closeAbsolute(affineGridCoordinates(4, alignCorners: false), centres, 1e-15))
        #expect(affineGridCoordinates(1, alignCorners: true) == [0])
        #expect(affineGridCoordinates(1, alignCorners: false) == [0])
    }

    /// A rotation by 90° (x' = −y, y' = x) plus a translation (0.5, −0.25),
    /// align_corners true on a 2×2 grid: base points (−1, −1), (1, −1), (−1, 1), (1, 1).
    @Test func rotationAndTranslation() throws {
        let theta = Tensor(shape: [1, 2, 3], scalars: [0, -1, 0.5, 1, 0, -0.25])
        let grid = try affineGrid(theta, size: [1, 3, 2, 2], alignCorners: true)
        #expect(grid.scalars == [1.5, -1.25, 1.5, 0.75, -0.5, -1.25, -0.5, 0.75])
    }

    /// θ̄[j, k] = Σ ḡ[…, j]·(x, y, 1)[k]. With ḡ = (x_w, 1) on W = 3, H = 2,
    /// align_corners true: θ̄[0] = (Σx², Σx·y, Σx) = (4, 0, 0) and θ̄[1] = (Σx, Σy, 6) = (0, 0, 6).
    @Test func affineGridGradient() throws {
        let xs: [Double] = [-1, 0, 1]
        let gradGrid = Tensor(shape: [1, 2, 3, 2], scalars: (0..<2).flatMap { _ in xs.flatMap { [$0, 1] } })
        let gradTheta = try affineGridBackward(gradGrid, size: [1, 1, 2, 3], alignCorners: true)
        #expect(gradTheta.shape == [1, 2, 3])
        #expect(gradTheta.scalars == [4, 0, 0, 0, 0, 6])
    }

    /// The identity affine grid without align_corners lands every output pixel
    /// on the centre of the same input pixel, so bilinear sampling returns the
    /// input (to rounding: the base coordinates (2i + 1)/n − 1 are not all exact
    /// in binary) and nearest returns it exactly.
    @Test func identityGridSampleReproducesTheInput() throws {
        let shape = [2, 3, 5, 4]
        var rng = RandomGenerator(seed: 5)
        let x = rng.normalTensor(shape)
        let theta = Tensor(shape: [2, 2, 3], scalars: [1, 0, 0, 0, 1, 0, 1, 0, 0, 0, 1, 0])
        let grid = try affineGrid(theta, size: shape)
        for padding in GridSamplePadding.allCases {
            #expect(closeAbsolute(try gridSample(x, grid, paddingMode: padding).scalars, x.scalars, 1e-14))
            #expect(try gridSample(x, grid, mode: .nearest, paddingMode: padding).scalars == x.scalars)
        }
        // Through the registry too.
        let viaRegistry = try OpRegistry.op(named: "affine_grid")([theta], ["size": .ints(shape)])[0]
        #expect(viaRegistry == grid)
    }

    // MARK: interpolate

    /// Nearest, scale 2: src = floor(dst·0.5) → (0, 0, 1, 1) on both axes.
    /// Scale 0.5 on 4×4 (values 4h + w): src = floor(dst·2) → (0, 2) → (0, 2, 8, 10).
    /// Size (2, 5) from 3×3 (values 3h + w): ratios 3/2 and 3/5 → rows (0, 1),
    /// columns floor(0, 0.6, 1.2, 1.8, 2.4) = (0, 0, 1, 1, 2).
    @Test func nearestSizesAndValues() throws {
        let small = Tensor(shape: [1, 1, 2, 2], scalars: [1, 2, 3, 4])
        let up = try interpolate(small, scaleFactor: [2])
        #expect(up.shape == [1, 1, 4, 4])
        #expect(up.scalars == [1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4])
        let grid16 = Tensor(shape: [1, 1, 4, 4], scalars: (0..<16).map(Double.init))
        let down = try interpolate(grid16, scaleFactor: [0.5])
        #expect(down.shape == [1, 1, 2, 2])
        #expect(down.scalars == [0, 2, 8, 10])
        let nine = Tensor(shape: [1, 1, 3, 3], scalars: (0..<9).map(Double.init))
        let sized = try interpolate(nine, size: [2, 5])
        #expect(sized.shape == [1, 1, 2, 5])
        #expect(sized.scalars == [0, 0, 1, 1, 2, 3, 3, 4, 4, 5])
    }

    /// PyTorch samples with the user's scale factor: 4 pixels × 1.7 → 6 outputs,
    /// read at floor(dst/1.7) = floor(0, 0.59, 1.18, 1.76, 2.35, 2.94) = (0, 0, 1, 1, 2, 2);
    /// with recompute_scale_factor the ratio is 4/6: floor(0, 0.67, 1.33, 2, 2.67, 3.33) =
    /// (0, 0, 1, 2, 2, 3). The height 1 × 1.7 stays 1.
    @Test func nearestUsesTheGivenScaleFactor() throws {
        let row = Tensor(shape: [1, 1, 1, 4], scalars: [10, 20, 30, 40])
        let given = try interpolate(row, scaleFactor: [1.7])
        #expect(given.shape == [1, 1, 1, 6])
        #expect(given.scalars == [10, 10, 20, 20, 30, 30])
        let recomputed = try interpolate(row, scaleFactor: [1.7], recomputeScaleFactor: true)
        #expect(recomputed.scalars == [10, 10, 20, 30, 30, 40])
    }

    /// ATen floors source indices with `floorf`, i.e. after rounding to Float32:
    /// 11 pixels × 3.7 → 40 outputs; output 37 reads at 37/3.7 = 10 exactly,
    /// which Float64 computes as 9.999999999999998 — PyTorch still reads pixel 10.
    @Test func nearestFloorsLikeFloorf() throws {
        let row = Tensor(shape: [1, 1, 1, 11], scalars: (0..<11).map(Double.init))
        let y = try interpolate(row, scaleFactor: [1, 3.7])
        #expect(y.shape == [1, 1, 1, 40])
        #expect(y.scalars[37] == 10)
        #expect(y.scalars[36] == 9)  // 36/3.7 = 9.73
    }

    /// Bilinear on [[1, 2], [3, 4]] (the plane 1 + 2h + w), scale 2:
    /// - align_corners false: src = max((dst + 0.5)/2 − 0.5, 0) = (0, 0.25, 0.75, 1.25);
    ///   1.25 is past the last pixel and reads it: positions (0, 0.25, 0.75, 1);
    /// - align_corners true: src = dst·(2 − 1)/(4 − 1) = (0, 1/3, 2/3, 1).
    @Test func bilinearScaleTwo() throws {
        let small = Tensor(shape: [1, 1, 2, 2], scalars: [1, 2, 3, 4])
        func plane(_ positions: [Double]) -> [Double] { positions.flatMap { h in positions.map { w in 1 + 2 * h + w } } }
        let centred = try interpolate(small, scaleFactor: [2], mode: .bilinear)
        #expect(centred.shape == [1, 1, 4, 4])
        #expect(closeAbsolute(centred.scalars, plane([0, 0.25, 0.75, 1]), 1e-12))
        #expect(closeAbsolute(centred.scalars, [1, 1.25, 1.75, 2, 1.5, 1.75, 2.25, 2.5, 2.5, 2.75, 3.25, 3.5, 3, 3.25, 3.75, 4], 1e-12))
        let aligned = try interpolate(small, scaleFactor: [2], mode: .bilinear, alignCorners: true)
        #expect(closeAbsolute(aligned.scalars, plane([0, 1.0 / 3, 2.0 / 3, 1]), 1e-12))
    }

    /// Bilinear, scale 0.5 on the 4×4 plane 4h + w: align_corners false reads at
    /// (dst + 0.5)·2 − 0.5 = (0.5, 2.5) → (2.5, 4.5, 10.5, 12.5); true at dst·3 = (0, 3) → (0, 3, 12, 15).
    @Test func bilinearScaleHalf() throws {
        let grid16 = Tensor(shape: [1, 1, 4, 4], scalars: (0..<16).map(Double.init))
        #expect(closeAbsolute(try interpolate(grid16, scaleFactor: [0.5], mode: .bilinear).scalars, [2.5, 4.5, 10.5, 12.5], 1e-12))
        #expect(closeAbsolute(try interpolate(grid16, scaleFactor: [0.5], mode: .bilinear, alignCorners: true).scalars, [0, 3, 12, 15], 1e-12))
    }

    /// Bilinear to size (3, 2) from the 2×3 plane 1 + 3h + w:
    /// - align_corners false: rows at (dst + 0.5)·2/3 − 0.5 = (−1/6 → 0, 0.5, 7/6 → past the last row, reads it),
    ///   columns at (dst + 0.5)·1.5 − 0.5 = (0.25, 1.75);
    /// - align_corners true: rows at dst·1/2 = (0, 0.5, 1), columns at dst·2 = (0, 2).
    @Test func bilinearToASize() throws {
        let centred = try interpolate(image, size: [3, 2], mode: .bilinear)
        #expect(centred.shape == [1, 1, 3, 2])
        #expect(closeAbsolute(centred.scalars, [1.25, 2.75, 2.75, 4.25, 4.25, 5.75], 1e-12))
        let aligned = try interpolate(image, size: [3, 2], mode: .bilinear, alignCorners: true)
        #expect(closeAbsolute(aligned.scalars, [1, 3, 2.5, 4.5, 4, 6], 1e-12))
    }

    /// A scale factor that leaves a size unchanged (4 × 1.2 → 4): bilinear
    /// copies (PyTorch's equal-size rule), nearest still reads at floor(dst/1.2) =
    /// (0, 0, 1, 2). Two channels, so that PyTorch takes its NCHW kernel.
    @Test func unchangedSizeUnderAScaleFactor() throws {
        let x = Tensor(shape: [1, 2, 4, 4], scalars: (0..<32).map(Double.init))
        #expect(try interpolate(x, scaleFactor: [1.2], mode: .bilinear) == x)
        let nearest = try interpolate(x, scaleFactor: [1.2])
        let indices = [0, 0, 1, 2]
        let expected = (0..<2).flatMap { c in indices.flatMap { h in indices.map { w in Double(16 * c + 4 * h + w) } } }
        #expect(nearest.scalars == expected)
    }

    /// The VJP adds each output gradient to its source pixels: nearest scale 2
    /// of a 2×2 image sends four outputs to each pixel; bilinear with
    /// align_corners, one output of a 2→3 row at 0.5 splits between both pixels.
    @Test func interpolateGradients() throws {
        let g = try interpolateBackward(Tensor(repeating: 1, shape: [1, 1, 4, 4]), inputShape: [1, 1, 2, 2], scaleFactor: [2])
        #expect(g.scalars == [4, 4, 4, 4])
        let b = try interpolateBackward(Tensor(shape: [1, 1, 1, 3], scalars: [1, 2, 4]), inputShape: [1, 1, 1, 2],
                                        size: [1, 3], mode: .bilinear, alignCorners: true)
        #expect(b.scalars == [2, 5])  // 1 + ½·2 and ½·2 + 4
    }

    // MARK: bad input

    @Test func badGridSampleInputsThrow() throws {
        let x = Tensor.zeros([2, 1, 3, 3])
        #expect(throws: RefvisError.self) { try gridSample(x, Tensor.zeros([2, 2, 2, 3])) }  // last dimension not 2
        #expect(throws: RefvisError.self) { try gridSample(x, Tensor.zeros([2, 4, 2])) }  // rank 3 grid
        #expect(throws: RefvisError.self) { try gridSample(x, Tensor.zeros([1, 2, 2, 2])) }  // batch mismatch
        #expect(throws: RefvisError.self) { try gridSample(Tensor.zeros([1, 3, 3]), Tensor.zeros([1, 2, 2, 2])) }
        #expect(throws: RefvisError.self) { try gridSample(Tensor.zeros([2, 1, 0, 3]), Tensor.zeros([2, 2, 2, 2])) }
        #expect(throws: RefvisError.self) {
            try gridSampleBackward(Tensor.zeros([2, 1, 3, 2]), input: x, grid: Tensor.zeros([2, 2, 2, 2]))
        }
        // An empty output is fine.
        #expect(try gridSample(x, Tensor.zeros([2, 0, 4, 2])).shape == [2, 1, 0, 4])
        // Unknown modes are rejected by the registry as usage errors.
        let op = try OpRegistry.op(named: "grid_sample")
        let grid = Tensor.zeros([2, 2, 2, 2])
        for attributes: [String: AttributeValue] in [["mode": .string("bicubic")], ["padding_mode": .string("circular")],
                                                     ["align_corners": .string("yes")]] {
            do {
                _ = try op([x, grid], attributes)
                Issue.record("grid_sample accepted \(attributes)")
            } catch let error as RefvisError {
                #expect(error.kind == .usage)
            }
        }
        // Non-finite grid values do not trap: zeros-padded bilinear gives nan, nearest 0.
        let odd = Tensor(shape: [2, 1, 1, 2], scalars: [.nan, 0, .infinity, 0])
        #expect(try gridSample(x, odd).scalars.allSatisfy(\.isNaN))
        #expect(try gridSample(x, odd, mode: .nearest).scalars == [0, 0])
        #expect(try gridSample(x, odd, paddingMode: .reflection).scalars.allSatisfy(\.isFinite))
        #expect(try gridSample(x, Tensor(shape: [2, 1, 1, 2], scalars: [1e300, 0, -1e300, 0])).scalars == [0, 0])
    }

    @Test func badAffineGridInputsThrow() throws {
        let theta = Tensor.zeros([1, 2, 3])
        #expect(throws: RefvisError.self) { try affineGrid(Tensor.zeros([1, 3, 3]), size: [1, 1, 2, 2]) }
        #expect(throws: RefvisError.self) { try affineGrid(Tensor.zeros([2, 3]), size: [1, 1, 2, 2]) }
        #expect(throws: RefvisError.self) { try affineGrid(theta, size: [2, 1, 2, 2]) }  // batch mismatch
        #expect(throws: RefvisError.self) { try affineGrid(theta, size: [1, 1, 0, 2]) }
        #expect(throws: RefvisError.self) { try affineGrid(theta, size: [1, 1, 2, -2]) }
        #expect(throws: RefvisError.self) { try affineGrid(theta, size: [1, 2, 2]) }
        #expect(throws: RefvisError.self) { try affineGrid(theta, size: [1, 1, 2, 2, 2]) }  // 3-d grids not offered
        #expect(throws: RefvisError.self) { try affineGridBackward(Tensor.zeros([1, 2, 2, 3]), size: [1, 1, 2, 2]) }
        do {
            _ = try OpRegistry.op(named: "affine_grid")([theta], [:])
            Issue.record("missing size accepted")
        } catch let error as RefvisError {
            #expect(error.message.contains("size"))
        }
    }

    @Test func badInterpolateArgumentsThrow() throws {
        let x = Tensor.zeros([1, 2, 4, 4])
        #expect(throws: RefvisError.self) { try interpolate(x, size: [2], scaleFactor: [2]) }  // both
        #expect(throws: RefvisError.self) { try interpolate(x) }  // neither
        #expect(throws: RefvisError.self) { try interpolate(x, size: [2], alignCorners: false) }  // nearest with align_corners
        #expect(throws: RefvisError.self) { try interpolate(x, size: [2], mode: .bilinear, recomputeScaleFactor: true) }
        #expect(throws: RefvisError.self) { try interpolate(x, size: [0]) }
        #expect(throws: RefvisError.self) { try interpolate(x, size: [3, -1]) }
        #expect(throws: RefvisError.self) { try interpolate(x, size: [2, 2, 2]) }
        #expect(throws: RefvisError.self) { try interpolate(x, scaleFactor: [0]) }
        #expect(throws: RefvisError.self) { try interpolate(x, scaleFactor: [-2]) }
        #expect(throws: RefvisError.self) { try interpolate(x, scaleFactor: [.nan]) }
        #expect(throws: RefvisError.self) { try interpolate(x, scaleFactor: [0.2]) }  // floor(0.8) = 0 pixels
        #expect(throws: RefvisError.self) { try interpolate(x, scaleFactor: [1e12]) }  // far too large
        #expect(throws: RefvisError.self) { try interpolate(Tensor.zeros([2, 4, 4]), scaleFactor: [2]) }  // 3-D
        #expect(throws: RefvisError.self) { try interpolate(Tensor.zeros([1, 0, 4, 4]), scaleFactor: [2]) }
        #expect(throws: RefvisError.self) {
            try interpolateBackward(Tensor.zeros([1, 2, 4, 4]), inputShape: x.shape, scaleFactor: [2])
        }
        let op = try OpRegistry.op(named: "interpolate")
        #expect(throws: RefvisError.self) { try op([x], ["size": .ints([2]), "mode": .string("bicubic")]) }
        #expect(throws: RefvisError.self) { try op([x], ["size": .ints([2]), "align_corners": .bool(true)]) }
        #expect(try op([x], ["scale_factor": .doubles([0.5]), "mode": .string("bilinear"), "align_corners": .bool(true)])[0].shape
                == [1, 2, 2, 2])
    }
}
