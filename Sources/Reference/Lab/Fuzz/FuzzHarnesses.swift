import Foundation
import ReferenceCore
import ReferenceIO
import ReferenceVis

/// The harnesses over the parsers this module can see: the file formats of
/// ReferenceIO and the JSON and expression parsers of ReferenceVis, plus the
/// existing PNG, JPEG and PyTorch fuzzers under one report shape. Seeds come
/// from the committed Fixtures folder, so every harness starts from inputs
/// refvis is known to accept. (The golden-case and argument harnesses need
/// ReferenceGolden and the CLI's parser; they live in the refvis executable.)
public enum FuzzHarnesses {
    /// The name the parsers see as the input's file name.
    static let name = "fuzz"

    /// The files under `relative` (inside the fixtures folder) whose names end in one of `suffixes`, sorted, searched recursively.
    public static func fixtureFiles(_ relative: String, suffixes: [String], fixtures: String = RepositoryFixtures.directory()) throws -> [Data] {
        let folder = fixtures + "/" + relative
        guard let enumerator = FileManager.default.enumerator(atPath: folder) else {
            throw RefvisError("\(folder): cannot list the folder of fuzzing seeds")
        }
        let paths = enumerator.compactMap { $0 as? String }.filter { path in suffixes.contains { path.hasSuffix($0) } }.sorted()
        guard !paths.isEmpty else { throw RefvisError("\(folder): no \(suffixes.joined(separator: " or ")) files to mutate") }
        return try paths.map { try FileBytes.read(folder + "/" + $0) }
    }

    /// Valid objective expressions covering every production of the grammar.
    public static let objectives = [
        "mixed4a:476", " features.28 : 3 ", "'odd/layer':2", "channel(mixed4a, 476) - 0.05*total_variation()",
        "neuron(conv3, 5, x=3, y=4) + 2*deepdream(conv2)", "-(a:1 + a:2)/4", "2*3*a:1",
        "channel(layer=m, channel=3, batch=1)", "direction(m, [0.5, -1, 2e-1], cossim_pow=1)",
        "neuron_weight(m, none, y=-0)", "l2(constant=0.5) + L1(conv1)",
        "class_logit(7) + channel_interpolate(a, 1, b, 2) - 1e2*diversity(m)",
        "alignment(m, 3) + blur_input_each_step()", "a:1 + 2", "channel(mixed4a, 476, batch=1) - 1e2*diversity(mixed4a)",
        "direction(mixed4a, [0.5, -1, 2])",
    ]

    /// Bytes shown as text when they are UTF-8, else as hex.
    static func show(_ bytes: [UInt8]) -> String {
        if let text = String(validating: bytes, as: UTF8.self) { return text }
        return "\(bytes.count) bytes: " + bytes.map { String(format: "%02x", $0) }.joined()
    }

    /// A byte-level harness; `text` selects the token mutations too.
    static func harness(_ parser: String, _ summary: String, seeds: [Data], text: Bool,
                        target: @escaping @Sendable (Data) throws -> String?) -> FuzzHarness {
        let runner = FuzzRunner<[UInt8]>(parser: parser, seeds: seeds.map { [UInt8]($0) },
                                         mutate: { input, all, rng in
                                             text ? Mutator.text(input, others: all, &rng) : Mutator.bytes(input, others: all, &rng)
                                         },
                                         target: { try target(Data($0)) })
        return FuzzHarness(runner, summary: summary, show: show)
    }

