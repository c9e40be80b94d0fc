import Foundation
import Testing
@testable import ReferenceCore
@testable import ReferenceIO
@testable import ReferenceVis
@testable import ReferenceTestSupport

// TransformSpec's size checks against the transforms themselves, and the
// pipelines it builds: the standard lists, upsample and scaled_rotation.

/// Applies `specs` once to a batch × 1 × height × width image, drawing the choices from `seed`.
private func runShape(_ specs: [TransformSpec], batch: Int = 1, height: Int, width: Int, seed: UInt64 = 1) throws -> [Int] {
    var rng = RandomGenerator(seed: seed)
    var trace = TransformTrace()
    let tape = Tape()
    let x = tape.variable(rng.uniformTensor([batch, 1, height, width]))
    return tape.value(try TransformSpec.pipeline(specs).apply(x, on: tape, step: 0, rng: &rng, trace: &trace)).shape
}

/// Applies one spec with the recorded choices `choices` (a replay).
private func replayShape(_ spec: TransformSpec, _ choices: [String: Double], height: Int, width: Int) throws -> [Int] {
    let pipeline = try TransformSpec.pipeline([spec])
    let trace = TransformTrace(records: [TransformRecord(step: 0, transform: 0, kind: pipeline.kinds[0], choices: choices)])
    let tape = Tape()
    let x = tape.variable(Tensor(repeating: 0.5, shape: [1, 1, height, width]))
    return tape.value(try pipeline.replay(x, on: tape, step: 0, from: trace)).shape
}

private func size(_ shape: [Int]) -> TransformSpec.ImageSize {
    TransformSpec.ImageSize(batch: shape[0], height: shape[2], width: shape[3])
}

@Suite("TransformSpec: size checks")
struct TransformSpecCheckTests {
    @Test func reflectJitterNeedsMoreThanTauPlusOnePixels() throws {
        let spec = TransformSpec.reflectJitter(tau: 8)
        expectError("--transforms: reflect_jitter:8 needs an image larger than 9×9 (reflection padding by tau + 1 = 9), got 8×8") {
            try spec.check(height: 8, width: 8, option: "--transforms")
        }
        // The exact boundary: tau + 1 < side, so 9 is refused and 10 accepted, on either side.
        expectError("got 9×9") { try spec.check(height: 9, width: 9, option: "--transforms") }
        expectError("got 10×9") { try spec.check(height: 10, width: 9, option: "--transforms") }
        expectError("got 9×10") { try spec.check(height: 9, width: 10, option: "--transforms") }
        try spec.check(height: 10, width: 10, option: "--transforms")
        // The transform itself agrees: it fails at step 1 on 9×9 and works on 10×10.
        #expect(throws: RefvisError.self) { _ = try runShape([spec], height: 9, width: 9) }
        #expect(try runShape([spec], height: 10, width: 10) == [1, 1, 10, 10])
        let refusal = try #require(throws: RefvisError.self) { try spec.check(height: 8, width: 8, option: "--size") }
        #expect(refusal.kind == .usage)
    }

    @Test func checksAgreeWithTheTransformsOnEverySmallSize() throws {
        let specs: [TransformSpec] = [.jitter(2), .jitter(5), .lucidJitter(0), .lucidJitter(4), .reflectJitter(tau: 0),
                                      .reflectJitter(tau: 3), .roll(7), .pad(2), .pad(3, fill: .reflect), .pad(0, fill: .reflect),
                                      .rotate, .lucidRotate, .scaledRotation(copies: 3), .upsample(size: 5)]
        for spec in specs {
            for height in 1...7 {
                for width in 1...7 {
                    let checked = Result { try TransformSpec.check([spec], height: height, width: width, option: "--transforms") }
                    let ran = Result { try runShape([spec], height: height, width: width) }
                    switch (checked, ran) {
                    case (.success(let sizes), .success(let shape)):
                        #expect(sizes == [size(shape)], "\(spec) on \(height)×\(width)")
                    case (.failure, .failure):
                        break
                    default:
                        Issue.record("\(spec) on \(height)×\(width): check \(checked), run \(ran)")
                    }
                }
            }
        }
    }

