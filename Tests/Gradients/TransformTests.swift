import Foundation
import Testing
@testable import ReferenceCore
@testable import ReferenceIO
@testable import ReferenceVis
@testable import ReferenceLab
@testable import ReferenceTestSupport

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

@Suite("Transforms: shapes, determinism, replay")
struct TransformRunTests {
    @Test func jitterShapes() throws {
        var rng = RandomGenerator(seed: 3)
        var trace = TransformTrace()
        let tape = Tape()
        let x = tape.variable(Tensor(repeating: 0.5, shape: [2, 3, 20, 17]))
        let lucid = try compose([LucidJitter(8)]).apply(x, on: tape, step: 0, rng: &rng, trace: &trace)
        #expect(tape.value(lucid).shape == [2, 3, 12, 9])
        let lucent = try compose([LucentJitter(8), ReflectJitter(tau: 4), RollJitter(maxJitter: 5)])
            .apply(x, on: tape, step: 1, rng: &rng, trace: &trace)
        #expect(tape.value(lucent).shape == [2, 3, 20, 17])
        let rotated = try compose([ScaledRotation()]).apply(x, on: tape, step: 2, rng: &rng, trace: &trace)
        #expect(tape.value(rotated).shape == [8, 3, 20, 17])
    }

    @Test func choicesStayInTheirRanges() throws {
        var rng = RandomGenerator(seed: 11)
        var trace = TransformTrace()
        let tape = Tape()
        let x = tape.variable(Tensor(repeating: 1, shape: [1, 1, 12, 12]))
        let pipeline = try compose([LucentJitter(3), LucidJitter(2), ReflectJitter(tau: 2), RollJitter(maxJitter: 1)])
        for step in 0..<200 { _ = try pipeline.apply(x, on: tape, step: step, rng: &rng, trace: &trace) }
        func values(_ kind: String, _ name: String) -> Set<Double> {
            Set(trace.records.filter { $0.kind == kind }.compactMap { $0.choices[name] })
        }
        #expect(values("lucent_jitter", "dx") == [0, 1, 2])
        #expect(values("lucent_jitter", "dy") == [0, 1, 2])
        #expect(values("lucid_jitter", "oy") == [0, 1, 2])
        #expect(values("reflect_jitter", "a") == [2, 3, 4])
        #expect(values("roll_jitter", "ox") == [-1, 0, 1])
        #expect(trace.records.count == 800)
    }

    private func run(seed: UInt64, steps: Int) throws -> (outputs: [Tensor], trace: TransformTrace) {
        var rng = RandomGenerator(seed: seed)
        var trace = TransformTrace(seed: seed)
        let pipeline = compose(try StandardTransforms.lucent())
        var outputs = [Tensor]()
        let x = Tensor(shape: [1, 3, 16, 16], scalars: (0..<768).map { sin(Double($0)) })
        for step in 0..<steps {
            let tape = Tape()
            outputs.append(tape.value(try pipeline.apply(tape.variable(x), on: tape, step: step, rng: &rng, trace: &trace)))
        }
        return (outputs, trace)
    }

    @Test func sameSeedSameChoicesAndBits() throws {
        let first = try run(seed: 42, steps: 4), second = try run(seed: 42, steps: 4)
        #expect(first.trace == second.trace)
        #expect(first.outputs == second.outputs)
        let other = try run(seed: 43, steps: 4)
        #expect(other.trace != first.trace)
    }

    @Test func replayFromFileReproducesBitForBit() throws {
        let (outputs, trace) = try run(seed: 7, steps: 3)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("refvis-trace-\(UUID().uuidString).json").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try trace.write(to: path)
        let read = try TransformTrace.read(path: path)
        #expect(read.records == trace.records)
        #expect(read.seed == 7)
        let pipeline = compose(try StandardTransforms.lucent())
        let x = Tensor(shape: [1, 3, 16, 16], scalars: (0..<768).map { sin(Double($0)) })
        for step in 0..<3 {
            let tape = Tape()
            let replayed = tape.value(try pipeline.replay(tape.variable(x), on: tape, step: step, from: read))
            #expect(replayed == outputs[step])
        }
    }

