import Foundation
import ReferenceCore
import ReferenceIO
import ReferenceVis
import ReferenceGolden
import ReferenceLab
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// `refvis train`: trains the bundled model on the procedural patterns and
/// writes its weights and description.
enum TrainCommand: Command {
    static let spec = CommandSpec(
        name: "train", summary: "Train the bundled model on procedural patterns (deterministic from the seed)",
        synopsis: "[--seed S] [--steps N] [--batch-size N] [--lr RATE] [--out DIR] [--threads N]",
        details: """
            Trains the bundled model (BundledModel.swift) with Adam on freshly generated pattern images \
            (classes: \(ProceduralPatterns.classNames.joined(separator: ", "))) and writes DIR/bundled.safetensors \
            (weights rounded to float32) and DIR/bundled.json (the model description), each atomically. \
            The result is bit-for-bit the same for a given seed and number of steps, whatever the number of threads. \
            DIR defaults to the models folder of the fixtures ($REFVIS_FIXTURES/models if set, else the source tree's \
            Fixtures/models), which is where refvis loads the bundled model from. Build with -c release.
            """,
        options: [
            OptionSpec("seed", value: "S", help: "seeds the initial weights and the training images (default 1)"),
            OptionSpec("steps", value: "N", help: "Adam steps (default \(ClassifierTraining.Configuration().steps))"),
            OptionSpec("batch-size", value: "N", help: "images per step (default \(ClassifierTraining.Configuration().batchSize))"),
            OptionSpec("lr", value: "RATE", help: "Adam's learning rate (default \(ClassifierTraining.Configuration().learningRate))"),
            OptionSpec("out", short: "o", value: "DIR", help: "output folder, created if missing (default: the fixtures' models folder)"),
            OptionSpec("threads", value: "N", help: "worker threads (default: all cores); results are identical for any N"),
        ],
        positionals: 0...0)

    /// Held-out images per class for the final accuracy.
    static let heldOutPerClass = 100

    static func run(_ arguments: ParsedArguments) throws -> Int32 {
        var configuration = ClassifierTraining.Configuration()
        if let text = arguments.value("seed") {
            guard let seed = UInt64(text) else {
                throw RefvisError.usage("--seed: expected an integer in 0...\(UInt64.max), got '\(text)'")
            }
            configuration.seed = seed
        }
        configuration.steps = try arguments.int("steps", default: configuration.steps, in: 1...10_000_000)
        configuration.batchSize = try arguments.int("batch-size", default: configuration.batchSize, in: 1...4096)
        if let text = arguments.value("lr") {
            guard let rate = Double(text), rate.isFinite, rate > 0 else {
                throw RefvisError.usage("--lr: expected a number > 0, got '\(text)'")
            }
            configuration.learningRate = rate
        }
        let directory = arguments.value("out") ?? RepositoryFixtures.directory() + "/models"
        try createDirectory(directory)
        keepFreedMemory()
        #if DEBUG
        printError("note: this is a debug build, about 10 times slower; use 'swift build -c release'")
        #endif

        let description = BundledModel.description
        let progress = TrainingProgressLine(total: configuration.steps, enabled: isatty(2) == 1)
        let start = Date()
        let result = try ClassifierTraining.train(description, configuration: configuration) { report in
            progress.update(report)
        }
        progress.finish()
        if progress.enabled { FileHandle.standardError.write(Data("evaluating on held-out images…\n".utf8)) }
        let seconds = Date().timeIntervalSince(start)

        // The committed weights are float32; evaluate exactly those.
        let weights = ClassifierTraining.roundedToFloat32(result.parameters)
        let model = try Model(description, parameters: weights)
        let heldOutSeed = ClassifierTraining.heldOutSeed(forTrainingSeed: configuration.seed)
        var heldOut = [(size: Int, accuracy: Double, perClass: [Double])]()
        for size in [BundledModel.trainingSize, 2 * BundledModel.trainingSize] {
            let (images, labels) = try ProceduralPatterns(size: size).balancedBatch(perClass: heldOutPerClass, seed: heldOutSeed)
            let predicted = try ClassifierTraining.predictions(of: model, images: images)
            let correct = zip(predicted, labels).filter { $0 == $1 }.count
            heldOut.append((size, Double(correct) / Double(labels.count),
                            ClassifierTraining.perClassAccuracy(predicted: predicted, labels: labels,
                                                                classCount: ProceduralPatterns.classCount)))
        }

        let weightsPath = directory + "/bundled.safetensors"
        let descriptionPath = directory + "/bundled.json"
        let metadata = [
            "refvis_model": description.name,
            "seed": String(configuration.seed),
            "steps": String(configuration.steps),
            "batch_size": String(configuration.batchSize),
            "learning_rate": String(configuration.learningRate),
            "image_size": String(configuration.imageSize),
        ]
        try SafeTensorsFile(tensors: weights, metadata: metadata).write(to: weightsPath, dtype: .f32)
        try AtomicFile.write(try description.encoded() + Data("\n".utf8), to: descriptionPath)

        print(summary(configuration, result.history, seconds: seconds))
        for result in heldOut {
            print("held-out accuracy at \(result.size)×\(result.size): " + String(format: "%.2f%%", 100 * result.accuracy)
                + " (\(heldOutPerClass) images per class, seed \(heldOutSeed)); per class: "
                + zip(ProceduralPatterns.classNames, result.perClass).map { "\($0) " + String(format: "%.0f%%", 100 * $1) }
                    .joined(separator: ", "))
        }
        print("wrote \(weightsPath) and \(descriptionPath)")
        return 0
    }