    @Test func randomScalesGiveEverySizeTheirChoicesCan() throws {
        for (height, width) in [(10, 10), (6, 10), (7, 3), (2, 2)] {
            let lucent = try TransformSpec.check([.scale], height: height, width: width, option: "--transforms")
            let lucentRuns = try StandardTransforms.scales.map { try replayShape(.scale, ["scale": $0], height: height, width: width) }
            #expect(lucent == Set(lucentRuns.map(size)).sorted(), "scale on \(height)×\(width)")
            let lucid = try TransformSpec.check([.lucidScale], height: height, width: width, option: "--transforms")
            let lucidRuns = try StandardTransforms.scales.map { try replayShape(.lucidScale, ["scale": $0], height: height, width: width) }
            #expect(lucid == Set(lucidRuns.map(size)).sorted(), "lucid_scale on \(height)×\(width)")
        }
        // Lucent's s < 1 can leave the image a pixel larger: 10 → 9 + 1 + 1 for s = 0.9.
        #expect(try TransformSpec.check([.scale], height: 10, width: 10, option: "-t").map(\.height) == [10, 11])
        // Lucid's 0.9 of one pixel is ⌊0.9⌋ = 0: refused at 1, accepted at 2, as the transform does.
        expectError("--transforms: lucid_scale needs an image of at least 2×2 (scale 0.9 must leave a pixel), got 1×5") {
            try TransformSpec.lucidScale.check(height: 1, width: 5, option: "--transforms")
        }
        #expect(throws: RefvisError.self) { _ = try replayShape(.lucidScale, ["scale": 0.9], height: 1, width: 5) }
        try TransformSpec.lucidScale.check(height: 2, width: 2, option: "--transforms")
    }

    @Test func listsTrackTheSizeInOrder() throws {
        // pad grows the image before the jitter sees it.
        #expect(try TransformSpec.check([.pad(1), .reflectJitter(tau: 8)], height: 8, width: 8, option: "-t")
                == [.init(height: 10, width: 10)])
        expectError("--transforms: reflect_jitter:8 needs an image larger than 9×9 (reflection padding by tau + 1 = 9), got 9×9 after lucid_jitter:4 (of a 13×13 image)") {
            try TransformSpec.check([.lucidJitter(4), .reflectJitter(tau: 8)], height: 13, width: 13, option: "--transforms")
        }
        try TransformSpec.check([.lucidJitter(4), .reflectJitter(tau: 8)], height: 14, width: 14, option: "--transforms")
        // A random scale: every size it can leave must work.
        expectError("--transforms: jitter:11 needs an image of at least 11×11 (shifts up to 10 pixels), got 10×10 after scale (of a 10×10 image, one of the sizes it can leave)") {
            try TransformSpec.check([.scale, .jitter(11)], height: 10, width: 10, option: "--transforms")
        }
        // upsample sets the size.
        #expect(try TransformSpec.check([.upsample(), .reflectJitter(tau: 8)], height: 2, width: 3, option: "-t")
                == [.init(height: 224, width: 224)])
        expectError("got 2×3") { try TransformSpec.check([.reflectJitter(tau: 8)], height: 2, width: 3, option: "-t") }
        // scaled_rotation multiplies the batch.
        #expect(try TransformSpec.check([.scaledRotation()], batch: 2, height: 5, width: 5, option: "-t")
                == [.init(batch: 8, height: 5, width: 5)])
        #expect(try TransformSpec.check([.scaledRotation(), .scaledRotation(copies: 3)], height: 5, width: 5, option: "-t")
                .map(\.batch) == [12])
        // The standard lists on a 1×1 image (sizes worked out with NumPy): Lucent's pads to 25 and
        // scales to ⌈s·25⌉ (padded back up), Lucid's pads to 25, crops to 17, scales to ⌊s·17⌋, crops 4.
        #expect(try TransformSpec.check(TransformSpec.standard, height: 1, width: 1, option: "-t").map(\.height) == [25, 26, 27, 28])
        #expect(try TransformSpec.check(TransformSpec.lucid, height: 1, width: 1, option: "-t").map(\.height) == [11, 12, 13, 14])
        #expect(try TransformSpec.check([], height: 3, width: 4, option: "-t") == [.init(height: 3, width: 4)])
    }

    @Test func sizesRefvisCannotHoldAndBadArgumentsAreRefused() throws {
        expectError("-t: pad:16777216 would turn 1×1 into 33554433×33554433: more than 16777216 pixels on a side") {
            try TransformSpec.check([.pad(16_777_216)], height: 1, width: 1, option: "-t")
        }
        expectError("-t: upsample:65536 would turn 1×1 into 65536×65536: more than 2147483648 elements per channel") {
            try TransformSpec.check([.upsample(size: 65536)], height: 1, width: 1, option: "-t")
        }
        expectError(["scaled_rotation:16777216 would turn 16777216×2×2 after scaled_rotation:16777216", "into 281474976710656×2×2", "elements"]) {
            try TransformSpec.check([.scaledRotation(copies: 16_777_216), .scaledRotation(copies: 16_777_216)],
                                    height: 2, width: 2, option: "-t")
        }
        expectError(["-t: jitter:1", "2…16777216"]) { try TransformSpec.check([.jitter(1)], height: 8, width: 8, option: "-t") }
        expectError(["-t:", "at least 1×1", "got 0×5"]) { try TransformSpec.check([], height: 0, width: 5, option: "-t") }
        expectError(["-t:", "batch"]) { try TransformSpec.check([], batch: 0, height: 5, width: 5, option: "-t") }
    }
}

