import ReferenceCore
import ReferenceIO
// compose: a list of transforms applied in order, drawing or replaying the
// choices of one optimization step.

/// Transforms applied one after another (Lucid's and Lucent's `compose`).
public struct TransformPipeline: Sendable {
    public let transforms: [any Transform]

    public init(_ transforms: [any Transform]) { self.transforms = transforms }

    /// The kinds of the transforms, in order.
    public var kinds: [String] { transforms.map(\.kind) }

    /// Applies the transforms to `image` for optimization step `step`, drawing
    /// every random choice from `rng` (in pipeline order) and appending one record
    /// per transform to `trace`.
    /// `observe(index, kind, output)` sees each transform's output.
    public func apply(_ image: Variable, on tape: Tape, step: Int, rng: inout RandomGenerator,
                      trace: inout TransformTrace, observe: ((Int, String, Variable) -> Void)? = nil) throws -> Variable {
        var x = image
        for (index, transform) in transforms.enumerated() {
            var choices = TransformChoices(drawingFrom: rng, kind: transform.kind, step: step, index: index)
            x = try transform.apply(x, on: tape, choices: &choices)
            if let advanced = choices.drawnGenerator { rng = advanced }
            observe?(index, transform.kind, x)
            trace.append(TransformRecord(step: step, transform: index, kind: transform.kind, choices: choices.values))
        }
        return x
    }

    /// Applies the transforms for step `step` with the choices recorded in
    /// `trace`. Throws if the trace lacks the step, records a different number
    /// or kinds of transforms, or holds values this run could not have chosen.
    public func replay(_ image: Variable, on tape: Tape, step: Int, from trace: TransformTrace,
                       observe: ((Int, String, Variable) -> Void)? = nil) throws -> Variable {
        let records = try trace.replayRecords(forStep: step, kinds: kinds)
        var x = image
        for (index, (transform, record)) in zip(transforms, records).enumerated() {
            var choices = TransformChoices(replaying: record, traceName: trace.name, kind: transform.kind,
                                           step: step, index: index)
            x = try transform.apply(x, on: tape, choices: &choices)
            let unused = Set(record.choices.keys).subtracting(choices.values.keys)
            guard unused.isEmpty else {
                throw RefvisError("\(trace.name): step \(step), transform \(index) (\(transform.kind)) records choices this run does not make: \(unused.sorted().joined(separator: ", "))")
            }
            observe?(index, transform.kind, x)
        }
        return x
    }
}

/// Lucid's and Lucent's `compose(transforms)`.
public func compose(_ transforms: [any Transform]) -> TransformPipeline { TransformPipeline(transforms) }
