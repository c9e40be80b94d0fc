import Foundation
import Testing
import ReferenceCore
import ReferenceVis
import ReferenceTestSupport

/// Each stage of the loop does what its catalog line says, checked against
/// the same computation written out by hand.
@Suite("Engine: the stages")
struct EngineStageTests {
    let model: Model
    init() throws { model = try EngineFixtures.tinyModel(channels: 1) }

    /// One evaluation at `parameters`, step 1, without transforms.
    func evaluate(_ recipe: RenderRecipe, _ parameters: [Tensor]) throws -> RenderEvaluation {
        let engine = try RenderEngine(recipe: recipe, model: model)
        var rng = RandomGenerator(seed: 0), trace = TransformTrace(), timings = RenderTimings()
        return try engine.evaluate(parameters, step: 1, choices: .draw, rng: &rng, trace: &trace, timings: &timings)
    }

    /// The objective of `layer`'s channel `c` written out: mean of the
    /// activation (of the image itself) over the given rows and columns.
    func channelMean(_ image: Tensor, rows: Range<Int>, columns: Range<Int>, channel: Int = 1) throws -> Double {
        let a = try model.activations(image, layers: ["conv2"])["conv2"]!
        let (h, w) = (a.shape[2], a.shape[3])
        var sum = 0.0
        for y in rows { for x in columns { sum += a.scalars[(channel * h + y) * w + x] } }
        return sum / Double(rows.count * columns.count)
    }

    func pixels(_ shape: [Int], seed: UInt64 = 4) -> Tensor {
        var rng = RandomGenerator(seed: seed)
        return rng.uniformTensor(shape, 0.2, 0.8)
    }

    @Test func startsDrawWhatTheyName() throws {
        for (start, check) in [(StartSpec.constant(value: 0.3), { (t: Tensor) in t.scalars.allSatisfy { $0 == 0.3 } }),
                               (.uniform(low: -0.125, high: 0.125), { $0.scalars.allSatisfy { (-0.125..<0.125).contains($0) } }),
                               (.normal(sd: 0, mean: 0.7), { $0.scalars.allSatisfy { $0 == 0.7 } })] {
            var recipe = EngineFixtures.pixelRecipe()
            recipe.start = start
            let state = try RenderEngine(recipe: recipe, model: model).initialState()
            #expect(state.parameters[0].shape == [1, 1, 12, 12])
            #expect(check(state.parameters[0]), "\(start)")
        }
        var fourier = EngineFixtures.recipe()
        fourier.start = .normal(sd: 1, mean: 0)
        expectError(["--start normal:1:0", "--param pixel"]) { _ = try RenderEngine(recipe: fourier, model: model) }
    }

    @Test func squashNoneLeavesThePixelsAsTheImage() throws {
        let x = pixels([1, 1, 12, 12])
        let engine = try RenderEngine(recipe: EngineFixtures.pixelRecipe(), model: model)
        #expect(sameBits(try engine.image([x]), x))
    }

    @Test func borderAveragesInsideTheBorder() throws {
        let x = pixels([1, 1, 12, 12])
        var recipe = EngineFixtures.pixelRecipe()
        recipe.objectiveBorder = 2
        let loss = try evaluate(recipe, [x]).loss
        #expect(close(-loss, try channelMean(x, rows: 2..<10, columns: 2..<10), 1e-13))
        let whole = try evaluate(EngineFixtures.pixelRecipe(), [x]).loss
        #expect(close(-whole, try channelMean(x, rows: 0..<12, columns: 0..<12), 1e-13))
        #expect(loss != whole)
    }

    @Test func tilesSumTheObjectiveOverCrops() throws {
        let x = pixels([1, 1, 12, 10])
        var recipe = EngineFixtures.pixelRecipe(height: 12, width: 10)
        recipe.tile = 6
        // Rows 0..<6, 6..<12; columns 0..<6, 6..<10: four crops, each through the model alone.
        var expected = 0.0
        for rows in [0..<6, 6..<12] {
            for columns in [0..<6, 6..<10] {
                var crop = [Double]()
                for y in rows { for c in columns { crop.append(x.scalars[y * 10 + c]) } }
                let t = Tensor(shape: [1, 1, rows.count, columns.count], scalars: crop)
                expected += try channelMean(t, rows: 0..<rows.count, columns: 0..<columns.count)
            }
        }
        #expect(close(-(try evaluate(recipe, [x]).loss), expected, 1e-13))
    }

