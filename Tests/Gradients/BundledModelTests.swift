import Foundation
import Testing
import ReferenceCore
import ReferenceIO
import ReferenceVis
import ReferenceLab
import ReferenceTestSupport

/// The bundled model: its procedural dataset, its committed weights, and the
/// reproducibility of its training.
@Suite("Bundled model")
struct BundledModelTests {
    /// A seed for held-out images: training uses seed 1 (and evaluates on ~1).
    static let heldOutSeed: UInt64 = 20_240_917

    // MARK: Committed weights

    @Test func committedWeightsClassifyHeldOutImagesAtTheTrainingSize() throws {
        let model = try bundledModel()
        let (images, labels) = try ProceduralPatterns(size: 32).balancedBatch(perClass: 50, seed: Self.heldOutSeed)
        let predicted = try ClassifierTraining.predictions(of: model, images: images)
        let accuracy = Double(zip(predicted, labels).filter { $0 == $1 }.count) / Double(labels.count)
        let perClass = ClassifierTraining.perClassAccuracy(predicted: predicted, labels: labels,
                                                           classCount: ProceduralPatterns.classCount)
        #expect(accuracy >= 0.95, "accuracy \(accuracy), per class \(perClass)")
        for (name, classAccuracy) in zip(ProceduralPatterns.classNames, perClass) {
            #expect(classAccuracy >= 0.8, "\(name): \(classAccuracy)")
        }
    }

    /// Global average pooling and pixel-sized patterns: the model trained at
    /// 32×32 classifies 64×64 images as well.
    @Test func committedWeightsClassifyLargerImages() throws {
        let model = try bundledModel()
        let (images, labels) = try ProceduralPatterns(size: 64).balancedBatch(perClass: 20, seed: Self.heldOutSeed)
        let accuracy = try ClassifierTraining.accuracy(of: model, images: images, labels: labels)
        #expect(accuracy >= 0.95, "accuracy \(accuracy) at 64×64")
    }

    @Test func committedDescriptionIsTheSwiftBuiltOne() throws {
        let path = try RepositoryFixtures.path(BundledModel.descriptionFile, what: "bundled description")
        let committed = try ModelDescription.read(path: path)
        #expect(committed == BundledModel.description)
        try BundledModel.checkCommitted(committed, path: path)
    }

    @Test func aChangedDescriptionIsRefusedByName() throws {
        var changed = BundledModel.description
        changed.nodes[0].attributes["padding"] = .ints([0])
        changed.classes?[0] = "stripes"
        do {
            try BundledModel.checkCommitted(changed, path: "x.json")
            Issue.record("a changed description was accepted")
        } catch let error as RefvisError {
            #expect(error.message.contains("x.json"))
            #expect(error.message.contains("nodes, classes"))
        }
    }

    @Test func committedWeightsAreFloat32AndSmall() throws {
        let path = try RepositoryFixtures.path(BundledModel.weightsFile, what: "bundled weights")
        let entries = try SafeTensorsFile.entries(path: path)
        #expect(entries.allSatisfy { $0.dtype == .f32 })
        #expect(entries.map(\.name).sorted() == BundledModel.description.parameters.map(\.name).sorted())
        let size = try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int ?? .max
        #expect(size <= 2_000_000)
    }

    @Test func missingFixturesNameBothPlaces() throws {
        let environment = [RepositoryFixtures.environmentVariable: "/nonexistent/refvis-fixtures"]
        do {
            _ = try BundledModel.load(environment: environment)
            Issue.record("loading from a missing folder succeeded")
        } catch let error as RefvisError {
            #expect(error.message.contains("/nonexistent/refvis-fixtures/models/bundled.json"))
            #expect(error.message.contains(RepositoryFixtures.sourceTreeDirectory + "/models/bundled.json"))
            #expect(error.message.contains("REFVIS_FIXTURES"))
        }
        // An empty variable counts as unset.
        #expect(RepositoryFixtures.directory([RepositoryFixtures.environmentVariable: ""]) == RepositoryFixtures.sourceTreeDirectory)
    }

    // MARK: The model's graph

