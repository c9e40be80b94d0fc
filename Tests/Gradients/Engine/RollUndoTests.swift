import Testing
import ReferenceCore
import ReferenceVis
import ReferenceTestSupport

/// Seed 004 rolls the image, takes a step on the rolled image, and rolls it
/// back. The `roll` transform does the same: its VJP is the inverse roll,
/// so one SGD step through it lands on exactly the seed's image.
@Suite("Engine: roll jitter undone after the step")
struct RollUndoTests {
    @Test func rollTransformEqualsRollStepUnroll() throws {
        let model = try EngineFixtures.tinyModel(channels: 1)
        var recipe = EngineFixtures.pixelRecipe(steps: 1)
        recipe.transforms = try TransformSpec.parseList("roll:3")
        let engine = try RenderEngine(recipe: recipe, model: model)
        let start = try engine.initialState()
        let result = try engine.run(from: start)
        let record = try #require(result.trace.records.first)
        let (dy, dx) = (Int(record.choices["oy"] ?? .nan), Int(record.choices["ox"] ?? .nan))

        // The seed's way: roll, gradient of the objective on the rolled image, step, unroll.
        let x = start.parameters[0]
        let tape = Tape()
        let rolled = try tape.roll(tape.variable(x), shifts: [dy, dx], dims: [-2, -1])
        let rolledValue = tape.value(rolled)
        let t2 = Tape()
        let input = t2.variable(rolledValue)
        let conv2 = try #require(try model.run(input, on: t2, layers: ["conv2"])["conv2"])
        let objective = try ObjectiveParser.parse(recipe.objective).evaluate(
            ObjectiveContext(tape: t2, layer: { _ in conv2 }, image: input, batchSize: 1))
        let g = try t2.gradients(of: objective, withRespectTo: [input])[0]
        let stepped = Tensor(shape: g.shape, scalars: zip(rolledValue.scalars, g.scalars).map { $0 + 0.01 * $1 })
        let t3 = Tape()
        let unrolled = t3.value(try t3.roll(t3.variable(stepped), shifts: [-dy, -dx], dims: [-2, -1]))

        #expect(dy != 0 || dx != 0, "the drawn roll moved the image")
        #expect(close(result.state.parameters[0].scalars, unrolled.scalars, 1e-15))
    }
}