    /// Every harness of this module, in the order `refvis fuzz all` runs them.
    public static func all(fixtures: String = RepositoryFixtures.directory()) throws -> [FuzzHarness] {
        func files(_ relative: String, _ suffixes: String...) throws -> [Data] {
            try fixtureFiles(relative, suffixes: suffixes, fixtures: fixtures)
        }
        let models = try files("models", ".json") + files("golden/pipelines", "model.json")
        var harnesses = [
            harness("npy", "NumPyFile.read (.npy headers, dtypes, shapes, data lengths)", seeds: try files("numpy", ".npy"), text: false) {
                let tensor = try NumPyFile.read(data: $0, name: name)
                return tensor.scalars.count == tensor.shape.reduce(1, *) ? nil : "shape \(tensor.shape) holds \(tensor.scalars.count) values"
            },
            harness("safetensors", "SafeTensorsFile.read (header length, JSON header, offsets, dtypes)",
                    seeds: try files("safetensors", ".safetensors"), text: false) { data in
                let file = try SafeTensorsFile.read(data: data, name: name)
                for (key, tensor) in file.tensors where tensor.scalars.count != tensor.shape.reduce(1, *) {
                    return "tensor '\(key)' of shape \(tensor.shape) holds \(tensor.scalars.count) values"
                }
                return nil
            },
            harness("model", "ModelDescription.decode, then description.check() (the graph compiled without weights)",
                    seeds: models, text: true) {
                try ModelDescription.decode($0, name: name).check()
                return nil
            },
            harness("trace", "TransformTrace.decode (JSON, then the trace's own validation)",
                    seeds: try files("golden", "trace.json"), text: true) {
                _ = try TransformTrace.decode($0, name: name)
                return nil
            },
            harness("recipe", "RenderRecipe.decode (every render setting from JSON)",
                    seeds: try files("golden", "recipe.json") + [try RenderRecipe().encoded()], text: true) {
                _ = try RenderRecipe.decode($0, name: name)
                return nil
            },
            harness("objective", "ObjectiveParser.parse on mutated objective expressions",
                    seeds: objectives.map { Data($0.utf8) }, text: true) {
                _ = try ObjectiveParser.parse(String(decoding: $0, as: UTF8.self))
                return nil
            },
        ]
        harnesses += try imageAndCheckpointHarnesses(fixtures: fixtures)
        return harnesses
    }

    /// The existing PNG, JPEG and PyTorch fuzzers with their reports recast.
    /// They draw their own mutations (format-aware: chunk CRCs recomputed,
    /// zip CRCs resealed), so they replay by seed and count, not by case.
    static func imageAndCheckpointHarnesses(fixtures: String) throws -> [FuzzHarness] {
        let png = try PNGFuzz.corpus(folder: fixtures + "/images/png")
        let jpeg = try fixtureFiles("images/jpeg", suffixes: [".jpg"], fixtures: fixtures)
        let torch = try TorchFuzz.seeds(inFolder: fixtures + "/torch")
        @Sendable func timed(_ parser: String, _ seed: UInt64, _ body: () -> FuzzReport) -> FuzzReport {
            let start = DispatchTime.now().uptimeNanoseconds
            var report = body()
            report.parser = parser
            report.seed = seed
            report.seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            return report
        }
        return [
            FuzzHarness(name: "png", summary: "PNG.decode via PNGFuzz (chunks, CRCs, zlib, filters, palettes)") { count, seed in
                timed("png", seed) {
                    let result = PNGFuzz.run(corpus: png, count: count, seed: seed)
                    var report = FuzzReport(parser: "png", seed: seed)
                    (report.cases, report.accepted, report.refused) = (result.cases, result.decoded, result.refused)
                    for text in result.firstUnexpected { report.noteUnexpected(text) }
                    report.unexpected = result.unexpected
                    return report
                }
            },
            FuzzHarness(name: "jpeg", summary: "JPEG.decode via JPEGFuzz (markers, tables, Huffman data, progressive scans)") { count, seed in
                timed("jpeg", seed) {
                    let result = JPEGFuzz.run(seeds: jpeg, count: count, seed: seed)
                    var report = FuzzReport(parser: "jpeg", seed: seed)
                    (report.cases, report.accepted, report.refused) = (result.iterations, result.decoded, result.rejected)
                    for text in result.otherErrors { report.noteUnexpected(text) }
                    (report.slowestSeconds, report.slowestCase) = (result.slowestSeconds, result.slowestIteration)
                    return report
                }
            },
            FuzzHarness(name: "pth", summary: "TorchCheckpoint.read via TorchFuzz (zip, pickle, storages)") { count, seed in
                timed("pth", seed) {
                    let result = TorchFuzz.run(seeds: torch, count: count, seed: seed)
                    var report = FuzzReport(parser: "pth", seed: seed)
                    (report.cases, report.accepted, report.refused) = (result.inputs, result.loaded, result.refused)
                    for text in result.otherMessages { report.noteUnexpected(text) }
                    report.unexpected = result.otherErrors
                    return report
                }
            },
        ]
    }
}
