import Foundation
import ReferenceCore
import ReferenceIO
import ReferenceVis

/// How the tolerances of the pipeline cases are chosen: measured, array by
/// array, by rerunning the pipeline in Float64 under a model of the other
/// backend's rounding, then given a margin.
///
/// Let `scale` be the array's largest |value| and `d` the largest deviation
/// from the golden array when the pipeline is rerun under the noise model.
///
/// - **float64**: noise model: every input multiplied by (1 + 2⁻⁵²·z), z
///   standard normal (about one ulp); for renders also every gradient given
///   an absolute error of 1e-15·max|g|·z before the optimizer step (another
///   summation order). `atol = max(1e-12·scale, 100·d)`, `rtol = 1e-10`.
/// - **float32**: noise model: every input rounded to Float32; for renders
///   also every gradient given an absolute error of 3e-7·max|g|·z (about five
///   Float32 ulps of the largest element: what summing a few hundred terms in
///   Float32 does) and the parameters rounded to Float32 after every step.
///   `atol = max(1e-5·scale, 30·d)`, `rtol = 1e-4`.
///
/// The margins (100 and 30) cover the noise model's optimism: long sums can
/// err by more than the model's per-element noise. Adam is why render steps
/// need the measurement: its first step is about −lr·g/(|g| + eps), so an
/// element whose gradient is of the order of the rounding noise (|g| ≲ 1e-8)
/// moves by a different amount in each backend, and the image shifts by far
/// more than the rounding itself. Measured on the committed cases: the
/// float32 deviation of the render images is 0.8e-6 … 4.5e-6, against 1.4e-8
/// for the image of the single pass `fourier-to-objective`; most of it
/// appears at the first step, and it hardly grows over the next seven.
enum PipelineTolerances {
    static let float64Floor = 1e-12
    static let float64Margin = 100.0
    static let float64Relative = 1e-10
    static let float32Floor = 1e-5
    static let float32Margin = 30.0
    static let float32Relative = 1e-4
    static let float64GradientNoise = 1e-15
    static let float32GradientNoise = 3e-7

    /// The inputs as the float64 noise model perturbs them.
    static func perturbed(_ tensor: Tensor, seed: UInt64) -> Tensor {
        var rng = RandomGenerator(seed: seed, stream: 64)
        return tensor.map { $0 * (1 + 0x1p-52 * rng.normal()) }
    }

    /// The inputs as the float32 noise model rounds them.
    static func float32(_ tensor: Tensor) -> Tensor { tensor.map { Double(Float($0)) } }

    /// The tolerances of each array of `names`, from the golden arrays and the
    /// arrays recomputed under the float64 and float32 noise models.
    static func measured(_ names: [String], golden: [String: Tensor], float64 simulated64: [String: Tensor],
                         float32 simulated32: [String: Tensor], kind: Kind) -> [String: GoldenTolerances] {
        var result = [String: GoldenTolerances]()
        for name in names {
            guard let expected = golden[name] else { continue }
            let scale = PipelineCases.magnitude(expected)
            let d64 = deviation(simulated64[name], expected)
            let d32 = deviation(simulated32[name], expected)
            let unit = scale > 0 ? scale : 1
            let float64 = Tolerance(atol: PipelineCases.rounded(max(float64Floor * unit, float64Margin * d64)), rtol: float64Relative)
            let float32 = Tolerance(atol: PipelineCases.rounded(max(float32Floor * unit, float32Margin * d32)), rtol: float32Relative)
            let reasoning = "scale \(short(scale)) (largest |value|). \(kind.summary) "
                + "float64: rerun with \(kind.float64Noise) deviates by \(short(d64)); atol = max(1e-12·scale, 100 × that), rtol 1e-10. "
                + "float32: rerun with \(kind.float32Noise) deviates by \(short(d32)); atol = max(1e-5·scale, 30 × that), rtol 1e-4."
            result[name] = GoldenTolerances(float64: float64, float32: float32, reasoning: reasoning)
        }
        return result
    }

    /// What the measurement reran, for the reasoning.
    enum Kind {
        case singlePass
        case render(steps: Int)

        var summary: String {
            switch self {
            case .singlePass: return "One forward and backward pass."
            case .render(let steps): return "\(steps) Adam steps, which amplify gradient noise (an element with |g| near the noise moves by up to lr)."
            }
        }
        var float64Noise: String {
            switch self {
            case .singlePass: return "the inputs perturbed by about one ulp"
            case .render: return "the inputs perturbed by about one ulp and gradient noise 1e-15·max|g|"
            }
        }
        var float32Noise: String {
            switch self {
            case .singlePass: return "the inputs rounded to float32"
            case .render: return "the inputs rounded to float32, gradient noise 3e-7·max|g| and the parameters rounded to float32 after each step"
            }
        }
    }

    /// The case-level tolerances: the rule for an array of scale 1 (every
    /// checked array of a pipeline case carries its own measured tolerances).
    static let caseDefault = GoldenTolerances(
        float64: Tolerance(atol: float64Floor, rtol: float64Relative),
        float32: Tolerance(atol: float32Floor, rtol: float32Relative),
        reasoning: "Every checked array of this case carries its own tolerances, measured by rerunning the pipeline under a model of float64 and float32 rounding (Docs/golden-format.md, 'Pipeline tolerances'); these are the floors for an array of largest magnitude 1.")

    /// The largest |a − e| (infinite when the shapes differ or a value is missing).
    static func deviation(_ actual: Tensor?, _ expected: Tensor) -> Double {
        guard let actual, actual.shape == expected.shape else { return .infinity }
        var worst = 0.0
        for (a, e) in zip(actual.scalars, expected.scalars) where a != e {
            let difference = abs(a - e)
            if !(difference <= worst) { worst = difference }
        }
        return worst
    }

    static func short(_ value: Double) -> String {
        value == 0 ? "0" : String(format: "%.2g", value)
    }
}

/// An optimizer that models another backend's rounding: it adds absolute
/// noise `noise·max|g|·z` to every gradient before `inner`'s step and, when
/// asked, rounds the parameters to Float32 after it. Used only to measure
/// tolerances.
struct NoisyOptimizer: Optimizer {
    var inner: any Optimizer
    let noise: Double
    let roundToFloat32: Bool
    var rng: RandomGenerator

    init(_ inner: any Optimizer, noise: Double, roundToFloat32: Bool, seed: UInt64) {
        self.inner = inner
        self.noise = noise
        self.roundToFloat32 = roundToFloat32
        self.rng = RandomGenerator(seed: seed, stream: 32)
    }

    var name: String { inner.name }

    mutating func step(_ parameters: inout [Tensor], gradients: [Tensor]) throws {
        var noisy = gradients
        for index in noisy.indices {
            let size = PipelineCases.magnitude(noisy[index]) * noise
            for k in 0..<noisy[index].count { noisy[index].scalars[k] += size * rng.normal() }
        }
        try inner.step(&parameters, gradients: noisy)
        if roundToFloat32 { parameters = parameters.map(PipelineTolerances.float32) }
    }
}
