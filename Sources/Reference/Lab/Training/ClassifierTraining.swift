import Foundation
import ReferenceCore
import ReferenceIO
import ReferenceVis

/// Supervised training of an image classifier described by a `ModelDescription`
/// on the procedural patterns — how refvis makes its bundled model.
///
/// Everything is a deterministic function of the configuration: the initial
/// weights come from the seed (He-normal), step t trains on samples
/// t·B ..< (t + 1)·B of the pattern stream under the seed, the loss and its
/// gradients are computed by registered ops on a `Tape` (whose backward pass
/// sums in a fixed order), and the kernels give bitwise identical results for
/// any number of threads. The weights after n steps are therefore the same bits
/// on every run and every machine with IEEE-754 doubles and the same libm.
public enum ClassifierTraining {
    public struct Configuration: Sendable, Equatable {
        /// Seeds the initial weights and the training images.
        public var seed: UInt64 = 1
        /// The number of Adam steps.
        public var steps: Int = 8000
        /// Images per step.
        public var batchSize: Int = 32
        /// Adam's learning rate (the other hyperparameters are PyTorch's defaults).
        public var learningRate: Double = 5e-4
        /// The side of the training images in pixels.
        public var imageSize: Int = BundledModel.trainingSize

        public init(seed: UInt64 = 1, steps: Int = 8000, batchSize: Int = 32, learningRate: Double = 5e-4,
                    imageSize: Int = BundledModel.trainingSize) {
            self.seed = seed
            self.steps = steps
            self.batchSize = batchSize
            self.learningRate = learningRate
            self.imageSize = imageSize
        }
    }

    /// What one step reports.
    public struct StepReport: Sendable, Equatable {
        /// 1-based step number.
        public let step: Int
        /// The mean cross-entropy of the step's batch, before the update.
        public let loss: Double
        /// The fraction of the batch classified correctly, before the update.
        public let accuracy: Double
    }

    /// The trained parameters and the per-step record.
    public struct Result: Sendable {
        public let parameters: [String: Tensor]
        public let history: [StepReport]
    }

    /// The random stream of the initial weights (the images use the pattern
    /// stream's own seeding, so the two never share draws).
    static let initializationStream: UInt64 = 0x1417_1A11

    /// A seed for held-out images that is never the training seed: its bitwise complement.
    public static func heldOutSeed(forTrainingSeed seed: UInt64) -> UInt64 { ~seed }

    /// He-normal initial parameters (`torch.nn.init.kaiming_normal_` with
    /// fan_in and ReLU gain): each weight of rank ≥ 2 is drawn from
    /// N(0, 2/fan_in), fan_in the product of its dimensions after the first;
    /// rank-1 parameters (biases) are zero. Drawn in the description's
    /// parameter order, each tensor in flat order, from one generator seeded
    /// with (`seed`, `initializationStream`).
    public static func heNormalParameters(for description: ModelDescription, seed: UInt64) -> [String: Tensor] {
        var rng = RandomGenerator(seed: seed, stream: initializationStream)
        var parameters = [String: Tensor]()
        for parameter in description.parameters {
            if parameter.shape.count < 2 {
                parameters[parameter.name] = Tensor.zeros(parameter.shape)
            } else {
                let fanIn = parameter.shape.dropFirst().reduce(1, *)
                let std = fanIn > 0 ? (2 / Double(fanIn)).squareRoot() : 0
                parameters[parameter.name] = rng.normalTensor(parameter.shape, mean: 0, std: std)
            }
        }
        return parameters
    }

    /// The mean cross-entropy of `logits` (N, K) against `labels` (N integers in
    /// 0..<K), as `torch.nn.functional.cross_entropy(logits, labels)`:
    /// −(1/N) Σₙ log_softmax(logits)[n, labelₙ], recorded on the tape with
    /// registered ops (log_softmax, a product with the one-hot labels, sum over
    /// classes, mean over the batch, neg) so that its gradient flows to the weights.
    public static func crossEntropy(logits: Variable, labels: [Int], on tape: Tape) throws -> Variable {
        let shape = tape.value(logits).shape
        guard shape.count == 2, shape[0] == labels.count else {
            throw RefvisError("cross entropy: logits must be (N, K) with N = \(labels.count) labels, got \(formatShape(shape))")
        }
        let classes = shape[1]
        var oneHot = Tensor.zeros(shape)
        for (n, label) in labels.enumerated() {
            guard (0..<classes).contains(label) else {
                throw RefvisError("cross entropy: label \(label) of sample \(n) is not in 0..<\(classes)")
            }
            oneHot.scalars[n * classes + label] = 1
        }
        let logProbabilities = try tape.logSoftmax(logits, dim: 1)
        let picked = try tape.mul(logProbabilities, tape.variable(oneHot))
        let perSample = try tape.sum(picked, dim: [1])
        let mean = try tape.mean(perSample)
        return try tape.neg(mean)
    }

    /// The index of the largest logit of each row (the first on ties).
    public static func predictions(_ logits: Tensor) -> [Int] {
        guard logits.rank == 2, logits.shape[1] > 0 else { return [] }
        let classes = logits.shape[1]
        return (0..<logits.shape[0]).map { n in
            var best = 0
            for k in 1..<classes where logits.scalars[n * classes + k] > logits.scalars[n * classes + best] { best = k }
            return best
        }
    }