@Suite("TransformSpec: pipelines")
struct TransformSpecPipelineTests {
    /// The transforms of `specs` and of `transforms` on one image with one seed: the outputs and traces.
    private func sameRun(_ specs: [TransformSpec], _ transforms: [any Transform]) throws -> Bool {
        let x = Tensor(shape: [1, 3, 16, 16], scalars: (0..<768).map { sin(Double($0)) })
        func run(_ pipeline: TransformPipeline) throws -> (Tensor, TransformTrace) {
            var rng = RandomGenerator(seed: 3)
            var trace = TransformTrace()
            var outputs = [Tensor]()
            for step in 0..<3 {
                let tape = Tape()
                outputs.append(tape.value(try pipeline.apply(tape.variable(x), on: tape, step: step, rng: &rng, trace: &trace)))
            }
            return (Tensor(shape: [outputs.map(\.count).reduce(0, +)], scalars: outputs.flatMap(\.scalars)), trace)
        }
        let (a, traceA) = try run(try TransformSpec.pipeline(specs)), (b, traceB) = try run(compose(transforms))
        return sameBits(a, b) && traceA == traceB
    }

    @Test func standardIsLucentsAndLucidIsLucids() throws {
        let standard = try TransformSpec.pipeline(try TransformSpec.parseList("standard"))
        #expect(standard.kinds == compose(try StandardTransforms.lucent()).kinds)
        #expect(try TransformSpec.pipeline(try TransformSpec.parseList("lucid")).kinds == compose(try StandardTransforms.lucid()).kinds)
        #expect(try sameRun(TransformSpec.standard, try StandardTransforms.lucent()))
        #expect(try sameRun(TransformSpec.lucid, try StandardTransforms.lucid()))
        let t = standard.transforms
        #expect((t[0] as? PadTransform)?.width == 12)
        #expect((t[0] as? PadTransform)?.fill == .constant(0.5))
        #expect((t[1] as? LucentJitter)?.d == 8)
        #expect((t[2] as? LucentRandomScale)?.scales == StandardTransforms.scales)
        #expect((t[3] as? LucentRandomRotate)?.angles == StandardTransforms.angles)
        #expect((t[3] as? LucentRandomRotate)?.units == .degrees)
        #expect((t[3] as? LucentRandomRotate)?.mode == .bilinear)
        #expect((t[4] as? LucentJitter)?.d == 4)
        let lucid = try TransformSpec.pipeline(TransformSpec.lucid).transforms
        #expect((lucid[1] as? LucidJitter)?.d == 8)
        #expect((lucid[2] as? LucidRandomScale)?.scales == StandardTransforms.scales)
        #expect((lucid[3] as? LucidRandomRotate)?.angles == StandardTransforms.angles)
        #expect(try TransformSpec.pipeline(try TransformSpec.parseList("none")).kinds.isEmpty)
    }

