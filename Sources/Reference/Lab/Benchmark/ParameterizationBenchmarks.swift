import ReferenceCore
import ReferenceIO
import ReferenceVis
/// The image side of one feature-visualization step at 224 px: the render
/// engine's own image stage (Fourier image, Lucid's colour decorrelation, the
/// sigmoid), forward, and forward plus backward to the spectrum through the tape.
extension Benchmarks {
    static var parameterizationCases: [Case] {
        func setup() throws -> (RenderEngine, Tensor) {
            var recipe = RenderRecipe()
            (recipe.height, recipe.width) = (224, 224)
            recipe.seed = 31
            let engine = try RenderEngine(recipe: recipe, model: try BundledModel.load())
            return (engine, try engine.initialState().parameters[0])
        }
        func image(_ tape: Tape, _ engine: RenderEngine, _ spectrum: Variable) throws -> Variable {
            try engine.image(on: tape, parameters: [spectrum])
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
