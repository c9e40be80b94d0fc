import Foundation
import Testing
@testable import ReferenceCore
@testable import ReferenceIO
@testable import ReferenceVis
@testable import ReferenceLab
@testable import ReferenceTestSupport

// The transforms run in pipelines: shapes, determinism, traces and replay,
// parameter and image checks, and gradients through the tape.

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
