import Foundation
import Testing
import ReferenceCore
import ReferenceVis
import ReferenceTestSupport

/// The engine renders any model's input: its own channel count, any
/// height and width.
@Suite("Engine: the model's own input")
struct EngineInputTests {
    @Test(arguments: [1, 2, 4])
    func rendersTheModelsChannelCount(channels: Int) throws {
        let model = try EngineFixtures.tinyModel(channels: channels)
        let result = try EngineFixtures.run(EngineFixtures.recipe(steps: 24), model: model)
        let image = try #require(result.snapshots.last?.image)
        #expect(image.shape == [1, channels, 12, 12])
        // Ascent works: the objective after the last step beats the first.
        #expect(result.losses.last! < result.losses.first!)
    }

    @Test func decorrelationOfOneChannelIsRefusedBeforeTheRun() throws {
        var recipe = EngineFixtures.recipe()
        recipe.decorrelate = true
        let model = try EngineFixtures.tinyModel(channels: 1)
        expectError(["--decorrelate", "3 channels", "takes 1"]) { _ = try RenderEngine(recipe: recipe, model: model) }
    }

    @Test func threeChannelsDecorrelateByDefault() throws {
        let engine = try RenderEngine(recipe: EngineFixtures.recipe(), model: try EngineFixtures.tinyModel(channels: 3))
        #expect(engine.decorrelation == ColorCorrelation.lucidNormalized)
        let grey = try RenderEngine(recipe: EngineFixtures.recipe(), model: try EngineFixtures.tinyModel(channels: 1))
        #expect(grey.decorrelation == nil)
    }

    @Test func nonSquareImagesRenderOnTheBundledModel() throws {
        var recipe = RenderRecipe()
        (recipe.height, recipe.width) = (96, 160)
        recipe.thresholds = [2]
        let result = try EngineFixtures.run(recipe, model: try BundledModel.load())
        #expect(result.snapshots.last?.image.shape == [1, 3, 96, 160])
    }

    @Test func aRecipeIsItsJSON() throws {
        var recipe = EngineFixtures.pixelRecipe()
        recipe.afterStep = [.clip(low: 0, high: 1), .blur(every: 5, sigma: 0.5), .tvChambolle(from: 50, weight: 0.001, perChannel: false)]
        recipe.gradient = [.l2, .laplacian(levels: 3)]
        recipe.octaves = OctaveSchedule(count: 2, scale: 1.5)
        recipe.objectiveBorder = 2
        recipe.tile = 8
        let data = try recipe.encoded()
        #expect(try RenderRecipe.decode(data, name: "x") == recipe)
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains("\"tv_chambolle:50:0.001:0\""))
        #expect(text.contains("\"octaves\" : \"octaves:2:1.5\""))
        // Absent keys take the defaults, so a recipe file names only what it changes.
        #expect(try RenderRecipe.decode(Data("{}".utf8), name: "x") == RenderRecipe())
        expectError(["bad.json", "unknown 'blurry'"]) {
            _ = try RenderRecipe.decode(Data("{\"after_step\": [\"blurry:3\"]}".utf8), name: "bad.json")
        }
    }
}
