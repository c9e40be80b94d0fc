import Testing
import ReferenceCore
import ReferenceIO
import ReferenceVis
import ReferenceTestSupport

/// `--start image:FILE`: the start parameters make the picture again, for
/// every squash, with and without colour decorrelation, on pixels and on the
/// Fourier parameterization (even and odd widths).
@Suite("Engine: starting from a picture")
struct ImageStartTests {
    func picture(height: Int, width: Int, in dir: TemporaryDirectory) throws -> (String, Tensor) {
        var rng = RandomGenerator(seed: 9)
        let image = rng.uniformTensor([1, 3, height, width], 0.1, 0.9)
        let path = dir.path("start.npy")
        try NumPyFile.write(image, to: path)
        return (path, image)
    }

    @Test(arguments: [
        (ParameterizationSpec.pixel(sd: 0.01), SquashSpec.none, false, 12),
        (.pixel(sd: 0.01), .sigmoid, true, 12),
        (.pixel(sd: 0.01), .tanh, false, 12),
        (.fft(sd: 0.01, decayPower: 1), .sigmoid, true, 12),
        (.fft(sd: 0.01, decayPower: 1.5), .sigmoid, false, 13),
    ])
    func theStartMakesThePicture(parameterization: ParameterizationSpec, squash: SquashSpec, decorrelate: Bool, width: Int) throws {
        let dir = try TemporaryDirectory()
        let (path, image) = try picture(height: 10, width: width, in: dir)
        var recipe = EngineFixtures.recipe(height: 10, width: width)
        recipe.parameterization = parameterization
        recipe.squash = squash
        recipe.decorrelate = decorrelate
        recipe.start = .image(path: path)
        let engine = try RenderEngine(recipe: recipe, model: try EngineFixtures.tinyModel(channels: 3))
        let start = try engine.initialState()
        #expect(closeAbsolute(try engine.image(start.parameters).scalars, image.scalars, 1e-12))
    }

    @Test func otherParameterizationsAreRefused() throws {
        let dir = try TemporaryDirectory()
        let (path, _) = try picture(height: 16, width: 16, in: dir)
        var recipe = EngineFixtures.recipe(height: 16, width: 16)
        recipe.parameterization = .lowres(factor: 2, sd: 0.01)
        recipe.start = .image(path: path)
        expectError(["image:", "--param pixel or fft"]) { _ = try RenderEngine(recipe: recipe, model: try EngineFixtures.tinyModel(channels: 3)) }
        recipe.start = try StartSpec(parsing: "image:" + dir.path("missing.png"), option: "--start")
        recipe.parameterization = .pixel(sd: 0.01)
        expectError("missing.png") { _ = try RenderEngine(recipe: recipe, model: try EngineFixtures.tinyModel(channels: 3)) }
    }
}