    /// The fraction of `labels` that the logits' largest entry matches.
    public static func accuracy(logits: Tensor, labels: [Int]) -> Double {
        let predicted = predictions(logits)
        guard !labels.isEmpty, predicted.count == labels.count else { return 0 }
        return Double(zip(predicted, labels).filter { $0 == $1 }.count) / Double(labels.count)
    }

    /// The predicted class of each of `images` (N, C, H, W) by `model`, evaluated
    /// in chunks of `chunk` images to bound memory.
    public static func predictions(of model: Model, images: Tensor, chunk: Int = 64) throws -> [Int] {
        try images.requireRank(4, "predictions: images")
        guard let logitsNode = model.description.logits else {
            throw RefvisError("predictions: model '\(model.description.name)' names no logits node")
        }
        let count = images.shape[0]
        let per = count == 0 ? 0 : images.count / count
        var predicted = [Int]()
        predicted.reserveCapacity(count)
        var start = 0
        while start < count {
            let end = min(start + max(chunk, 1), count)
            let part = Tensor(shape: [end - start] + images.shape.dropFirst(),
                              scalars: Array(images.scalars[(start * per)..<(end * per)]))
            predicted += predictions(try model.activations(part, layers: [logitsNode])[logitsNode]!)
            start = end
        }
        return predicted
    }

    /// The fraction of `images` that `model` classifies as `labels` says.
    public static func accuracy(of model: Model, images: Tensor, labels: [Int], chunk: Int = 64) throws -> Double {
        guard images.rank >= 1, images.shape[0] == labels.count else {
            throw RefvisError("accuracy: \(images.rank >= 1 ? images.shape[0] : 0) images but \(labels.count) labels")
        }
        let predicted = try predictions(of: model, images: images, chunk: chunk)
        return labels.isEmpty ? 0 : Double(zip(predicted, labels).filter { $0 == $1 }.count) / Double(labels.count)
    }

    /// For each class 0..<classCount, the fraction of its images predicted correctly.
    public static func perClassAccuracy(predicted: [Int], labels: [Int], classCount: Int) -> [Double] {
        var correct = [Int](repeating: 0, count: classCount), total = correct
        for (p, label) in zip(predicted, labels) where (0..<classCount).contains(label) {
            total[label] += 1
            if p == label { correct[label] += 1 }
        }
        return zip(correct, total).map { $1 == 0 ? 0 : Double($0) / Double($1) }
    }

    /// Trains `description` (which must name its logits node) on the procedural
    /// patterns. `report` is called after every step.
    public static func train(_ description: ModelDescription, configuration: Configuration,
                             report: (StepReport) -> Void = { _ in }) throws -> Result {
        guard configuration.steps >= 0 else { throw RefvisError.usage("train: steps must be >= 0, got \(configuration.steps)") }
        guard configuration.batchSize >= 1 else {
            throw RefvisError.usage("train: the batch size must be >= 1, got \(configuration.batchSize)")
        }
        guard let logitsNode = description.logits else {
            throw RefvisError("train: model '\(description.name)' names no logits node")
        }
        let dataset = try ProceduralPatterns(size: configuration.imageSize)
        let initial = heNormalParameters(for: description, seed: configuration.seed)
        // The model's own parameters are never read: every parameter enters each
        // step's tape as a variable.
        let model = try Model(description, parameters: initial)
        let names = description.parameters.map(\.name)
        var values = names.map { initial[$0]! }
        var optimizer = try Adam(lr: configuration.learningRate)
        var history = [StepReport]()
        history.reserveCapacity(configuration.steps)

        for step in 0..<configuration.steps {
            let first = step * configuration.batchSize
            let (images, labels) = try dataset.batch(first..<(first + configuration.batchSize), seed: configuration.seed)
            let tape = Tape()
            let variables = values.map { tape.variable($0) }
            let outputs = try model.run(tape.variable(images), on: tape, layers: [logitsNode],
                                        parameterVariables: Dictionary(uniqueKeysWithValues: zip(names, variables)))
            let logits = outputs[logitsNode]!
            let loss = try crossEntropy(logits: logits, labels: labels, on: tape)
            let gradients = try tape.gradients(of: loss, withRespectTo: variables)
            let stepReport = StepReport(step: step + 1, loss: tape.value(loss).scalar,
                                        accuracy: accuracy(logits: tape.value(logits), labels: labels))
            guard stepReport.loss.isFinite else {
                throw RefvisError("train: the loss became \(stepReport.loss) at step \(step + 1); try a smaller learning rate")
            }
            try optimizer.step(&values, gradients: gradients)
            history.append(stepReport)
            report(stepReport)
        }
        return Result(parameters: Dictionary(uniqueKeysWithValues: zip(names, values)), history: history)
    }

    /// Each parameter rounded to the nearest Float32 (ties to even), as it is
    /// stored in an F32 safetensors file: the committed weights are these, so
    /// that Float32 backends and the Float64 reference run the same numbers.
    public static func roundedToFloat32(_ parameters: [String: Tensor]) -> [String: Tensor] {
        parameters.mapValues { $0.map { Double(Float($0)) } }
    }
}
