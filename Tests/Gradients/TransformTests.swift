import Foundation
import Testing
@testable import ReferenceCore
@testable import ReferenceIO
@testable import ReferenceVis
@testable import ReferenceLab
@testable import ReferenceTestSupport

// The transforms on small images, outputs worked out by hand.

/// Applies one transform with the given recorded choices (a replay of a one-record trace).
private func applyWith(_ transform: any Transform, _ choices: [String: Double], to image: Tensor) throws -> Tensor {
    let tape = Tape()
    let trace = TransformTrace(records: [TransformRecord(step: 0, transform: 0, kind: transform.kind, choices: choices)])
    return tape.value(try compose([transform]).replay(tape.variable(image), on: tape, step: 0, from: trace))
}

/// A 1×1×n×n image holding 0, 1, …, n² − 1 in row-major order.
private func arange(_ n: Int, channels: Int = 1) -> Tensor {
    Tensor(shape: [1, channels, n, n], scalars: (0..<(channels * n * n)).map(Double.init))
}

private func image(_ rows: [[Double]]) -> Tensor {
    Tensor(shape: [1, 1, rows.count, rows[0].count], scalars: rows.flatMap { $0 })
}

@Suite("Transforms: hand-worked outputs")
struct TransformOutputTests {
    @Test func lucentJitterTranslatesWithZeroFill() throws {
        // dx = 1 (right), dy = 2 (down): out[y][x] = in[y − 2][x − 1].
        let out = try applyWith(LucentJitter(3), ["dx": 1, "dy": 2], to: arange(4))
        #expect(out == image([[0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 1, 2], [0, 4, 5, 6]]))
    }

    @Test func lucidJitterCrops() throws {
        // d = 2: a 2×2 crop at rows 1…2, columns 2…3.
        let out = try applyWith(LucidJitter(2), ["oy": 1, "ox": 2], to: arange(4))
        #expect(out == image([[6, 7], [10, 11]]))
    }

    @Test func reflectJitterPadsByTauPlusOneAndCrops() throws {
        // τ = 1: reflect-pad by 2, crop at (a, b) = (1, 2): out[y][x] = in[reflect(y − 1)][x].
        let out = try applyWith(ReflectJitter(tau: 1), ["a": 1, "b": 2], to: arange(4))
        #expect(out == image([[4, 5, 6, 7], [0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11]]))
        // (a, b) = (2, 2) is τ + 1: the unshifted image.
        #expect(try applyWith(ReflectJitter(tau: 1), ["a": 2, "b": 2], to: arange(4)) == arange(4))
    }

    @Test func rollJitterRollsCircularly() throws {
        // ox = 1, oy = −1: out[y][x] = in[(y + 1) mod 4][(x − 1) mod 4].
        let out = try applyWith(RollJitter(maxJitter: 2), ["ox": 1, "oy": -1], to: arange(4))
        #expect(out == image([[7, 4, 5, 6], [11, 8, 9, 10], [15, 12, 13, 14], [3, 0, 1, 2]]))
    }

    @Test func padConstantAndReflect() throws {
        let constant = try applyWith(PadTransform(1, fill: .constant(0.5)), [:], to: image([[1, 2], [3, 4]]))
        #expect(constant == image([[0.5, 0.5, 0.5, 0.5], [0.5, 1, 2, 0.5], [0.5, 3, 4, 0.5], [0.5, 0.5, 0.5, 0.5]]))
        let reflect = try applyWith(PadTransform(1, fill: .reflect), [:], to: arange(3))
        #expect(reflect == image([[4, 3, 4, 5, 4], [1, 0, 1, 2, 1], [4, 3, 4, 5, 4], [7, 6, 7, 8, 7], [4, 3, 4, 5, 4]]))
        let uniform = try applyWith(PadTransform(1, fill: .uniformConstant), ["value": 0.25], to: image([[1]]))
        #expect(uniform == image([[0.25, 0.25, 0.25], [0.25, 1, 0.25], [0.25, 0.25, 0.25]]))
    }

