import Foundation
import ReferenceCore
import ReferenceIO
import ReferenceVis

/// A golden case made from scratch: its description, every array named in
/// it, and any extra files (a model description, a transform trace).
public struct GeneratedGoldenCase: Sendable {
    public var golden: GoldenCase
    public var arrays: [String: Tensor]
    public var extraFiles: [String: Data]

    public init(golden: GoldenCase, arrays: [String: Tensor], extraFiles: [String: Data] = [:]) {
        self.golden = golden
        self.arrays = arrays
        self.extraFiles = extraFiles
    }
}

/// A pipeline golden case: a whole computation (parameterization → transforms
/// → model → objective, or a short render) recorded step by step.
///
/// `generate` makes the case from its seed (for `refvis golden update`);
/// `recompute` reruns it from the case's committed inputs and files and returns
/// every checked array (steps, outputs, gradients) by name (for
/// `refvis golden check`), so a check judges the kernels, not the generators
/// that made the inputs.
public protocol GoldenPipeline: Sendable {
    /// The case's folder name under `pipelines/`.
    var name: String { get }
    func generate() throws -> GeneratedGoldenCase
    func recompute(_ golden: GoldenCase, in folder: URL) throws -> [String: Tensor]
}

/// What checking one case found: one comparison per checked array, or the
/// reason the case could not be checked at all.
public struct GoldenCaseReport: Sendable {
    public var kind: GoldenCaseKind
    public var name: String
    public var comparisons: [ArrayComparison]
    /// Set when the case itself is broken (malformed case.json, missing input, an op that throws).
    public var problem: String?

    public init(kind: GoldenCaseKind, name: String, comparisons: [ArrayComparison] = [], problem: String? = nil) {
        self.kind = kind
        self.name = name
        self.comparisons = comparisons
        self.problem = problem
    }

    public var passed: Bool { problem == nil && comparisons.allSatisfy(\.passed) }

    /// The first array that disagrees, in the case's order (for a pipeline:
    /// the first step where another backend goes wrong).
    public var firstFailure: ArrayComparison? { comparisons.first { !$0.passed } }
}
