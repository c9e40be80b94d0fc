import Testing
import ReferenceCore
import ReferenceIO
import ReferenceVis
import ReferenceLab
import ReferenceTestSupport

/// A (C, H, W) test image for the scikit-image comparison: rounded normal
/// draws, the last two columns raised by 1 (generated with NumPy; see below).
private let skimageInput: [Double] = [
    0.001, 0.299, -0.274, 0.10899999999999999, 0.5449999999999999, -0.992, 0.06, 1.34, 0.508, 0.38,
    0.49, 0.357, 0.105, 0.06999999999999995, 0.971, 0.695, -1.344, -0.458, -0.901, -0.29000000000000004,
    -1.842, -0.235, -1.267, 1.271, 1.157, -0.187, -2.517, -0.539, 0.951, 1.113,
    -1.53, -0.478, -0.979, 0.19099999999999995, 2.061, -0.808, -0.033, 0.884, 0.41600000000000004, 0.888,
]

@Suite("Total-variation denoising (Chambolle, scikit-image's iteration)")
struct TotalVariationDenoisingTests {
    @Test func aConstantImageStaysConstant() throws {
        // Its differences are 0, so the dual field p stays 0 and out = image
        // in every iteration (E₀ = 0: the stopping test never fires).
        let constant = Tensor(repeating: 0.75, shape: [2, 3, 6, 5])
        #expect(try denoiseTVChambolle(constant, weight: 0.2) == constant)
        #expect(try denoiseTVChambolleND(constant, weight: 0.2) == constant)
    }

    @Test func firstIterationByHand() throws {
        // A 1×3 plane f = [0, 1, 3], weight 0.5, τ = 1/4 (two axes).
        // i = 0: out = f; g = (0, [1, 2, 0]); |g| = [1, 2, 0]; E₀ = 0.5·3/3 = 0.5;
        //        p = (0 − τg) / (1 + (τ/w)|g|) = −[0.25, 0.5, 0] / [1.5, 2, 1] = [−1/6, −1/4, 0].
        // i = 1: div = −p + p shifted right = [1/6, 1/4 − 1/6, 0 − 1/4] = [1/6, 1/12, −1/4];
        //        out = [1/6, 13/12, 11/4] (the mean 4/3 is kept).
        let f = Tensor(shape: [1, 3], scalars: [0, 1, 3])
        let expected: [Double] = [1.0 / 6, 13.0 / 12, 11.0 / 4]
        let two = try denoiseTVChambolle(f, weight: 0.5, maxNumIter: 2)
        #expect(close(two.scalars, expected, 1e-14))
        // One iteration returns the input itself.
        #expect(try denoiseTVChambolle(f, weight: 0.5, maxNumIter: 1) == f)
        // Stopping rule: at i = 1, E = (7/72 + 0.5·31/12)/3 = 25/54 and
        // |E₀ − E| = 1/27 < eps·E₀ for eps = 1, so it stops with the i = 1 image.
        let stopped = try denoiseTVChambolle(f, weight: 0.5, eps: 1)
        #expect(close(stopped.scalars, expected, 1e-14))
        // For eps = 0.07 (1/27 > 0.035) it goes on, to [0.2714…, 1.0922…, 2.6364…] (skimage).
        let continued = try denoiseTVChambolle(f, weight: 0.5, eps: 0.07)
        #expect(!close(continued.scalars, expected, 1e-6))
        #expect(abs(continued.scalars[0] - 0.27142857) < 1e-8)
    }

    @Test func aNoisyStepKeepsItsEdgeAndLosesItsNoise() throws {
        // 16×16: left half 0, right half 1, plus uniform noise in ±0.15.
        var rng = RandomGenerator(seed: 11)
        let (h, w) = (16, 16)
        let clean = Tensor(shape: [1, 1, h, w], generator: { $0 % w >= w / 2 ? 1 : 0 })
        let noisy = clean.zipMap(rng.uniformTensor([1, 1, h, w], -0.15, 0.15)) { $0 + $1 }
        let denoised = try denoiseTVChambolle(noisy, weight: 0.1)
        // Total variation (l1) drops to well under half.
        let before = try totalVariation(noisy).scalars[0], after = try totalVariation(denoised).scalars[0]
        #expect(after < 0.5 * before)
        // The edge stays: the halves' means are still about 1 apart.
        func halfMean(_ t: Tensor, right: Bool) -> Double {
            var total = 0.0
            for k in 0..<t.count where (k % w >= w / 2) == right { total += t.scalars[k] }
            return total / Double(t.count / 2)
        }
        let step = halfMean(denoised, right: true) - halfMean(denoised, right: false)
        #expect(step > 0.8)
        // The noise goes: the distance to the clean step shrinks.
        func distance(_ t: Tensor) -> Double {
            var total = 0.0
            for k in 0..<t.count { total += (t.scalars[k] - clean.scalars[k]) * (t.scalars[k] - clean.scalars[k]) }
            return total
        }
        let (noiseBefore, noiseAfter) = (distance(noisy), distance(denoised))
        #expect(noiseAfter < 0.5 * noiseBefore)
    }

