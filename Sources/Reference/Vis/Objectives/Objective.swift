import ReferenceCore
import ReferenceIO
// Objectives: scalar values that feature visualization MAXIMIZES, built on a
// `Tape` from a network's activations and the image, so that their gradient
// reaches the image.
//
// The definitions are Lucid's (lucid.optvis.objectives) and Lucent's
// (lucent.optvis.objectives). Lucid's objectives are values to maximize;
// Lucent returns the same quantities negated, as losses to minimize (its
// channel is −mean, its diversity −similarity, its blur_input_each_step
// −0.5·Σ(…)²). refvis uses Lucid's sign throughout: every objective is a
// value to maximize, and penalties (L1, L2, total_variation,
// blur_input_each_step, diversity) are non-negative magnitudes that one
// subtracts, as in Lucid's `channel("mixed4a", 476) - 0.05*total_variation()`.
// Where the two libraries reduce differently, each term's documentation
// says which one refvis follows.

/// What an objective is evaluated against.
public struct ObjectiveContext {
    /// The tape the value is recorded on.
    public let tape: Tape
    /// The activations of a named layer as a tape variable, (N, C, H, W) for
    /// convolutional layers or (N, K) for fully connected ones.
    public let layer: (String) throws -> Variable
    /// The image the model sees (N, C, H, W): what Lucid's `T("input")`
    /// names, used by the image penalties when no layer is given.
    public let image: Variable
    /// The number of images in the batch.
    public let batchSize: Int
    /// The model's logits layer, for `class_logit` without an explicit layer.
    public let logitsLayer: String?

    public init(tape: Tape, layer: @escaping (String) throws -> Variable, image: Variable, batchSize: Int,
                logitsLayer: String? = nil) {
        self.tape = tape
        self.layer = layer
        self.image = image
        self.batchSize = batchSize
        self.logitsLayer = logitsLayer
    }
}

/// A value to maximize: a tree of terms combined by sums, scaling by numbers
/// and restriction to one image of the batch.
///
/// Build one with the term constructors (`Objective.channel("mixed4a", 476)`),
/// the operators `+`, `-`, `*` and `/` by numbers, or `ObjectiveParser`.
public indirect enum Objective: Equatable, Sendable {
    /// One of the named objectives.
    case term(ObjectiveTerm)
    /// A number (Lucid allows `objective + 1`); its gradient is zero.
    case constant(Double)
    /// The sum of the parts, added in order.
    case sum([Objective])
    /// factor · objective.
    case scaled(Objective, by: Double)
    /// The objective computed on image `index` of the batch only (Lucid's and
    /// Lucent's `batch=`): every activation and the image are narrowed to
    /// `index ..< index + 1` along dimension 0 before the inner objective sees them.
    case batch(Objective, index: Int)

    /// Records the objective on `context.tape` and returns its one-element value.
    public func evaluate(_ context: ObjectiveContext) throws -> Variable {
        let tape = context.tape
        switch self {
        case .term(let term):
            return try term.evaluate(context)
        case .constant(let value):
            return tape.variable(Tensor(scalar: value))
        case .sum(let parts):
            guard let first = parts.first else { return tape.variable(Tensor(scalar: 0)) }
            var total = try first.evaluate(context)
            for part in parts.dropFirst() {
                total = try tape.add(total, part.evaluate(context))
            }
            return total
        case .scaled(let inner, let factor):
            return try tape.mul(inner.evaluate(context), tape.variable(Tensor(scalar: factor)))
        case .batch(let inner, let index):
            return try inner.evaluate(context.restricted(toImage: index))
        }
    }

    /// Calls `body` with every term and the batch index restricting it (nil
    /// for the whole batch), recursing through sums, scales and restrictions.
    func forEachTerm(_ body: (ObjectiveTerm, _ batchIndex: Int?) throws -> Void, batchIndex: Int? = nil) rethrows {
        switch self {
        case .term(let term): try body(term, batchIndex)
        case .constant: break
        case .sum(let parts): for part in parts { try part.forEachTerm(body, batchIndex: batchIndex) }
        case .scaled(let inner, _): try inner.forEachTerm(body, batchIndex: batchIndex)
        case .batch(let inner, let index): try inner.forEachTerm(body, batchIndex: index)
        }
    }
}

extension ObjectiveContext {
    /// The context of image `index` alone: each layer and the image narrowed
    /// along dimension 0, batch size 1.
    func restricted(toImage index: Int) throws -> ObjectiveContext {
        guard index >= 0, index < batchSize else {
            throw RefvisError.usage("objective: batch index \(index) is out of range for a batch of \(batchSize) (valid: 0...\(batchSize - 1))")
        }
        let tape = self.tape, layer = self.layer
        let select = { (v: Variable) throws -> Variable in
            try tape.narrow(v, dim: 0, start: index, length: 1)
        }
        return ObjectiveContext(tape: tape, layer: { try select(layer($0)) }, image: try select(image),
                                batchSize: 1, logitsLayer: logitsLayer)
    }
}
