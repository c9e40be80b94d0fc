import Dispatch
import ReferenceCore

/// What one evaluation of the loop gives: the loss and its gradient at the
/// parameters, after gradient processing.
public struct RenderEvaluation {
    /// −objective, the value the optimizer minimizes.
    public var loss: Double
    /// d loss / d parameters, processed by the recipe's gradient stages.
    public var gradients: [Tensor]
}

/// Where one evaluation's transform choices come from.
public enum TransformChoiceSource {
    /// Draw them from the run's generator and append them to the run's trace.
    case draw
    /// Take them from the trace for this step (a replay, or the second
    /// evaluation of an L-BFGS step).
    case replay(TransformTrace)
}

/// Seconds spent in each stage of the loop, summed over the steps.
public struct RenderTimings: Sendable {
    public var parameterization = 0.0
    public var transforms = 0.0
    public var forward = 0.0
    public var backward = 0.0
    public var optimizer = 0.0
    public var total: Double { parameterization + transforms + forward + backward + optimizer }
    public init() {}
}

extension RenderEngine {
    /// The loop's one evaluation at `parameters` for step `step` (1-based):
    ///
    ///     image → transforms → model (in tiles when the recipe says so)
    ///       → objective on the activations (inside the recipe's border)
    ///       → loss = −Σ objective → d loss / d parameters → gradient processing
    ///
    /// Drawn transform choices come from `rng` and are appended to `trace`.
    /// `observe` sees every stage's value by name (parameterization,
    /// decorrelated, image, transform_K_KIND, each layer of `observeLayers`,
    /// objective); `imageGradient`, when given, receives d loss / d image.
    public func evaluate(_ parameters: [Tensor], step: Int, choices: TransformChoiceSource,
                         rng: inout RandomGenerator, trace: inout TransformTrace, timings: inout RenderTimings,
                         observeLayers: [String] = [], observe: ((String, Tensor) -> Void)? = nil,
                         imageGradient: ((Tensor) -> Void)? = nil) throws -> RenderEvaluation {
        let tape = Tape()
        var clock = DispatchTime.now().uptimeNanoseconds
        func lap() -> Double {
            let now = DispatchTime.now().uptimeNanoseconds
            defer { clock = now }
            return Double(now - clock) / 1e9
        }
        let phase = phase(ofStep: step)
        let variables = parameters.map { tape.variable($0) }
        let image = try self.image(on: tape, parameters: variables, phase: phase) { name, v in observe?(name, tape.value(v)) }
        timings.parameterization += lap()

        let observeTransform: ((Int, String, Variable) -> Void)? = observe.map { see in
            { index, kind, v in see("transform_\(index + 1)_\(kind)", tape.value(v)) }
        }
        let transformed: Variable
        switch choices {
        case .draw:
            transformed = try transforms.apply(image, on: tape, step: step, rng: &rng, trace: &trace, observe: observeTransform)
        case .replay(let recorded):
            transformed = try transforms.replay(image, on: tape, step: step, from: recorded, observe: observeTransform)
        }
        timings.transforms += lap()

        let rule: ReluGradientRule
        switch recipe.redirectedRelu {
        case nil: rule = .exact
        case .lucid: rule = .lucidRedirected(step: step)
        case .lucent: rule = .lucentRedirected
        }
        var total: Variable?
        for tile in try tiles(of: tape.value(transformed).shape) {
            let input = try tile.map { try crop(transformed, on: tape, rows: $0.rows, columns: $0.columns) } ?? transformed
            let wanted = Array(Set(layers + observeLayers)).sorted()
            let activations = try model.run(input, on: tape, layers: wanted, reluGradient: rule)
            if tile == nil {
                for name in observeLayers { if let a = activations[name] { observe?(name, tape.value(a)) } }
            }
            let border = recipe.objectiveBorder
            let context = ObjectiveContext(tape: tape, layer: { name in
                guard let variable = activations[name] else { throw RefvisError("render: layer '\(name)' was not computed") }
                return border > 0 ? try self.inside(border: border, of: variable, on: tape, layer: name) : variable
            }, image: image, batchSize: recipe.batch, logitsLayer: model.description.logits)
            let value = try objective.evaluate(context)
            total = try total.map { try tape.add($0, value) } ?? value
        }
        guard let objectiveValue = total else { throw RefvisError("render: the image has no tiles") }
        observe?("objective", tape.value(objectiveValue))
        let loss = try tape.neg(objectiveValue)
        timings.forward += lap()
        var gradients = try tape.gradients(of: loss, withRespectTo: variables + (imageGradient == nil ? [] : [image]))
        if let imageGradient { imageGradient(gradients.removeLast()) }
        gradients = try gradients.map(processed)
        timings.backward += lap()
        return RenderEvaluation(loss: tape.value(loss).scalar, gradients: gradients)
    }

    /// The gradient after the recipe's gradient stages, in order.
    func processed(_ gradient: Tensor) throws -> Tensor {
        try recipe.gradient.reduce(gradient) { g, stage in
            switch stage {
            case .l2: return try l2Normalize(g)
            case .std: return try stdNormalize(g)
            case .laplacian(let levels): return try laplacianPyramidNormalize(g, levels: levels)
            }
        }
    }

    /// The activation `variable` without `border` pixels on every side
    /// (seed 002's `activation[:, 2:-2, 2:-2, k]`); maps without a spatial
    /// extent are returned whole.
    func inside(border: Int, of variable: Variable, on tape: Tape, layer: String) throws -> Variable {
        let shape = tape.value(variable).shape
        guard shape.count == 4 else { return variable }
        guard shape[2] > 2 * border, shape[3] > 2 * border else {
            throw RefvisError.usage("--objective-border \(border): layer '\(layer)' is only \(shape[2])×\(shape[3])")
        }
        let rows = try tape.narrow(variable, dim: 2, start: border, length: shape[2] - 2 * border)
        return try tape.narrow(rows, dim: 3, start: border, length: shape[3] - 2 * border)
    }

    /// The tiles of an (N, C, H, W) image: nil (the whole image) without a
    /// tile size; else rows and columns cut every `tile` pixels, the last
    /// piece joined to the one before when it would be smaller than the model accepts.
    func tiles(of shape: [Int]) throws -> [(rows: Range<Int>, columns: Range<Int>)?] {
        guard let tile = recipe.tile else { return [nil] }
        let minimum = model.description.input.minimumSize
        func cuts(_ n: Int) -> [Range<Int>] {
            var starts = Array(stride(from: 0, to: n, by: tile))
            if starts.count > 1, n - starts.last! < minimum { starts.removeLast() }
            return starts.enumerated().map { i, s in s..<(i + 1 < starts.count ? starts[i + 1] : n) }
        }
        return cuts(shape[2]).flatMap { rows in cuts(shape[3]).map { columns in (rows, columns) } }
    }

    func crop(_ image: Variable, on tape: Tape, rows: Range<Int>, columns: Range<Int>) throws -> Variable {
        let r = try tape.narrow(image, dim: 2, start: rows.lowerBound, length: rows.count)
        return try tape.narrow(r, dim: 3, start: columns.lowerBound, length: columns.count)
    }
}
