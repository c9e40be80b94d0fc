import Foundation
import ReferenceCore
import ReferenceIO
import ReferenceVis

/// How the tolerances of an op golden case are chosen. Let `scale` be the
/// largest |value| among the case's outputs and gradients.
///
/// - **float64**: `atol = 1e-12·max(1, scale)`, `rtol = 1e-10`. Another float64
///   backend evaluates the same formulas, but sums in another order and calls
///   another libm: each summed term and each transcendental call may differ by
///   a few ulps (2.2e-16 relative), far inside these bounds for the small
///   sizes of the cases, while any real mistake (a wrong index, a missing term)
///   is many orders of magnitude above them.
/// - **float32**: measured, not guessed. The inputs and cotangents are rounded
///   to Float32 and the op is rerun in Float64; the largest deviation `d` of
///   any output or gradient from the golden is how much the rounding of the
///   data alone moves the result (it grows with the conditioning of the op, e.g.
///   a normalization by a small standard deviation). Then
///   `atol = max(1e-5·max(1, scale), 10·d)` and `rtol = 1e-4`: the factor 10
///   and the floor leave room for float32 arithmetic inside the op, which for
///   sums of a few hundred terms stays near 1e-5 relative.
///
/// A deviation above `1e-3·max(1, scale)` means the case is ill-conditioned or
/// the rounding moved a discrete choice (a max, a nearest neighbour, a clip):
/// the reasoning says so, and the configuration should be changed instead.
public enum GoldenTolerancePolicy {
    public static let float64AbsoluteFactor = 1e-12
    public static let float64Relative = 1e-10
    public static let float32AbsoluteFloorFactor = 1e-5
    public static let float32Relative = 1e-4
    public static let float32MeasuredFactor = 10.0
    public static let discreteChoiceFactor = 1e-3

    /// What rounding the data to Float32 does to a case.
    public struct Float32Measurement: Sendable {
        /// The largest |float64 result on rounded data − golden| over all checked arrays.
        public var deviation: Double
        /// The array where it occurs.
        public var array: String
    }

    /// The largest |value| among `tensors`.
    public static func scale(_ tensors: [Tensor]) -> Double {
        tensors.reduce(0) { partial, tensor in tensor.scalars.reduce(partial) { max($0, abs($1)) } }
    }

    /// `value` rounded up to two significant digits, so case.json stays readable.
    public static func roundUp(_ value: Double) -> Double {
        guard value > 0, value.isFinite else { return value }
        let exponent = (log10(value)).rounded(.down) - 1
        let unit = pow(10, exponent)
        let rounded = (value / unit).rounded(.up) * unit
        // Undo the float noise of the division: print with two digits and read back.
        return Double(String(format: "%.1e", rounded)).map { $0 >= value ? $0 : rounded } ?? rounded
    }

    /// Reruns `op` in Float64 on the inputs and cotangents rounded to Float32.
    public static func measureFloat32(_ op: OpDefinition, inputs: [Tensor], attributes: Attributes, cotangents: [Tensor],
                                      outputs: [Tensor], gradients: [Tensor?],
                                      outputNames: [String], gradientNames: [String]) throws -> Float32Measurement {
        func rounded(_ tensor: Tensor) -> Tensor { tensor.map { Double(Float($0)) } }
        let roundedCotangents = cotangents.map(rounded)
        let (evaluation, _) = try OpGoldenCases.evaluate(op, inputs: inputs.map(rounded), attributes: attributes) { _ in
            roundedCotangents
        }
        var worst = Float32Measurement(deviation: 0, array: outputNames.first ?? "")
        func consider(_ name: String, _ actual: Tensor, _ expected: Tensor) {
            guard actual.shape == expected.shape else {
                worst = Float32Measurement(deviation: .infinity, array: name)
                return
            }
            for (a, e) in zip(actual.scalars, expected.scalars) {
                let difference = a == e ? 0 : abs(a - e)
                if !(difference <= worst.deviation) { worst = Float32Measurement(deviation: difference, array: name) }
            }
        }
        for (index, output) in outputs.enumerated() { consider(outputNames[index], evaluation.outputs[index], output) }
        for (index, gradient) in gradients.enumerated() {
            guard let gradient, let other = evaluation.gradients[index] else { continue }
            consider(gradientNames[index], other, gradient)
        }
        return worst
    }

    /// The tolerances of an op case, with the reasoning spelled out.
    public static func opTolerances(_ op: OpDefinition, inputs: [Tensor], attributes: Attributes, cotangents: [Tensor],
                                    outputs: [Tensor], gradients: [Tensor?],
                                    outputNames: [String], gradientNames: [String]) throws -> GoldenTolerances {
        let scale = self.scale(outputs + gradients.compactMap { $0 })
        let unit = max(1, scale)
        let float64 = Tolerance(atol: roundUp(float64AbsoluteFactor * unit), rtol: float64Relative)
        let measured = try measureFloat32(op, inputs: inputs, attributes: attributes, cotangents: cotangents,
                                          outputs: outputs, gradients: gradients,
                                          outputNames: outputNames, gradientNames: gradientNames)
        let floor = float32AbsoluteFloorFactor * unit
        let float32 = Tolerance(atol: roundUp(max(floor, float32MeasuredFactor * measured.deviation)), rtol: float32Relative)

        var reasoning = "scale = \(short(scale)), the largest |value| of the outputs and gradients. "
        reasoning += "float64: atol = 1e-12·max(1, scale), rtol = 1e-10: the same formulas summed in another order "
        reasoning += "or with another libm differ by a few ulps per term. "
        reasoning += "float32: the inputs and cotangents rounded to float32 move the float64 result by at most "
        reasoning += "\(short(measured.deviation))"
        reasoning += measured.deviation > 0 ? " (\(measured.array)); " : "; "
        reasoning += "atol = max(1e-5·max(1, scale), 10 × that) = \(short(float32.atol)), rtol = 1e-4"
        if measured.deviation > discreteChoiceFactor * unit {
            reasoning += "; the deviation is large: the case is ill-conditioned or rounding to float32 changes a discrete choice"
        }
        reasoning += "."
        return GoldenTolerances(float64: float64, float32: float32, reasoning: reasoning)
    }

    /// A number with two significant digits, e.g. 3.2e-07.
    static func short(_ value: Double) -> String {
        value == 0 ? "0" : String(format: "%.2g", value)
    }
}