    @Test func gradientProcessingNormalizesTheGradient() throws {
        let x = pixels([1, 1, 12, 12])
        let raw = try evaluate(EngineFixtures.pixelRecipe(), [x]).gradients[0]
        for (stage, expected) in [(GradientProcessing.l2, try l2Normalize(raw)), (.std, try stdNormalize(raw)),
                                  (.laplacian(levels: 2), try laplacianPyramidNormalize(raw, levels: 2))] {
            var recipe = EngineFixtures.pixelRecipe()
            recipe.gradient = [stage]
            #expect(sameBits(try evaluate(recipe, [x]).gradients[0], expected), "\(stage)")
        }
        var l2 = EngineFixtures.pixelRecipe()
        l2.gradient = [.l2]
        let g = try evaluate(l2, [x]).gradients[0]
        #expect(close(g.scalars.reduce(0) { $0 + $1 * $1 }, 1, 1e-12))
    }

    @Test func afterStepOperationsTouchTheImageWhenTheySay() throws {
        let x = pixels([1, 1, 12, 12])
        let clipped = try AfterStepOperation.clip(low: 0.3, high: 0.6).apply(x, step: 1)
        #expect(clipped.scalars == x.scalars.map { min(max($0, 0.3), 0.6) })
        let blur = AfterStepOperation.blur(every: 3, sigma: 0.5)
        #expect(sameBits(try blur.apply(x, step: 2), x))
        #expect(sameBits(try blur.apply(x, step: 3), try gaussianBlur(x, kernelSize: [5], sigma: [0.5])))
        let tv = AfterStepOperation.tvChambolle(from: 50, weight: 0.01, perChannel: false)
        #expect(sameBits(try tv.apply(x, step: 49), x))
        #expect(sameBits(try tv.apply(x, step: 50), try denoiseTVChambolleND(x, weight: 0.01)))
        let perChannel = AfterStepOperation.tvChambolle(from: 1, weight: 0.01, perChannel: true)
        #expect(sameBits(try perChannel.apply(x, step: 1), try denoiseTVChambolle(x, weight: 0.01)))
    }

    @Test func afterStepOperationsNeedPixelsUnsquashed() throws {
        var recipe = EngineFixtures.recipe()
        recipe.afterStep = [.clip(low: 0, high: 1)]
        expectError(["--after-step clip:0:1", "--param pixel"]) { _ = try RenderEngine(recipe: recipe, model: model) }
        var sigmoid = EngineFixtures.pixelRecipe()
        sigmoid.squash = .sigmoid
        sigmoid.afterStep = [.clip(low: 0, high: 1)]
        expectError(["--after-step clip:0:1", "--squash none"]) { _ = try RenderEngine(recipe: sigmoid, model: model) }
    }

    @Test func octavesGrowTheImageBetweenPhases() throws {
        var recipe = EngineFixtures.pixelRecipe(height: 16, width: 12, steps: 6)
        recipe.octaves = OctaveSchedule(count: 3, scale: 2)
        recipe.thresholds = [2, 4, 6]
        let result = try EngineFixtures.run(recipe, model: model)
        #expect(result.snapshots.map { Array($0.image.shape.suffix(2)) } == [[4, 3], [8, 6], [16, 12]])
        recipe.thresholds = [7]
        expectError(["--octaves", "7 steps", "3 equal phases"]) { _ = try RenderEngine(recipe: recipe, model: model) }
    }

    @Test func transformsAreCheckedAgainstTheImageBeforeTheRun() throws {
        var recipe = EngineFixtures.recipe(height: 8, width: 8)
        recipe.transforms = try TransformSpec.parseList("reflect_jitter:8")
        expectError(["--transforms", "reflect_jitter:8", "8×8"]) { _ = try RenderEngine(recipe: recipe, model: model) }
    }
}
