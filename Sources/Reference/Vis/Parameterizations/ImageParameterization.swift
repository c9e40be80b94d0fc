import ReferenceCore
import ReferenceIO
/// A differentiable function from parameter tensors to a batch of images (B, C, H, W),
/// with a seeded initializer: Lucid's and Lucent's `param` functions
/// (lucid/optvis/param, lucent/optvis/param) as values.
///
/// An optimization puts `initialParameters(&rng)` on a tape as leaves, builds the image
/// with `image(on:parameters:)` from registered ops, and asks the tape for the gradient
/// of a loss with respect to the parameters. Building is cheap and deterministic, so it
/// is repeated for every step.
///
/// Where Lucid and Lucent differ, refvis draws initial values with its own
/// `RandomGenerator` (PCG32, Box–Muller), so a seed reproduces refvis's parameters
/// bit for bit but never NumPy's or PyTorch's random streams.
public protocol ImageParameterization: Sendable {
    /// The shape of the image: (B, C, H, W).
    var imageShape: [Int] { get }
    /// The shapes of the parameter tensors, in the order `image` takes them.
    var parameterShapes: [[Int]] { get }
    /// Fresh parameters, drawn from `rng` in a fixed order.
    func initialParameters(_ rng: inout RandomGenerator) -> [Tensor]
    /// Records the image built from `parameters` (variables of `parameterShapes`) on `tape`.
    func image(on tape: Tape, parameters: [Variable]) throws -> Variable
}

extension ImageParameterization {
    /// Draws initial parameters, records them on `tape` as leaves and builds the image.
    public func makeImage(on tape: Tape, rng: inout RandomGenerator) throws -> (parameters: [Variable], image: Variable) {
        let parameters = initialParameters(&rng).map { tape.variable($0) }
        return (parameters, try image(on: tape, parameters: parameters))
    }

    /// The image for given parameter values, built on a throwaway tape.
    public func image(parameters: [Tensor]) throws -> Tensor {
        let tape = Tape()
        return tape.value(try image(on: tape, parameters: parameters.map { tape.variable($0) }))
    }

    /// Throws unless `parameters` has one variable of each of `parameterShapes`.
    func checkParameters(_ parameters: [Variable], on tape: Tape, _ name: String) throws {
        guard parameters.count == parameterShapes.count else {
            throw RefvisError("\(name): expected \(parameterShapes.count) parameter tensor\(parameterShapes.count == 1 ? "" : "s"), got \(parameters.count)")
        }
        for (index, (parameter, shape)) in zip(parameters, parameterShapes).enumerated() {
            try tape.value(parameter).requireShape(shape, "\(name): parameter \(index)")
        }
    }
}

/// Checks shared by the parameterizations.
enum ParameterizationChecks {
    /// Throws unless `shape` is (B, C, H, W) with every size ≥ 1 and not too large.
    static func imageShape(_ shape: [Int], _ name: String, what: String = "shape") throws {
        guard shape.count == 4, shape.allSatisfy({ $0 >= 1 }) else {
            throw RefvisError.usage("\(name): \(what) must be (B, C, H, W) with every size at least 1, got \(AttributeValue.ints(shape))")
        }
        _ = try Tensor.checkedElementCount(shape, context: "\(name) \(what)")
    }

    /// Throws unless the standard deviation of the initial values is finite and ≥ 0.
    static func standardDeviation(_ sd: Double, _ name: String) throws {
        guard sd.isFinite, sd >= 0 else {
            throw RefvisError.usage("\(name): sd must be finite and non-negative, got \(formatDouble(sd))")
        }
    }
}
