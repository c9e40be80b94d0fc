import ReferenceCore
import ReferenceIO
import ReferenceVis
/// The image side of one feature-visualization step at 224 px: a Fourier
/// image, Lucid's colour decorrelation and the sigmoid, forward, and forward
/// plus backward to the spectrum through the tape.
extension Benchmarks {
    static var parameterizationCases: [Case] {
        func setup() throws -> (FourierImage, Tensor) {
            var rng = RandomGenerator(seed: 31)
            let parameterization = try FourierImage(shape: [1, 3, 224, 224])
            return (parameterization, parameterization.initialParameters(&rng)[0])
        }
        func image(_ tape: Tape, _ parameterization: FourierImage, _ spectrum: Variable) throws -> Variable {
            let raw = try parameterization.image(on: tape, parameters: [spectrum])
            return try toValidRGB(on: tape, raw, decorrelation: ColorCorrelation.lucidNormalized)
        }
        return [
            Case(name: "fourier image + decorrelate + sigmoid forward 1x3x224x224", flops: nil) {
                let (parameterization, spectrum) = try setup()
                return {
                    let tape = Tape()
                    _ = try image(tape, parameterization, tape.variable(spectrum))
                }
            },
            Case(name: "fourier image + decorrelate + sigmoid forward+backward 1x3x224x224", flops: nil) {
                let (parameterization, spectrum) = try setup()
                return {
                    let tape = Tape()
                    let variable = tape.variable(spectrum)
                    let rgb = try image(tape, parameterization, variable)
                    let loss = try tape.sum(rgb)
                    _ = try tape.gradients(of: loss, withRespectTo: [variable])
                }
            },
        ]
    }
}