    /// The training record: time, speed, and the accuracy over time.
    static func summary(_ configuration: ClassifierTraining.Configuration, _ history: [ClassifierTraining.StepReport],
                        seconds: Double) -> String {
        let rate = String(format: "%.2f", Double(configuration.steps) / max(seconds, 1e-9))
        var lines = ["trained \(BundledModel.name) for \(configuration.steps) steps of \(configuration.batchSize) images "
            + "(seed \(configuration.seed), lr \(configuration.learningRate)) in \(formatTrainingDuration(seconds)) "
            + "(\(rate) steps/s, \(Parallel.threads) threads)"]
        let window = max(1, history.count / 10)
        lines.append("training loss and accuracy, mean over each tenth of the steps:")
        var rows = [[String]]()
        var first = 0
        while first < history.count {
            let part = history[first..<min(first + window, history.count)]
            let loss = part.map(\.loss).reduce(0, +) / Double(part.count)
            let accuracy = part.map(\.accuracy).reduce(0, +) / Double(part.count)
            rows.append(["\(part.first!.step)-\(part.last!.step)", String(format: "%.4f", loss), String(format: "%.2f%%", 100 * accuracy)])
            first += window
        }
        lines.append(formatTable(["steps", "loss", "accuracy"], rows))
        return lines.joined(separator: "\n")
    }

    /// Training allocates and frees the same multi-megabyte activation tensors
    /// every step. glibc returns such blocks to the kernel on free and gets
    /// them back as fresh zeroed pages, which costs about a fifth of the run in
    /// page faults; raising its mmap and trim thresholds keeps freed memory in
    /// the heap (the results are the same bits either way). `mallopt` is looked
    /// up at run time because the Glibc module does not export <malloc.h>;
    /// elsewhere this does nothing.
    static func keepFreedMemory() {
        #if canImport(Glibc)
        typealias MallOpt = @convention(c) (Int32, Int32) -> Int32
        guard let handle = dlopen(nil, RTLD_NOW), let symbol = dlsym(handle, "mallopt") else { return }
        let mallopt = unsafeBitCast(symbol, to: MallOpt.self)
        let trimThreshold: Int32 = -1, mmapThreshold: Int32 = -3  // M_TRIM_THRESHOLD, M_MMAP_THRESHOLD in <malloc.h>
        _ = mallopt(mmapThreshold, 256 << 20)
        _ = mallopt(trimThreshold, 1 << 30)
        #endif
    }

    static func createDirectory(_ path: String) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw RefvisError("--out: '\(path)' is not a directory") }
            return
        }
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw RefvisError("--out: cannot create the directory '\(path)'")
        }
    }
}

/// A progress line on stderr, redrawn in place (only when stderr is a terminal):
/// step, loss and accuracy (means over the last 50 steps), speed, time left.
private final class TrainingProgressLine {
    let total: Int
    let enabled: Bool
    private let start = Date()
    private var lastDraw = Date.distantPast
    private var recent: [ClassifierTraining.StepReport] = []

    init(total: Int, enabled: Bool) {
        self.total = total
        self.enabled = enabled
    }

    func update(_ report: ClassifierTraining.StepReport) {
        guard enabled else { return }
        recent.append(report)
        if recent.count > 50 { recent.removeFirst(recent.count - 50) }
        let now = Date()
        guard now.timeIntervalSince(lastDraw) >= 0.25 || report.step == total else { return }
        lastDraw = now
        let elapsed = now.timeIntervalSince(start)
        let rate = Double(report.step) / max(elapsed, 1e-9)
        let loss = recent.map(\.loss).reduce(0, +) / Double(recent.count)
        let accuracy = recent.map(\.accuracy).reduce(0, +) / Double(recent.count)
        let line = "step \(report.step)/\(total)  " + String(format: "loss %.4f  accuracy %.1f%%  %.2f steps/s  ", loss, 100 * accuracy, rate)
            + formatTrainingDuration(Double(total - report.step) / max(rate, 1e-9)) + " left"
        FileHandle.standardError.write(Data(("\r\u{1B}[K" + line).utf8))
    }

    func finish() {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\n".utf8))
    }
}

/// "1h02m", "7m05s", "12s".
private func formatTrainingDuration(_ seconds: Double) -> String {
    let total = Int(seconds.rounded())
    if total >= 3600 { return String(format: "%dh%02dm", total / 3600, total % 3600 / 60) }
    if total >= 60 { return String(format: "%dm%02ds", total / 60, total % 60) }
    return "\(total)s"
}
