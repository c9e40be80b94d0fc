import Dispatch
import ReferenceCore
import ReferenceIO

/// Everything one feature-visualization run needs.
///
/// The loop is Lucid's and Lucent's `render_vis`: parameterization → valid RGB
/// (optional colour decorrelation, then a sigmoid) → transforms → model
/// (its own preprocessing included) → objective; loss = −objective; one
/// optimizer step per iteration, steps 1…max(thresholds), a snapshot of the
/// image after each threshold step.
public struct RenderSettings {
    public var parameterization: any ImageParameterization
    /// The colour matrix applied before the sigmoid (nil: none).
    public var decorrelation: Tensor?
    public var squash: RGBSquash
    public var transforms: TransformPipeline
    public var model: Model
    public var objective: Objective
    public var optimizer: any Optimizer
    /// Steps after which the image is kept; the run lasts max(thresholds) steps.
    public var thresholds: [Int]
    /// Seeds the parameters' initial values and every transform choice.
    public var seed: UInt64
    /// When set, transform choices are read from this trace instead of drawn.
    public var replay: TransformTrace?
    /// Lucid's redirected ReLU for the first 16 steps, or Lucent's at every step.
    public var redirectedRelu: RedirectedReluKind?

    public init(parameterization: any ImageParameterization, decorrelation: Tensor?, squash: RGBSquash = .sigmoid,
                transforms: TransformPipeline, model: Model, objective: Objective, optimizer: any Optimizer,
                thresholds: [Int], seed: UInt64, replay: TransformTrace? = nil, redirectedRelu: RedirectedReluKind? = nil) {
        self.parameterization = parameterization
        self.decorrelation = decorrelation
        self.squash = squash
        self.transforms = transforms
        self.model = model
        self.objective = objective
        self.optimizer = optimizer
        self.thresholds = thresholds
        self.seed = seed
        self.replay = replay
        self.redirectedRelu = redirectedRelu
    }
}

public enum RedirectedReluKind: String, Sendable, CaseIterable {
    case lucid, lucent
}

/// Seconds spent in each stage of the loop, summed over the steps.
public struct RenderTimings: Sendable {
    public var parameterization = 0.0
    public var transforms = 0.0
    public var forward = 0.0
    public var backward = 0.0
    public var optimizer = 0.0
    public var total: Double { parameterization + transforms + forward + backward + optimizer }
}

/// What a run produced.
public struct RenderResult: Sendable {
    /// (step, image) after each threshold step, images (B, 3, H, W) in [0, 1].
    public var snapshots: [(step: Int, image: Tensor)]
    /// The loss (−objective) of every step, evaluated before that step's update.
    public var losses: [Double]
    /// Every transform choice of the run.
    public var trace: TransformTrace
    public var timings: RenderTimings
}

/// A run that stopped because the loss or the image stopped being finite; it
/// carries what was made until then.
public struct RenderStopped: Error, CustomStringConvertible {
    public let step: Int
    public let reason: String
    public let partial: RenderResult
    /// The last image that was finite (the initial image if none was kept).
    public let lastFiniteImage: Tensor
    public var description: String { "render: \(reason) at step \(step); stopped" }
}

/// Runs the loop. `progress(step, loss)` is called after every step.
public func render(_ settings: RenderSettings, progress: (Int, Double) -> Void = { _, _ in }) throws -> RenderResult {
    guard let steps = settings.thresholds.max(), steps >= 1, settings.thresholds.allSatisfy({ $0 >= 1 }) else {
        throw RefvisError.usage("render: thresholds must be positive step numbers")
    }
    let thresholds = Set(settings.thresholds)
    var rng = RandomGenerator(seed: settings.seed)
    var parameters = settings.parameterization.initialParameters(&rng)
    var optimizer = settings.optimizer
    let logits = settings.model.description.logits
    let layers = try settings.objective.requiredLayers(logitsLayer: logits)
    let batch = settings.parameterization.imageShape[0]
    var trace = settings.replay ?? TransformTrace(seed: settings.seed)
    if settings.replay == nil { trace.records = [] }
    var result = RenderResult(snapshots: [], losses: [], trace: trace, timings: RenderTimings())
    var lastFinite = try validImage(settings, parameters)

    for step in 1...steps {
        var drawn = false
        // One evaluation: the loss and its gradient at `values`. An optimizer may
        // evaluate several times per step (L-BFGS): the transform choices are
        // drawn on the first evaluation and replayed on the others.
        let evaluate = { (values: [Tensor]) throws -> (loss: Double, gradients: [Tensor]) in
            let tape = Tape()
            var clock = DispatchTime.now().uptimeNanoseconds
            func lap() -> Double {
                let now = DispatchTime.now().uptimeNanoseconds
                defer { clock = now }
                return Double(now - clock) / 1e9
            }
            let variables = values.map { tape.variable($0) }
            let raw = try settings.parameterization.image(on: tape, parameters: variables)
            let rgb = try toValidRGB(on: tape, raw, decorrelation: settings.decorrelation, squash: settings.squash)
            result.timings.parameterization += lap()
            let transformed: Variable
            if settings.replay != nil || drawn {
                transformed = try settings.transforms.replay(rgb, on: tape, step: step, from: result.trace)
            } else {
                transformed = try settings.transforms.apply(rgb, on: tape, step: step, rng: &rng, trace: &result.trace)
                drawn = true
            }
            result.timings.transforms += lap()
            let rule: ReluGradientRule
            switch settings.redirectedRelu {
            case nil: rule = .exact
            case .lucid: rule = .lucidRedirected(step: step)
            case .lucent: rule = .lucentRedirected
            }
            let activations = try settings.model.run(transformed, on: tape, layers: layers, reluGradient: rule)
            let context = ObjectiveContext(tape: tape, layer: { name in
                guard let variable = activations[name] else { throw RefvisError("render: layer '\(name)' was not computed") }
                return variable
            }, image: rgb, batchSize: batch, logitsLayer: logits)
            let objective = try settings.objective.evaluate(context)
            let loss = try tape.apply1("neg", [objective])
            result.timings.forward += lap()
            let gradients = try tape.gradients(of: loss, withRespectTo: variables)
            result.timings.backward += lap()
            return (tape.value(loss).scalar, gradients)
        }
        let start = DispatchTime.now().uptimeNanoseconds
        var evaluationTime = result.timings.total
        let loss = try optimizer.step(&parameters, evaluate: evaluate)
        evaluationTime = result.timings.total - evaluationTime
        result.timings.optimizer += max(0, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 - evaluationTime)
        result.losses.append(loss)

        let image = try validImage(settings, parameters)
        guard loss.isFinite, image.isFinite, parameters.allSatisfy(\.isFinite) else {
            throw RenderStopped(step: step, reason: loss.isFinite ? "the image is not finite" : "the loss is \(loss)",
                                partial: result, lastFiniteImage: lastFinite)
        }
        lastFinite = image
        if thresholds.contains(step) { result.snapshots.append((step, image)) }
        progress(step, loss)
    }
    return result
}

/// The image for the current parameters: parameterization and valid RGB, no transforms.
public func validImage(_ settings: RenderSettings, _ parameters: [Tensor]) throws -> Tensor {
    let tape = Tape()
    let raw = try settings.parameterization.image(on: tape, parameters: parameters.map { tape.variable($0) })
    return tape.value(try toValidRGB(on: tape, raw, decorrelation: settings.decorrelation, squash: settings.squash))
}
