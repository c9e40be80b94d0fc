import ReferenceCore
import ReferenceIO
// The Transform abstraction: a random, differentiable image transform built
// from registered ops on a tape, whose random choices are drawn from refvis's
// RandomGenerator and recorded (or replayed from a recorded trace).

/// A differentiable image transform, as in Lucid's and Lucent's
/// `optvis.transform` modules: jitter, pad, random scale, random rotation,
/// preprocessing.
///
/// A transform is a composition of registered ops applied on a `Tape`
/// (pad, narrow, roll, interpolate, resize_bilinear_nd, affine_grid +
/// grid_sample, mul/sub/div, cat), so its gradient is the chain of those ops'
/// proven VJPs and needs no derivative of its own. Its parameters (angles,
/// offsets, scales) enter the tape as constant leaves.
///
/// Every random choice goes through `TransformChoices`, which either draws it
/// from the run's `RandomGenerator` and records it, or takes it from a recorded
/// `TransformTrace` — so a run can be replayed exactly. Images are
/// (N, C, H, W), PyTorch's layout.
public protocol Transform: Sendable {
    /// The name written to traces, e.g. `lucent_jitter`. Distinct for every
    /// flavour whose choices differ (Lucid's and Lucent's jitter are different kinds).
    var kind: String { get }

    /// Applies the transform to `image` on `tape`, taking every random choice from `choices`.
    func apply(_ image: Variable, on tape: Tape, choices: inout TransformChoices) throws -> Variable
}

/// The source of one transform application's random choices: the run's
/// generator (recording each value) or a record of a trace (replaying it).
///
/// Each choice has a name (`dx`, `scale`, `angle_0`, ...); the values chosen
/// are collected in `values`, which becomes the trace record.
public struct TransformChoices {
    enum Source {
        case drawing(RandomGenerator)
        case replaying(TransformRecord, traceName: String)
    }

    public let kind: String
    public let step: Int
    public let index: Int
    /// The values chosen so far, by name.
    public private(set) var values: [String: Double] = [:]
    private(set) var source: Source

    /// Choices drawn from `generator` (read the advanced generator back from `drawnGenerator`).
    public init(drawingFrom generator: RandomGenerator, kind: String, step: Int = 0, index: Int = 0) {
        source = .drawing(generator)
        self.kind = kind
        self.step = step
        self.index = index
    }

    /// Choices taken from a recorded trace entry.
    public init(replaying record: TransformRecord, traceName: String, kind: String, step: Int, index: Int) {
        source = .replaying(record, traceName: traceName)
        self.kind = kind
        self.step = step
        self.index = index
    }

    /// The generator after the draws (nil when replaying).
    public var drawnGenerator: RandomGenerator? {
        if case .drawing(let generator) = source { return generator }
        return nil
    }

    /// The record being replayed (nil when drawing).
    var replayedRecord: TransformRecord? {
        if case .replaying(let record, _) = source { return record }
        return nil
    }

    private func location(_ traceName: String) -> String {
        "\(traceName): step \(step), transform \(index) (\(kind))"
    }

    /// The recorded value of `name`, or an error naming the trace entry.
    private func recorded(_ name: String) throws -> Double {
        guard case .replaying(let record, let traceName) = source else {
            throw RefvisError("transform \(kind): no recorded choice '\(name)' outside a replay")
        }
        guard let value = record.choices[name] else {
            let names = record.choices.keys.sorted().joined(separator: ", ")
            throw RefvisError("\(location(traceName)) records no choice '\(name)' (it records: \(names.isEmpty ? "none" : names))")
        }
        return value
    }

    private var traceName: String {
        if case .replaying(_, let name) = source { return name }
        return "transform trace"
    }

    /// An integer uniform in `range` (both ends included), drawn with
    /// `RandomGenerator.integer(in:)`. A replayed value must be an integer in the range.
    public mutating func integer(_ name: String, in range: ClosedRange<Int>) throws -> Int {
        let value: Int
        switch source {
        case .drawing(var generator):
            value = generator.integer(in: range)
            source = .drawing(generator)
        case .replaying:
            let recordedValue = try recorded(name)
            guard let integer = Int(exactly: recordedValue), range.contains(integer) else {
                throw RefvisError("\(location(traceName)): \(name) = \(formatDouble(recordedValue)) is not an integer in \(range.lowerBound)…\(range.upperBound)")
            }
            value = integer
        }
        values[name] = Double(value)
        return value
    }

    /// One element of `list` chosen uniformly by index (`RandomGenerator.choice(from:)`,
    /// so repeated entries weigh more, as in `np.random.choice`). A replayed value
    /// must be one of the list's values exactly. `list` must not be empty
    /// (transforms check their lists when they are made).
    public mutating func element(_ name: String, of list: [Double]) throws -> Double {
        guard !list.isEmpty else { throw RefvisError("transform \(kind): choice '\(name)' from an empty list") }
        let value: Double
        switch source {
        case .drawing(var generator):
            value = generator.choice(from: list)
            source = .drawing(generator)
        case .replaying:
            let recordedValue = try recorded(name)
            guard list.contains(recordedValue) else {
                throw RefvisError("\(location(traceName)): \(name) = \(formatDouble(recordedValue)) is not one of this run's values \(list.map(formatDouble).joined(separator: ", "))")
            }
            value = recordedValue
        }
        values[name] = value
        return value
    }

    /// A double uniform in [low, high) (`RandomGenerator.uniform(_:_:)`).
    /// A replayed value must lie in that interval.
    public mutating func uniform(_ name: String, _ low: Double, _ high: Double) throws -> Double {
        let value: Double
        switch source {
        case .drawing(var generator):
            value = generator.uniform(low, high)
            source = .drawing(generator)
        case .replaying:
            let recordedValue = try recorded(name)
            guard recordedValue >= low, recordedValue < high else {
                throw RefvisError("\(location(traceName)): \(name) = \(formatDouble(recordedValue)) is outside [\(formatDouble(low)), \(formatDouble(high)))")
            }
            value = recordedValue
        }
        values[name] = value
        return value
    }
}

/// The largest shift or pad width, in pixels, a transform accepts: far above
/// any image refvis renders (2^24), and small enough that sizes and offset
/// ranges built from it cannot overflow.
let maximumTransformPixels = 1 << 24

/// Throws a usage error unless 0 ≤ `value` ≤ `maximumTransformPixels`.
func requireTransformPixels(_ value: Int, _ description: String) throws {
    guard value >= 0, value <= maximumTransformPixels else {
        throw RefvisError.usage("\(description) must be in 0...\(maximumTransformPixels), got \(value)")
    }
}