    @Test func rotationBy90DegreesIsRot90() throws {
        // Counter-clockwise on screen: np.rot90.
        let rot3 = image([[2, 5, 8], [1, 4, 7], [0, 3, 6]])
        let rot4 = image([[3, 7, 11, 15], [2, 6, 10, 14], [1, 5, 9, 13], [0, 4, 8, 12]])
        #expect(try applyWith(LucentRandomRotate([90], mode: .nearest), ["angle": 90], to: arange(3)) == rot3)
        #expect(try applyWith(LucentRandomRotate([90], mode: .nearest), ["angle": 90], to: arange(4)) == rot4)
        // Lucid's rotation (nearest, 3.14 for π) lands on the same pixels here.
        #expect(try applyWith(LucidRandomRotate([90]), ["angle": 90], to: arange(3)) == rot3)
        // Bilinear: cos(π/2) ≈ 6e-17 leaves tiny weights on neighbours.
        let bilinear = try applyWith(LucentRandomRotate([90]), ["angle": 90], to: arange(4))
        for (a, b) in zip(bilinear.scalars, rot4.scalars) { #expect(abs(a - b) < 1e-12) }
        // Radians: π/2 is the same rotation.
        let radians = try applyWith(LucentRandomRotate([Double.pi / 2], units: .radians, mode: .nearest),
                                    ["angle": Double.pi / 2], to: arange(3))
        #expect(radians == rot3)
    }

    @Test func rotationMatchesThePixelSpaceDefinitionOnANonSquareImage() throws {
        // Lucent (kornia warp_affine): out(p) = bilinear(in, c + R(α)(p − c)), zeros outside,
        // c = ((W − 1)/2, (H − 1)/2), R(α) = [[cos, −sin], [sin, cos]] — computed here directly.
        let (h, w) = (5, 7)
        let x = Tensor(shape: [1, 1, h, w], scalars: (0..<(h * w)).map { Double(($0 * 17) % 23) })
        let out = try applyWith(LucentRandomRotate([20]), ["angle": 20], to: x)
        let a = 20 * Double.pi / 180, cx = Double(w - 1) / 2, cy = Double(h - 1) / 2
        func pixel(_ r: Int, _ c: Int) -> Double { (0..<h).contains(r) && (0..<w).contains(c) ? x.scalars[r * w + c] : 0 }
        for y in 0..<h {
            for xx in 0..<w {
                let u = Double(xx) - cx, v = Double(y) - cy
                let sx = cx + cos(a) * u - sin(a) * v, sy = cy + sin(a) * u + cos(a) * v
                let x0 = Int(sx.rounded(.down)), y0 = Int(sy.rounded(.down))
                let fx = sx - Double(x0), fy = sy - Double(y0)
                let expected = pixel(y0, x0) * (1 - fx) * (1 - fy) + pixel(y0, x0 + 1) * fx * (1 - fy)
                    + pixel(y0 + 1, x0) * (1 - fx) * fy + pixel(y0 + 1, x0 + 1) * fx * fy
                #expect(abs(out.scalars[y * w + xx] - expected) < 1e-12, "pixel (\(y), \(xx))")
            }
        }
    }

    @Test func rotationByZeroAndScaleByOneAreIdentities() throws {
        let x = Tensor(shape: [2, 3, 5, 4], scalars: (0..<120).map { Double($0) * 0.37 - 5 })
        #expect(try applyWith(LucentRandomScale([1]), ["scale": 1], to: x) == x)
        #expect(try applyWith(LucidRandomScale([1]), ["scale": 1], to: x) == x)
        #expect(try applyWith(LucentRandomRotate([0]), ["angle": 0], to: x) == x)
        #expect(try applyWith(LucidRandomRotate([0]), ["angle": 0], to: x) == x)
    }

    @Test func lucentScaleUpsamplesAlignCornersAndPads() throws {
        // s = 0.5 of 4: ⌈2⌉ = 2 pixels at the corners (align_corners), pad ⌈1⌉ = 1 each side.
        let out = try applyWith(LucentRandomScale([0.5]), ["scale": 0.5], to: arange(4))
        #expect(out == image([[0, 0, 0, 0], [0, 0, 3, 0], [0, 12, 15, 0], [0, 0, 0, 0]]))
        // s = 1.5 of 2: 3 pixels, midpoints interpolated, no pad (the image grows).
        let up = try applyWith(LucentRandomScale([1.5]), ["scale": 1.5], to: image([[0, 2], [4, 6]]))
        #expect(up == image([[0, 1, 2], [2, 3, 4], [4, 5, 6]]))
    }

    @Test func lucidScaleUsesTFLegacyResize() throws {
        // s = 0.5 of 4 → 2: TF1 legacy resize samples at j·4/2 = 0, 2.
        let out = try applyWith(LucidRandomScale([0.5]), ["scale": 0.5], to: arange(4))
        #expect(out == image([[0, 2], [8, 10]]))
    }

    @Test func scaleGeometryMatchesNumPyAndTensorFlowArithmetic() throws {
        // Sizes of a 10-pixel side for the standard scales (worked out with NumPy:
        // ceil(s*10) in float64; int(float32(s)*float32(10)) for Lucid).
        let lucent = StandardTransforms.scales.map { LucentRandomScale.geometry(scale: $0, height: 10, width: 10).size[0] }
        #expect(lucent == [9, 10, 10, 10, 10, 10, 11, 11, 11, 11, 11])
        let lucid = StandardTransforms.scales.map { LucidRandomScale.scaledSize(scale: $0, size: 10) }
        #expect(lucid == [9, 9, 9, 9, 9, 10, 10, 10, 10, 10, 11])
        #expect(LucidRandomScale.scaledSize(scale: 0.9, size: 224) == 201)
        // Lucent's pad list [pad_y, pad_x] * 2: width pads (pad_y, pad_x), height (pad_y, pad_x).
        let g = LucentRandomScale.geometry(scale: 0.5, height: 6, width: 10)
        #expect(g.size == [3, 5])
        #expect(g.pad == [2, 3, 2, 3])
        let shape = try applyWith(LucentRandomScale([0.5]), ["scale": 0.5],
                                  to: Tensor(repeating: 1, shape: [1, 1, 6, 10])).shape
        #expect(shape == [1, 1, 3 + 2 + 3, 5 + 2 + 3])
    }

    @Test func scaledRotationMakesRotatedCopies() throws {
        let x = Tensor(shape: [1, 2, 4, 4], scalars: (0..<32).map(Double.init))
        var choices: [String: Double] = [:]
        for k in 0..<3 { choices["angle_\(k)"] = 0; choices["scale_\(k)"] = 1 }
        let out = try applyWith(ScaledRotation(copies: 3), choices, to: x)
        #expect(out.shape == [3, 2, 4, 4])
        // Angle 0 and scale 1 reproduce the image in every copy (to rounding of the grid).
        for k in 0..<3 {
            for i in 0..<32 { #expect(abs(out.scalars[k * 32 + i] - x.scalars[i]) < 1e-12) }
        }
        // Scale 2 with align_corners = false: the base coordinates (2p + 1)/4 − 1 = ±0.25, ±0.75
        // doubled are ±0.5, ±1.5, i.e. pixel positions (g + 1)·2 − 0.5 = −1.5, 0.5, 2.5, 4.5.
        // 0.5 and 2.5 average pixels (0, 1) and (2, 3); −1.5 and 4.5 fall between two
        // outside pixels and read 0: the image shrinks to the centre 2×2, each a 2×2 mean.
        let scaled = try applyWith(ScaledRotation(copies: 1, angles: [0], scales: [2]), ["angle_0": 0, "scale_0": 2],
                                   to: arange(4))
        #expect(scaled == image([[0, 0, 0, 0], [0, 2.5, 4.5, 0], [0, 10.5, 12.5, 0], [0, 0, 0, 0]]))
    }

    @Test func normalizeAndInceptionPreprocessing() throws {
        let x = Tensor(shape: [1, 3, 1, 2], scalars: [0.485, 0.714, 0.456, 0.904, 1, 0.181])
        let normalized = try applyWith(Normalize(), [:], to: x)
        let expected = [0, (0.714 - 0.485) / 0.229, 0, (0.904 - 0.456) / 0.224, (1 - 0.406) / 0.225, (0.181 - 0.406) / 0.225]
        #expect(normalized.scalars == expected)
        let inception = try applyWith(PreprocessInceptionV1(), [:], to: image([[0, 1, 0.5]]))
        #expect(inception == image([[-117, 138, 10.5]]))
        let up = try applyWith(Upsample(size: 3), [:], to: image([[0, 2], [4, 6]]))
        #expect(up == image([[0, 1, 2], [2, 3, 4], [4, 5, 6]]))
    }
}