    @Test func mismatchedReplaysThrow() throws {
        let (_, trace) = try run(seed: 5, steps: 2)
        var named = trace
        named.name = "trace.json"
        let tape = Tape()
        let x = tape.variable(Tensor(repeating: 0.5, shape: [1, 3, 16, 16]))
        // Another pipeline: Lucid's kinds differ at transform 1.
        #expect {
            _ = try compose(try StandardTransforms.lucid()).replay(x, on: tape, step: 0, from: named)
        } throws: { error in
            (error as? RefvisError)?.message == "trace.json: step 0, transform 1 is lucent_jitter in the trace but lucid_jitter in this run"
        }
        // A step that was not recorded.
        #expect {
            _ = try compose(try StandardTransforms.lucent()).replay(x, on: tape, step: 2, from: named)
        } throws: { error in
            (error as? RefvisError)?.message == "trace.json: this run asks for step 2 but the trace records steps 0…1"
        }
        // More and fewer transforms than recorded.
        #expect(throws: RefvisError.self) {
            _ = try compose(try StandardTransforms.lucent() + [PreprocessInceptionV1()]).replay(x, on: tape, step: 0, from: named)
        }
        #expect(throws: RefvisError.self) {
            _ = try compose(Array(try StandardTransforms.lucent().prefix(3))).replay(x, on: tape, step: 0, from: named)
        }
        // A recorded value this run could not choose, and a missing choice.
        let bad = TransformTrace(records: [TransformRecord(step: 0, transform: 0, kind: "lucent_jitter", choices: ["dx": 9, "dy": 0])],
                                 name: "trace.json")
        #expect(throws: RefvisError.self) { _ = try compose([LucentJitter(8)]).replay(x, on: tape, step: 0, from: bad) }
        let missing = TransformTrace(records: [TransformRecord(step: 0, transform: 0, kind: "lucent_jitter", choices: ["dx": 1])])
        #expect(throws: RefvisError.self) { _ = try compose([LucentJitter(8)]).replay(x, on: tape, step: 0, from: missing) }
        let extra = TransformTrace(records: [TransformRecord(step: 0, transform: 0, kind: "pad", choices: ["value": 1])])
        #expect(throws: RefvisError.self) {
            _ = try compose([PadTransform(1, fill: .constant(0.5))]).replay(x, on: tape, step: 0, from: extra)
        }
        let scale = TransformTrace(records: [TransformRecord(step: 0, transform: 0, kind: "lucent_random_scale", choices: ["scale": 1.5])])
        #expect(throws: RefvisError.self) {
            _ = try compose([LucentRandomScale([1, 2])]).replay(x, on: tape, step: 0, from: scale)
        }
    }

    @Test func malformedTracesThrowOneLineErrors() throws {
        let cases: [String] = [
            "not json",
            #"{"format": "refvis-transform-trace", "version": 1}"#,
            #"{"format": "something-else", "version": 1, "records": []}"#,
            #"{"format": "refvis-transform-trace", "version": 2, "records": []}"#,
            #"{"format": "refvis-transform-trace", "version": 1, "records": [{"step": 0, "transform": 1, "kind": "pad", "choices": {}}]}"#,
            #"{"format": "refvis-transform-trace", "version": 1, "records": [{"step": 0, "transform": 0, "kind": "pad"}]}"#,
            #"{"format": "refvis-transform-trace", "version": 1, "records": [{"step": -1, "transform": 0, "kind": "pad", "choices": {}}]}"#,
        ]
        for text in cases {
            #expect {
                _ = try TransformTrace.decode(Data(text.utf8), name: "trace.json")
            } throws: { error in
                guard let message = (error as? RefvisError)?.message else { return false }
                return message.hasPrefix("trace.json: ") && !message.contains("\n")
            }
        }
        #expect(throws: RefvisError.self) { _ = try TransformTrace.read(path: "/nonexistent/refvis/trace.json") }
    }

    @Test func badParametersAndImagesThrow() throws {
        #expect(throws: RefvisError.self) { _ = try LucentJitter(1) }
        #expect(throws: RefvisError.self) { _ = try LucidJitter(-1) }
        #expect(throws: RefvisError.self) { _ = try ReflectJitter(tau: -1) }
        #expect(throws: RefvisError.self) { _ = try LucentRandomScale([]) }
        #expect(throws: RefvisError.self) { _ = try LucidRandomScale([0]) }
        #expect(throws: RefvisError.self) { _ = try LucentRandomRotate([.nan]) }
        #expect(throws: RefvisError.self) { _ = try ScaledRotation(copies: 0) }
        #expect(throws: RefvisError.self) { _ = try Normalize(mean: [0], std: [0]) }
        #expect(throws: RefvisError.self) { _ = try PadTransform(-1) }
        var rng = RandomGenerator(seed: 1)
        var trace = TransformTrace()
        let tape = Tape()
        let small = tape.variable(Tensor(repeating: 0, shape: [1, 1, 3, 3]))
        let flat = tape.variable(Tensor(repeating: 0, shape: [3, 3]))
        for transform in [try LucidJitter(3), try LucentJitter(4), try ReflectJitter(tau: 2)] as [any Transform] {
            #expect(throws: RefvisError.self) { _ = try compose([transform]).apply(small, on: tape, step: 0, rng: &rng, trace: &trace) }
        }
        #expect(throws: RefvisError.self) {
            _ = try compose([try Normalize()]).apply(small, on: tape, step: 0, rng: &rng, trace: &trace)
        }
        #expect(throws: RefvisError.self) {
            _ = try compose([try LucentRandomRotate([5])]).apply(flat, on: tape, step: 0, rng: &rng, trace: &trace)
        }
    }

    @Test func standardTransformLists() throws {
        #expect(StandardTransforms.scales.count == 11)
        #expect(StandardTransforms.scales.first == 0.9)
        #expect(StandardTransforms.scales[5] == 1)
        #expect(StandardTransforms.scales.last == 1.1)
        #expect(StandardTransforms.scales[1] == 0.92)
        #expect(StandardTransforms.angles.count == 26)
        #expect(StandardTransforms.angles.filter { $0 == 0 }.count == 6)
        #expect(StandardTransforms.angles.prefix(21) == ArraySlice((-10...10).map(Double.init)))
        #expect(try lucentStandardTransforms().map(\.kind)
                == ["pad", "lucent_jitter", "lucent_random_scale", "lucent_random_rotate", "lucent_jitter"])
        #expect(try lucidStandardTransforms().map(\.kind)
                == ["pad", "lucid_jitter", "lucid_random_scale", "lucid_random_rotate", "lucid_jitter"])
        #expect(try StandardTransforms.standard().map(\.kind) == lucentStandardTransforms().map(\.kind))
        let lucent = try StandardTransforms.lucent()
        #expect((lucent[0] as? PadTransform)?.fill == .constant(0.5))
        #expect((lucent[0] as? PadTransform)?.width == 12)
        #expect((lucent[1] as? LucentJitter)?.d == 8)
        #expect((lucent[4] as? LucentJitter)?.d == 4)
        #expect((try StandardTransforms.lucid()[1] as? LucidJitter)?.d == 8)
        #expect(try StandardTransforms.lucentPreprocessing(inceptionV1: true, imageHeight: 128, imageWidth: 128).map(\.kind)
                == ["preprocess_inceptionv1", "upsample"])
        #expect(try StandardTransforms.lucentPreprocessing(inceptionV1: false, imageHeight: 224, imageWidth: 224).map(\.kind)
                == ["normalize"])
        // Lucid jitters shrink a 64×64 image by 8 + 4 after the 12-pixel pad: 88 − 12 = 76 before scaling.
        var rng = RandomGenerator(seed: 9)
        var trace = TransformTrace()
        let tape = Tape()
        let x = tape.variable(Tensor(repeating: 0.5, shape: [1, 3, 64, 64]))
        let out = try compose(try StandardTransforms.lucid()).apply(x, on: tape, step: 0, rng: &rng, trace: &trace)
        let scale = trace.records[2].choices["scale"] ?? 0
        let side = LucidRandomScale.scaledSize(scale: scale, size: 80) - 4
        #expect(tape.value(out).shape == [1, 3, side, side])
    }
}

