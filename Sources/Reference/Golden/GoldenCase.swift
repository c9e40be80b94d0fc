import Foundation
import ReferenceCore
import ReferenceIO
import ReferenceVis

/// The contents of one golden case's `case.json` (format `refvis-golden/1`).
///
/// A case is a folder holding this description and float64 `.npy` arrays. Its
/// arrays come in named lists; the order inside each list is meaningful:
/// - `inputs`: what the computation starts from (tensors, weights, spectra);
/// - `steps`: intermediate results of a pipeline, in the order they are made;
///   the first one that disagrees is where another backend first goes wrong;
/// - `outputs`: the forward results;
/// - `cotangents`: one per output, the vector the backward pass starts from;
/// - `gradients`: `Σₖ cotangentₖ · ∂outputₖ/∂input` for each floating input.
///
/// `Docs/golden-format.md` is the normative description for readers in other languages.
public struct GoldenCase: Codable, Sendable, Equatable {
    public static let currentFormat = "refvis-golden/1"

    public var format: String
    /// `op` or `pipeline`.
    public var kind: GoldenCaseKind
    /// The folder name, unique within its kind.
    public var name: String
    /// One line: what the case exercises.
    public var description: String
    /// For `op` cases: the registered op's name (PyTorch's).
    public var op: String?
    /// For `op` cases: every attribute, defaults included, so nothing is implied.
    public var attributes: [String: AttributeValue]?
    /// For `pipeline` cases: the settings a reader needs to rerun it, as strings
    /// (objective, optimizer, learning rate, seed, ...), described in the case's doc.
    public var settings: [String: String]?
    /// Other files of the case (a model description, a transform trace), by role.
    public var files: [String: String]?
    public var inputs: [GoldenArray]
    public var steps: [GoldenArray]
    public var outputs: [GoldenArray]
    public var cotangents: [GoldenArray]
    public var gradients: [GoldenArray]
    public var tolerances: GoldenTolerances

    public init(kind: GoldenCaseKind, name: String, description: String, op: String? = nil,
                attributes: [String: AttributeValue]? = nil, settings: [String: String]? = nil,
                files: [String: String]? = nil, inputs: [GoldenArray], steps: [GoldenArray] = [],
                outputs: [GoldenArray], cotangents: [GoldenArray] = [], gradients: [GoldenArray] = [],
                tolerances: GoldenTolerances) {
        self.format = GoldenCase.currentFormat
        self.kind = kind
        self.name = name
        self.description = description
        self.op = op
        self.attributes = attributes
        self.settings = settings
        self.files = files
        self.inputs = inputs
        self.steps = steps
        self.outputs = outputs
        self.cotangents = cotangents
        self.gradients = gradients
        self.tolerances = tolerances
    }

    /// The arrays another backend computes and is judged on, in the order a
    /// disagreement should be reported: steps, then outputs, then gradients.
    public var checkedArrays: [GoldenArray] { steps + outputs + gradients }

    /// Every array of the case.
    public var allArrays: [GoldenArray] { inputs + steps + outputs + cotangents + gradients }

    /// The tolerance that applies to `array` for a backend of `dtype`.
    public func tolerance(for array: GoldenArray, dtype: GoldenDType) -> Tolerance {
        (array.tolerances ?? tolerances).tolerance(for: dtype)
    }
}

public enum GoldenCaseKind: String, Codable, Sendable, CaseIterable {
    case op, pipeline

    /// The folder under the golden root that holds cases of this kind.
    public var folder: String { self == .op ? "ops" : "pipelines" }
}

/// One `.npy` array of a case: a name unique within the case, the file
/// (relative to the case folder) and its shape, repeated here so a reader can
/// check the file before trusting it.
public struct GoldenArray: Codable, Sendable, Equatable {
    public var name: String
    public var file: String
    public var shape: [Int]
    /// Overrides the case's tolerances for this array (e.g. a late pipeline step).
    public var tolerances: GoldenTolerances?

    public init(name: String, file: String, shape: [Int], tolerances: GoldenTolerances? = nil) {
        self.name = name
        self.file = file
        self.shape = shape
        self.tolerances = tolerances
    }
}

/// The precision of the backend being judged.
public enum GoldenDType: String, Codable, Sendable, CaseIterable {
    case float64, float32
}

/// How far another backend may be from a golden array:
/// pass when `|actual − expected| ≤ atol + rtol·|expected|` for every element.
public struct Tolerance: Codable, Sendable, Equatable {
    public var atol: Double
    public var rtol: Double

    public init(atol: Double, rtol: Double) {
        self.atol = atol
        self.rtol = rtol
    }
}

/// Tolerances for a float64 and a float32 backend, with the reasoning behind them.
public struct GoldenTolerances: Codable, Sendable, Equatable {
    public var float64: Tolerance
    public var float32: Tolerance
    public var reasoning: String

    public init(float64: Tolerance, float32: Tolerance, reasoning: String) {
        self.float64 = float64
        self.float32 = float32
        self.reasoning = reasoning
    }

    public func tolerance(for dtype: GoldenDType) -> Tolerance {
        dtype == .float64 ? float64 : float32
    }
}