    @Test func aTinyWeightChangesNothing() throws {
        // |p| ≤ weight, so the image moves by at most a few times the weight.
        var rng = RandomGenerator(seed: 3)
        let x = rng.normalTensor([2, 2, 5, 7])
        let y = try denoiseTVChambolle(x, weight: 1e-9)
        let change = x.zipMap(y) { $0 - $1 }.maxAbs
        #expect(change < 1e-8)
    }

    @Test func matchesScikitImagePerChannel() throws {
        // skimage 0.26 denoise_tv_chambolle(moveaxis(x, 0, -1), weight=0.3,
        // channel_axis=-1), in float64, moved back to (C, H, W).
        let x = Tensor(shape: [2, 4, 5], scalars: skimageInput)
        let y = try denoiseTVChambolle(x, weight: 0.3)
        let expected: [Double] = [
            -0.05637373193397535, 0.15171607903265724, 0.15158128297816426, 0.3079266931856923, 0.3658796914665492,
            -0.3298143351370948, 0.15287590026226303, 0.4095649535733801, 0.3225492019965302, 0.37477760704266305,
            0.2187479978130461, 0.1917837030965121, 0.13505188192654285, 0.16628290471214507, 0.3856380785175746,
            0.23926099362908404, -0.46008485220579853, -0.38914386279315505, -0.3844993240046479, -0.28272086315813294,
            -1.4177780274004896, -0.782554284471126, -0.8772046673464526, 0.9544671792771462, 1.07150054811812,
            -0.7781946354030869, -1.5106054227114667, -0.526151433193988, 0.8271761052703483, 1.0934520301442556,
            -1.0169203968854017, -0.5975128392776549, -0.5728097078757615, 0.51659151394992, 1.1934934896587077,
            -0.6931933957395923, -0.32355718369966613, 0.5202583630806834, 0.5462228191394629, 0.890319945366042,
        ]
        #expect(close(y.scalars, expected, 1e-12))
        // A batch is its images denoised one by one.
        let flipped: [Double] = skimageInput.reversed()
        let batch = Tensor(shape: [2, 2, 4, 5], scalars: skimageInput + flipped)
        let reversed = try denoiseTVChambolle(Tensor(shape: [2, 4, 5], scalars: flipped), weight: 0.3)
        let oneByOne: [Double] = y.scalars + reversed.scalars
        #expect(try denoiseTVChambolle(batch, weight: 0.3).scalars == oneByOne)
    }

    @Test func matchesScikitImageOnTheWholeArray() throws {
        // skimage denoise_tv_chambolle(x, weight=0.3) with no channel_axis on
        // the (2, 4, 5) array: τ = 1/6, channels coupled — the Keras seed's call.
        let x = Tensor(shape: [2, 4, 5], scalars: skimageInput)
        let y = try denoiseTVChambolleND(x, weight: 0.3)
        let expected: [Double] = [
            -0.29688499405299773, -0.0982406755577171, -0.09758602727556062, 0.41851669853507245, 0.6370532565052335,
            -0.5478285639943828, -0.1472097399483365, 0.5537351294638193, 0.4888661974009696, 0.621035231030016,
            0.009716602476305958, -0.045258470096706305, -0.0023475824019242447, 0.22250280796488314, 0.6505482590317937,
            0.19994242685159763, -0.49869240221629973, -0.26434455552235003, -0.26621878029709223, 0.09895744774145254,
            -1.1408343569394521, -0.5289656849298878, -0.6728290023670316, 0.7281806311752543, 0.8058324624293407,
            -0.6672210800408434, -1.2517990545697368, -0.3131977794462157, 0.6435402771030221, 0.8334888985156889,
            -0.7694685537035884, -0.41675519889454005, -0.39772232939229357, 0.3863324165329367, 1.017842492482528,
            -0.5022684844562577, -0.3745883985478088, 0.26002012830863297, 0.31424678117548027, 0.597903569926995,
        ]
        #expect(close(y.scalars, expected, 1e-12))
    }

    @Test func badInputsThrow() {
        let x = Tensor.zeros([1, 4, 4])
        expectError(["weight", "> 0"]) { _ = try denoiseTVChambolle(x, weight: 0) }
        expectError(["weight"]) { _ = try denoiseTVChambolle(x, weight: -0.1) }
        expectError(["eps", ">= 0"]) { _ = try denoiseTVChambolle(x, eps: -1) }
        expectError(["max_num_iter", ">= 1"]) { _ = try denoiseTVChambolle(x, maxNumIter: 0) }
        expectError(["(4,)"]) { _ = try denoiseTVChambolle(Tensor.zeros([4])) }
        expectError(["(1, 1, 1, 2, 2)"]) { _ = try denoiseTVChambolle(Tensor.zeros([1, 1, 1, 2, 2])) }
        expectError(["scalar"]) { _ = try denoiseTVChambolleND(Tensor(scalar: 1)) }
    }
}
