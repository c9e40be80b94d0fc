// Transform traces: the random choices of every transform application of a
// run, as JSON, so that `--replay trace.json` reproduces the run exactly.

import Foundation
import ReferenceCore
import ReferenceIO

/// One transform application: at optimization step `step`, transform number
/// `transform` (0-based position in the pipeline) of kind `kind` chose `choices`.
public struct TransformRecord: Codable, Equatable, Sendable {
    public var step: Int
    public var transform: Int
    public var kind: String
    /// The values chosen, by name (integers are stored as whole numbers).
    public var choices: [String: Double]

    public init(step: Int, transform: Int, kind: String, choices: [String: Double] = [:]) {
        self.step = step
        self.transform = transform
        self.kind = kind
        self.choices = choices
    }
}

/// The record of a run's transform choices. JSON form:
///
///     {"format": "refvis-transform-trace", "version": 1, "seed": 7,
///      "records": [{"step": 0, "transform": 0, "kind": "pad", "choices": {}},
///                  {"step": 0, "transform": 1, "kind": "lucent_jitter", "choices": {"dx": 3, "dy": 5}}, ...]}
///
/// Every application of every transform gets a record, including those that
/// choose nothing (pad, normalize), so that replay can check that the run
/// applies the same transforms in the same order. Steps are whatever numbers
/// the run passes (refvis's loops count from 0); transforms count from 0.
/// Doubles are written in their shortest round-trip form, so a replay reads
/// back exactly the values drawn.
public struct TransformTrace: Codable, Equatable, Sendable {
    public static let formatName = "refvis-transform-trace"
    public static let currentVersion = 1

    public var format: String
    public var version: Int
    /// The seed of the generator that drew the choices (informative).
    public var seed: UInt64?
    public var records: [TransformRecord]
    /// The file the trace came from, used in error messages (not stored).
    public var name: String = "transform trace"

    enum CodingKeys: String, CodingKey { case format, version, seed, records }

    public init(seed: UInt64? = nil, records: [TransformRecord] = [], name: String = "transform trace") {
        format = TransformTrace.formatName
        version = TransformTrace.currentVersion
        self.seed = seed
        self.records = records
        self.name = name
    }

    public mutating func append(_ record: TransformRecord) { records.append(record) }

    /// The records of one step, ordered by transform index.
    public func records(forStep step: Int) -> [TransformRecord] {
        records.filter { $0.step == step }.sorted { $0.transform < $1.transform }
    }

    /// The records of `step` for replaying `kinds` (the run's transforms in
    /// order), after checking that the trace has that step, the same number of
    /// transforms and the same kinds. Errors are one line naming the trace.
    public func replayRecords(forStep step: Int, kinds: [String]) throws -> [TransformRecord] {
        let stepRecords = records(forStep: step)
        guard !stepRecords.isEmpty else {
            let steps = Set(records.map(\.step))
            let recorded = steps.isEmpty ? "no steps" : "steps \(steps.min() ?? 0)…\(steps.max() ?? 0)"
            throw RefvisError("\(name): this run asks for step \(step) but the trace records \(recorded)")
        }
        for (index, kind) in kinds.enumerated() where index < stepRecords.count {
            let record = stepRecords[index]
            guard record.kind == kind else {
                throw RefvisError("\(name): step \(step), transform \(index) is \(record.kind) in the trace but \(kind) in this run")
            }
        }
        guard stepRecords.count == kinds.count else {
            if kinds.count > stepRecords.count {
                throw RefvisError("\(name): step \(step) records \(stepRecords.count) transforms but this run applies transform \(stepRecords.count) (\(kinds[stepRecords.count]))")
            }
            throw RefvisError("\(name): step \(step) records \(stepRecords.count) transforms but this run applies only \(kinds.count)")
        }
        return stepRecords
    }

    /// Checks the format, the version and the record numbering: steps and
    /// transform indices non-negative, each step's transforms numbered 0, 1, 2, …
    /// with no gaps or repeats, kinds non-empty, choice values finite.
    public func validate() throws {
        guard format == TransformTrace.formatName else {
            throw RefvisError("\(name): format '\(format)' is not '\(TransformTrace.formatName)'")
        }
        guard version == TransformTrace.currentVersion else {
            throw RefvisError("\(name): trace version \(version) is not supported (refvis reads version \(TransformTrace.currentVersion))")
        }
        var indices = [Int: [Int]]()
        for (position, record) in records.enumerated() {
            guard record.step >= 0, record.transform >= 0 else {
                throw RefvisError("\(name): records[\(position)] has a negative step or transform (\(record.step), \(record.transform))")
            }
            guard !record.kind.isEmpty else { throw RefvisError("\(name): records[\(position)] has an empty kind") }
            for (choice, value) in record.choices where !value.isFinite {
                throw RefvisError("\(name): records[\(position)] choice '\(choice)' is not finite")
            }
            indices[record.step, default: []].append(record.transform)
        }
        for (step, transforms) in indices.sorted(by: { $0.key < $1.key }) where transforms.sorted() != Array(0..<transforms.count) {
            throw RefvisError("\(name): step \(step) numbers its transforms \(transforms.sorted().map(String.init).joined(separator: ", ")); expected 0…\(transforms.count - 1), each once")
        }
    }

    /// Decodes and validates a trace; `name` (usually the path) appears in errors.
    public static func decode(_ data: Data, name: String) throws -> TransformTrace {
        var trace = try decodeJSON(TransformTrace.self, from: data, name: name, what: "transform trace")
        trace.name = name
        try trace.validate()
        return trace
    }

    /// Reads a trace file.
    public static func read(path: String) throws -> TransformTrace {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw RefvisError("\(path): cannot read the transform trace (\(FileManager.default.fileExists(atPath: path) ? "unreadable" : "no such file"))")
        }
        return try decode(data, name: path)
    }

    /// The trace as pretty-printed JSON with sorted keys.
    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }

    /// Writes the trace atomically (`AtomicFile.write`).
    public func write(to path: String) throws {
        try AtomicFile.write(try encoded(), to: path)
    }
}