    @Test func everySpecMakesItsTransform() throws {
        let made: [(TransformSpec, String)] = [
            (.jitter(3), "lucent_jitter"), (.lucidJitter(3), "lucid_jitter"), (.reflectJitter(tau: 3), "reflect_jitter"),
            (.roll(3), "roll_jitter"), (.pad(3, fill: .reflect), "pad"), (.scale, "lucent_random_scale"),
            (.lucidScale, "lucid_random_scale"), (.rotate, "lucent_random_rotate"), (.lucidRotate, "lucid_random_rotate"),
            (.scaledRotation(copies: 2), "scaled_rotation"), (.upsample(size: 9), "upsample"),
        ]
        for (spec, kind) in made { #expect(try spec.make().kind == kind) }
        #expect((try TransformSpec.pad(3, fill: .reflect).make() as? PadTransform)?.fill == .reflect)
        #expect((try TransformSpec.reflectJitter(tau: 3).make() as? ReflectJitter)?.tau == 3)
        #expect((try TransformSpec.roll(3).make() as? RollJitter)?.maxJitter == 3)
        #expect((try TransformSpec.scaledRotation(copies: 2).make() as? ScaledRotation)?.copies == 2)
        #expect((try TransformSpec.upsample(size: 9).make() as? Upsample).map { [$0.height, $0.width] } == [9, 9])
    }

    @Test func upsampleIsInterpolateBilinearAlignCorners() throws {
        var rng = RandomGenerator(seed: 17)
        let x = rng.uniformTensor([1, 2, 2, 3])
        let specs = try TransformSpec.parseList("upsample:224")
        #expect(specs == [.upsample()])
        var trace = TransformTrace()
        let tape = Tape()
        let out = tape.value(try TransformSpec.pipeline(specs).apply(tape.variable(x), on: tape, step: 0, rng: &rng, trace: &trace))
        #expect(out.shape == [1, 2, 224, 224])
        #expect(sameBits(out, try interpolate(x, size: [224, 224], mode: .bilinear, alignCorners: true)))
        // align_corners: the corner pixels are the input's, exactly; no random choices.
        let plane = 224 * 224
        for c in 0..<2 {
            #expect(out.scalars[c * plane] == x.scalars[c * 6])
            #expect(out.scalars[c * plane + 223] == x.scalars[c * 6 + 2])
            #expect(out.scalars[c * plane + plane - 1] == x.scalars[c * 6 + 5])
        }
        #expect(trace.records.map(\.kind) == ["upsample"])
        #expect(trace.records[0].choices.isEmpty)
    }

    @Test func scaledRotationTurnsOneImageIntoFour() throws {
        var rng = RandomGenerator(seed: 5)
        var trace = TransformTrace()
        let tape = Tape()
        let x = tape.variable(rng.uniformTensor([1, 3, 6, 6]))
        let specs = try TransformSpec.parseList("scaled_rotation:4")
        #expect(specs == [.scaledRotation()])
        let out = try TransformSpec.pipeline(specs).apply(x, on: tape, step: 0, rng: &rng, trace: &trace)
        #expect(tape.value(out).shape == [4, 3, 6, 6])
        #expect(Set(trace.records[0].choices.keys) == Set((0..<4).flatMap { ["angle_\($0)", "scale_\($0)"] }))
        #expect(try TransformSpec.check(specs, height: 6, width: 6, option: "-t") == [.init(batch: 4, height: 6, width: 6)])
    }
}