    @Test func acceptsAnyImageSizeAndRefusesTooSmallOnes() throws {
        let description = BundledModel.description
        let model = try Model(description, parameters: ClassifierTraining.heNormalParameters(for: description, seed: 5))
        var rng = RandomGenerator(seed: 3)
        for (height, width) in [(4, 4), (37, 45), (32, 32)] {
            let logits = try model.activations(rng.uniformTensor([2, 3, height, width]), layers: ["logits"])["logits"]!
            #expect(logits.shape == [2, ProceduralPatterns.classCount])
        }
        #expect(throws: RefvisError.self) { try model.activations(Tensor.zeros([1, 3, 3, 8]), layers: ["logits"]) }
        #expect(model.nodeNames == ["conv1_pre_relu", "conv1", "pool1", "conv2_pre_relu", "conv2", "pool2",
                                    "conv3_pre_relu", "conv3", "conv4_pre_relu", "conv4", "class_map", "logits"])
        #expect(description.classes == ProceduralPatterns.classNames)
        // ≤ 2 MB as float32.
        let count = description.parameters.map { $0.shape.reduce(1, *) }.reduce(0, +)
        #expect(count * 4 < 2_000_000)
    }

    /// Biases start at zero; weights have std √(2/fan_in) (a 3% band is > 5
    /// standard errors for conv4's 36 864 draws).
    @Test func heNormalInitialization() throws {
        let parameters = ClassifierTraining.heNormalParameters(for: BundledModel.description, seed: 9)
        #expect(parameters["conv1.bias"]! == Tensor.zeros([16]))
        let weights = parameters["conv4.weight"]!.scalars
        let std = (weights.map { $0 * $0 }.reduce(0, +) / Double(weights.count)).squareRoot()
        #expect(abs(std / (2.0 / 576).squareRoot() - 1) < 0.03)
        #expect(parameters == ClassifierTraining.heNormalParameters(for: BundledModel.description, seed: 9))
        #expect(parameters != ClassifierTraining.heNormalParameters(for: BundledModel.description, seed: 10))
    }

    // MARK: Loss and training

    /// logits [[0, ln 3], [ln 2, ln 2]], labels [0, 1]: softmax rows (¼, ¾) and
    /// (½, ½), losses ln 4 and ln 2, mean 1.5·ln 2; the gradient is
    /// (softmax − one-hot)/2 = [[−3/8, 3/8], [1/4, −1/4]].
    @Test func crossEntropyByHand() throws {
        let tape = Tape()
        let logits = tape.variable(Tensor(shape: [2, 2], scalars: [0, log(3), log(2), log(2)]))
        let loss = try ClassifierTraining.crossEntropy(logits: logits, labels: [0, 1], on: tape)
        #expect(abs(tape.value(loss).scalar - 1.5 * log(2)) < 1e-15)
        let gradient = try tape.gradients(of: loss, withRespectTo: [logits])[0]
        for (g, e) in zip(gradient.scalars, [-0.375, 0.375, 0.25, -0.25]) { #expect(abs(g - e) < 1e-15) }
        #expect(throws: RefvisError.self) { try ClassifierTraining.crossEntropy(logits: logits, labels: [0, 2], on: tape) }
        #expect(throws: RefvisError.self) { try ClassifierTraining.crossEntropy(logits: logits, labels: [0], on: tape) }
    }

    /// Three steps of a tiny batch give the same Float64 bits twice, with one
    /// thread or several, and actually change the weights.
    @Test func shortTrainingIsBitwiseReproducible() throws {
        let configuration = ClassifierTraining.Configuration(seed: 11, steps: 3, batchSize: 4, learningRate: 1e-3, imageSize: 12)
        let first = try Parallel.withThreads(2) { try ClassifierTraining.train(BundledModel.description, configuration: configuration) }
        let second = try Parallel.withThreads(1) { try ClassifierTraining.train(BundledModel.description, configuration: configuration) }
        #expect(first.parameters == second.parameters)
        #expect(first.history == second.history)
        #expect(first.history.count == 3)
        let initial = ClassifierTraining.heNormalParameters(for: BundledModel.description, seed: 11)
        #expect(first.parameters["conv1.weight"] != initial["conv1.weight"])
        #expect(first.parameters["classifier.bias"] != initial["classifier.bias"])
    }

    @Test func trainingRefusesBadConfigurations() throws {
        var configuration = ClassifierTraining.Configuration(steps: 1, batchSize: 0)
        #expect(throws: RefvisError.self) { try ClassifierTraining.train(BundledModel.description, configuration: configuration) }
        configuration = ClassifierTraining.Configuration(steps: -1)
        #expect(throws: RefvisError.self) { try ClassifierTraining.train(BundledModel.description, configuration: configuration) }
        var noLogits = BundledModel.description
        noLogits.logits = nil
        #expect(throws: RefvisError.self) {
            try ClassifierTraining.train(noLogits, configuration: ClassifierTraining.Configuration(steps: 1))
        }
    }

    // MARK: The dataset

    @Test func samplesAreDeterministicAndIndependentOfThreads() throws {
        let dataset = try ProceduralPatterns(size: 20)
        let parallel = try Parallel.withThreads(2) { try dataset.batch(5..<23, seed: 42) }
        let serial = try Parallel.withThreads(1) { try dataset.batch(5..<23, seed: 42) }
        #expect(parallel.images == serial.images)
        #expect(parallel.labels == serial.labels)
        // A sample does not depend on which batch it was drawn in.
        let single = try dataset.sample(index: 7, seed: 42)
        let stride = 3 * 20 * 20
        #expect(Array(parallel.images.scalars[(2 * stride)..<(3 * stride)]) == single.image.scalars)
        #expect(single.label == 7 % ProceduralPatterns.classCount)
        // Another seed gives other images.
        #expect(try dataset.sample(index: 7, seed: 43).image != single.image)
    }

    @Test func everyClassIsGeneratedInRangeAndVisible() throws {
        let classCount = ProceduralPatterns.classCount
        #expect(classCount >= 8)
        #expect(Set(ProceduralPatterns.classNames).count == classCount)
        let (images, labels) = try ProceduralPatterns(size: 32).batch(0..<(3 * classCount), seed: 1)
        #expect(Set(labels) == Set(0..<classCount))
        #expect(images.shape == [3 * classCount, 3, 32, 32])
        #expect(images.scalars.allSatisfy { $0 >= 0 && $0 <= 1 })
        // Two colours at least 0.5 apart make every image far from flat: the
        // variances of the three channels add up to ‖c₁ − c₀‖²·var(coverage) + noise.
        let plane = 32 * 32
        for n in 0..<labels.count {
            var variance = 0.0
            for c in 0..<3 {
                let channel = images.scalars[((n * 3 + c) * plane)..<((n * 3 + c + 1) * plane)]
                let mean = channel.reduce(0, +) / Double(plane)
                variance += channel.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(plane)
            }
            #expect(variance > 0.005, "sample \(n) (\(ProceduralPatterns.classNames[labels[n]])) is nearly flat")
        }
    }

    /// The orientation conventions: neighbouring pixels along the bands differ
    /// less than across them (in mean square, to which the white noise adds
    /// the same 2σ² in every direction). Steps are (rows, columns): horizontal stripes vary
    /// down the image, vertical ones across it, "/" stripes from top left to
    /// bottom right (1, 1) and "\" stripes from bottom left to top right (−1, 1).
    @Test(arguments: [
        (PatternClass.horizontalStripes, (0, 1), (1, 0)),
        (PatternClass.verticalStripes, (1, 0), (0, 1)),
        (PatternClass.diagonalStripes, (-1, 1), (1, 1)),
        (PatternClass.antiDiagonalStripes, (1, 1), (-1, 1)),
    ])
    func stripeOrientations(pattern: PatternClass, along: (Int, Int), across: (Int, Int)) throws {
        let size = 24
        let dataset = try ProceduralPatterns(size: size)
        for k in 0..<5 {
            let index = pattern.rawValue + k * ProceduralPatterns.classCount
            let image = try dataset.sample(index: index, seed: 3).image
            func squaredDifferences(_ step: (Int, Int)) -> Double {
                var total = 0.0
                for c in 0..<3 {
                    for i in 1..<(size - 1) {
                        for j in 1..<(size - 1) {
                            let a = image.scalars[(c * size + i) * size + j]
                            let b = image.scalars[(c * size + i + step.0) * size + j + step.1]
                            total += (a - b) * (a - b)
                        }
                    }
                }
                return total
            }
            #expect(squaredDifferences(along) < squaredDifferences(across), "\(pattern.name), sample \(index)")
        }
    }

    @Test func badDatasetArgumentsThrow() throws {
        #expect(throws: RefvisError.self) { try ProceduralPatterns(size: 0) }
        #expect(throws: RefvisError.self) { try ProceduralPatterns(size: 5000) }
        let dataset = try ProceduralPatterns(size: 8)
        #expect(throws: RefvisError.self) { try dataset.sample(index: -1, seed: 0) }
        #expect(throws: RefvisError.self) { try dataset.batch([0, -2], seed: 0) }
        #expect(throws: RefvisError.self) { try dataset.balancedBatch(perClass: -1, seed: 0) }
    }
}