@Suite("Transforms: gradients through the tape")
struct TransformGradientTests {
    /// Compares the tape's gradient of Σ w·pipeline(x) with central differences,
    /// the choices fixed by replaying the trace of one drawn application.
    private func check(_ transforms: [any Transform], shape: [Int], seed: UInt64) throws {
        var rng = RandomGenerator(seed: seed)
        let x = rng.uniformTensor(shape, 0, 1)
        let pipeline = compose(transforms)
        var trace = TransformTrace()
        let probe = Tape()
        let probeOut = try pipeline.apply(probe.variable(x), on: probe, step: 0, rng: &rng, trace: &trace)
        let weights = rng.normalTensor(probe.value(probeOut).shape)

        func loss(_ input: Tensor) throws -> (Tape, Variable, Variable) {
            let tape = Tape()
            let leaf = tape.variable(input)
            let out = try pipeline.replay(leaf, on: tape, step: 0, from: trace)
            let product = try tape.apply1("mul", [out, tape.variable(weights)])
            return (tape, leaf, try tape.apply1("sum", [product]))
        }
        let (tape, leaf, total) = try loss(x)
        let gradient = try tape.gradients(of: total, withRespectTo: [leaf])[0]
        let h = 1e-6
        for i in 0..<x.count {
            var plus = x, minus = x
            plus.scalars[i] += h
            minus.scalars[i] -= h
            let (tp, _, lp) = try loss(plus), (tm, _, lm) = try loss(minus)
            let numeric = (tp.value(lp).scalars[0] - tm.value(lm).scalars[0]) / (2 * h)
            #expect(abs(gradient.scalars[i] - numeric) <= 1e-6 + 1e-5 * abs(numeric), "element \(i)")
        }
    }

    @Test func lucentPipelineGradient() throws {
        try check([try PadTransform(2, fill: .constant(0.5)), try LucentJitter(3), try LucentRandomScale([1.2, 0.8]),
                   try LucentRandomRotate([7, -13]), try LucentJitter(2), try Normalize()],
                  shape: [1, 3, 6, 5], seed: 21)
    }

    @Test func lucidPipelineGradient() throws {
        try check([try PadTransform(2, fill: .reflect), try LucidJitter(2), try LucidRandomScale([1.3, 0.7]),
                   try LucidRandomRotate([9]), try LucidJitter(1), PreprocessInceptionV1()],
                  shape: [1, 2, 6, 6], seed: 22)
    }

    @Test func seedTransformsGradient() throws {
        try check([try ReflectJitter(tau: 2), try RollJitter(maxJitter: 2), try ScaledRotation(copies: 3),
                   try Upsample(height: 7, width: 6)],
                  shape: [1, 2, 5, 5], seed: 23)
    }
}
