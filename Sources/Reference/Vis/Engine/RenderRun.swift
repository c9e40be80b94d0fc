import Dispatch
import ReferenceCore

extension RenderEngine {
    /// The state before the first step: the generator seeded by the recipe,
    /// the parameters drawn from it (or the recipe's start, or given).
    public func initialState(replay: TransformTrace? = nil) throws -> RenderState {
        var rng = RandomGenerator(seed: recipe.seed)
        let parameters: [Tensor]
        if let givenStart {
            parameters = givenStart
        } else if let pixels = recipe.start.pixels(parameterizations[0].parameterShapes[0], &rng) {
            parameters = [pixels]
        } else {
            parameters = parameterizations[0].initialParameters(&rng)
        }
        var trace = replay ?? TransformTrace(seed: recipe.seed)
        if replay == nil { trace.records = [] }
        return RenderState(step: 0, parameters: parameters, optimizer: try recipe.optimizer.make(), rng: rng,
                           trace: trace, losses: [], snapshots: [])
    }

    /// Runs the loop from `state` to the recipe's last step.
    ///
    /// Each step: one optimizer step, which evaluates the loss and gradient
    /// (`evaluate`) as often as it needs — transform choices are drawn on the
    /// first evaluation and replayed on the others; then the after-step image
    /// operations; a snapshot at threshold steps; then `afterStep(state)`
    /// (progress, checkpoints). Between phases of the scale schedule the image
    /// is resized and the optimizer starts afresh. With `replay`, every
    /// choice comes from that trace.
    public func run(from start: RenderState, replay: TransformTrace? = nil,
                    afterStep: (RenderState) throws -> Void = { _ in }) throws -> RenderResult {
        var state = start
        var timings = RenderTimings()
        let thresholds = Set(recipe.thresholds)
        // The last finite parameters and the phase they belong to: after an
        // octave boundary they are the previous phase's size.
        var lastFinite = (parameters: state.parameters, phase: phase(ofStep: max(state.step, 1)))
        func result() -> RenderResult {
            RenderResult(snapshots: state.snapshots, losses: state.losses, trace: state.trace, timings: timings, state: state)
        }
        while state.step < recipe.steps {
            let step = state.step + 1
            let phase = phase(ofStep: step)
            if step > 1, phase != self.phase(ofStep: step - 1) {
                state.parameters = try resized(state.parameters, phase: phase)
                state.optimizer = try recipe.optimizer.make()
            }
            var drawn = false
            var rng = state.rng
            var trace = state.trace
            let evaluate = { (values: [Tensor]) throws -> (loss: Double, gradients: [Tensor]) in
                let source: TransformChoiceSource = replay.map { .replay($0) } ?? (drawn ? .replay(trace) : .draw)
                let evaluation = try self.evaluate(values, step: step, choices: source, rng: &rng, trace: &trace, timings: &timings)
                drawn = true
                return (evaluation.loss, evaluation.gradients)
            }
            let started = DispatchTime.now().uptimeNanoseconds
            let before = timings.total
            let loss = try state.optimizer.step(&state.parameters, evaluate: evaluate)
            let evaluating = timings.total - before
            timings.optimizer += max(0, Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9 - evaluating)
            state.rng = rng
            state.trace = trace
            for operation in recipe.afterStep {
                state.parameters[0] = try operation.apply(state.parameters[0], step: step)
            }
            state.step = step
            state.losses.append(loss)
            guard loss.isFinite, state.parameters.allSatisfy(\.isFinite) else {
                throw RenderStopped(step: step, reason: loss.isFinite ? "the image is not finite" : "the loss is \(loss)",
                                    partial: result(), lastFiniteImage: try image(lastFinite.parameters, phase: lastFinite.phase))
            }
            lastFinite = (state.parameters, phase)
            if thresholds.contains(step) {
                let snapshot = try image(state.parameters, phase: phase)
                guard snapshot.isFinite else {
                    throw RenderStopped(step: step, reason: "the image is not finite", partial: result(),
                                        lastFiniteImage: try image(lastFinite.parameters, phase: lastFinite.phase))
                }
                state.snapshots.append((step, snapshot))
            }
            try afterStep(state)
        }
        return result()
    }

    /// The image parameters of the previous phase, resized bilinearly to `phase`'s size.
    func resized(_ parameters: [Tensor], phase: Int) throws -> [Tensor] {
        let shape = parameterizations[phase].imageShape
        return [try interpolate(parameters[0], size: [shape[2], shape[3]], scaleFactor: nil, mode: .bilinear,
                                alignCorners: false, recomputeScaleFactor: nil)]
    }
}
