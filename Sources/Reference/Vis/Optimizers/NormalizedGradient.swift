import ReferenceCore
import ReferenceIO
/// Gradient descent on a normalized gradient: the plain step of gradient-ascent
/// feature visualization and DeepDream, whose size does not depend on the
/// gradient's scale. Minimizing loss = −objective with it is the seeds' ascent
/// on the objective.
///
/// Each parameter tensor θ with gradient g is normalized on its own, over all
/// of its elements:
///
///     .l2:   θ ← θ − lr · g / √(max(Σ g², eps))     eps defaults to 1e-12
///     .std:  θ ← θ − lr · g / (std(g) + eps)        eps defaults to 1e-9,
///                                                   std with divisor n − 1
///
/// `.l2` is the Keras seed's `img += learning_rate * tf.math.l2_normalize(grads)`
/// (TensorFlow's epsilon 1e-12 floors the *sum of squares*), so every step has
/// L2 length exactly lr (unless Σ g² ≤ eps). `.std` is MATLAB deepDreamImage's
/// `iNormalizeGradient`, `gradient ./ (std(gradient) + 1e-9)` with MATLAB's
/// default sample standard deviation (divisor n − 1).
///
/// Why per tensor: both seeds normalize the gradient of the one image tensor
/// they optimize, so normalizing each parameter tensor by its own statistic
/// reproduces them exactly, and it keeps unrelated parameters (e.g. an image
/// and a background) from rescaling each other. Where it differs: MATLAB takes
/// the statistic per image of a batch; for a (N, C, H, W) parameter with N > 1
/// refvis takes it over the whole tensor (the ops `l2_normalize` and
/// `std_normalize` normalize per image). `.std` needs ≥ 2 elements per tensor.
public struct NormalizedGradient: Optimizer {
    public enum Normalization: String, Sendable, CaseIterable {
        /// Divide by the L2 norm (the Keras seed).
        case l2
        /// Divide by the sample standard deviation plus eps (MATLAB's DeepDream).
        case std

        /// The seed's epsilon for this normalization.
        public var defaultEpsilon: Double { self == .l2 ? 1e-12 : 1e-9 }
    }

    public let learningRate: Double
    public let normalization: Normalization
    public let eps: Double
    private var shapes = ParameterShapes()

    /// "normalized_l2" or "normalized_std".
    public var name: String { "normalized_\(normalization.rawValue)" }

    /// `eps` nil takes the seed's value for the normalization (1e-12 for .l2, 1e-9 for .std).
    public init(lr: Double, normalization: Normalization = .l2, eps: Double? = nil) throws {
        try requireNonNegative(lr, "lr", optimizer: "normalized_\(normalization.rawValue)")
        let eps = eps ?? normalization.defaultEpsilon
        if normalization == .l2 {
            guard eps.isFinite, eps > 0 else {
                throw RefvisError.usage("normalized_l2: eps must be a finite number > 0, got \(eps)")
            }
        } else {
            try requireNonNegative(eps, "eps", optimizer: "normalized_std")
        }
        self.learningRate = lr
        self.normalization = normalization
        self.eps = eps
    }

    public mutating func step(_ parameters: inout [Tensor], gradients: [Tensor]) throws {
        if normalization == .std {
            for (index, gradient) in gradients.enumerated() where gradient.count < 2 {
                throw RefvisError("\(name): parameter \(index) has \(gradient.count) element(s); a sample standard deviation needs at least 2")
            }
        }
        try shapes.check(parameters, gradients: gradients, optimizer: name)
        for index in parameters.indices {
            let g = gradients[index].scalars
            let d = divisor(of: g)
            for k in 0..<g.count {
                parameters[index].scalars[k] -= learningRate * (g[k] / d)
            }
        }
    }

    /// Only the parameter shapes: the step keeps no other state.
    public func stateTensors() -> [String: Tensor] {
        StateWriter(shapes: shapes.shapes)?.tensors ?? [:]
    }

    public mutating func restoreState(_ state: [String: Tensor]) throws {
        let reader = try StateReader(state, optimizer: name)
        try reader.finish()
        shapes = ParameterShapes(restoring: reader.shapes)
    }

    /// √(max(Σ g², eps)) or std(g) + eps.
    private func divisor(of g: [Double]) -> Double {
        switch normalization {
        case .l2:
            var squares = 0.0
            for value in g { squares += value * value }
            return max(squares, eps).squareRoot()
        case .std:
            var total = 0.0
            for value in g { total += value }
            let mean = total / Double(g.count)
            var squares = 0.0
            for value in g { squares += (value - mean) * (value - mean) }
            return (squares / Double(g.count - 1)).squareRoot() + eps
        }
    }
}
