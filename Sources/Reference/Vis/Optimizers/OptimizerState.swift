import ReferenceCore
import ReferenceIO
// An optimizer's state as named tensors, for checkpoints: what
// `Optimizer.stateTensors()` exports and `Optimizer.restoreState(_:)` takes back.
//
// The names follow torch.optim's state keys, with the parameter's position
// after a dot ("exp_avg.0", "exp_avg.1", …); counts (Adam's "step", L-BFGS's
// "n_iter") are 0-d tensors, exact for integers below 2^53. Every optimizer
// that has stepped also records the shapes of its parameter list as
// "param_shape.0", "param_shape.1", … (1-d tensors of the dimensions), so
// that a state can be checked on its own and a stateless optimizer (plain
// SGD) still remembers the shapes its next steps must match. An optimizer that
// has not stepped exports an empty dictionary; restoring an empty dictionary
// makes an optimizer as fresh as a new one.

/// The prefix of the entries that record the parameter shapes.
let parameterShapePrefix = "param_shape."

/// Collects the named tensors of `stateTensors()`.
struct StateWriter {
    private(set) var tensors: [String: Tensor] = [:]
    /// The parameter shapes the state belongs to.
    let shapes: [[Int]]

    /// Records `shapes` (nil before the first step: the writer then stays empty
    /// and must not be given anything else).
    init?(shapes: [[Int]]?) {
        guard let shapes else { return nil }
        self.shapes = shapes
        for (index, shape) in shapes.enumerated() {
            tensors["\(parameterShapePrefix)\(index)"] = Tensor(shape: [shape.count], scalars: shape.map(Double.init))
        }
    }

    /// A number as a 0-d tensor.
    mutating func scalar(_ name: String, _ value: Double) {
        tensors[name] = Tensor(scalar: value)
    }

    /// One buffer per parameter, shaped like it, as "name.0", "name.1", ….
    mutating func perParameter(_ name: String, _ buffers: [[Double]]) {
        for (index, shape) in shapes.enumerated() {
            tensors["\(name).\(index)"] = Tensor(shape: shape, scalars: buffers[index])
        }
    }

    mutating func tensor(_ name: String, shape: [Int], _ scalars: [Double]) {
        tensors[name] = Tensor(shape: shape, scalars: scalars)
    }
}

/// Reads a state dictionary back, checking every name and shape; `finish()`
/// then refuses any entry nobody asked for. All errors are one line naming
/// the optimizer and the entry.
struct StateReader {
    let optimizer: String
    private let state: [String: Tensor]
    private var used: Set<String> = []
    /// The parameter shapes the state records; nil for an empty state.
    let shapes: [[Int]]?

    init(_ state: [String: Tensor], optimizer: String) throws {
        self.optimizer = optimizer
        self.state = state
        var shapes: [[Int]] = []
        while let tensor = state["\(parameterShapePrefix)\(shapes.count)"] {
            let name = "\(parameterShapePrefix)\(shapes.count)"
            guard tensor.rank == 1 else {
                throw RefvisError("\(optimizer): state '\(name)' must be a 1-d list of dimensions, got shape \(formatShape(tensor.shape))")
            }
            let dimensions = try tensor.scalars.map { value -> Int in
                guard value >= 0, value <= Double(Tensor.maxElementCount), value.rounded() == value else {
                    throw RefvisError("\(optimizer): state '\(name)' holds \(formatDouble(value)), not a dimension")
                }
                return Int(value)
            }
            _ = try Tensor.checkedElementCount(dimensions, context: "\(optimizer): state '\(name)'")
            shapes.append(dimensions)
            used.insert(name)
        }
        if shapes.isEmpty {
            guard state.isEmpty else {
                let first = state.keys.sorted()[0]
                throw RefvisError("\(optimizer): state has '\(first)' but no '\(parameterShapePrefix)0' (the shapes of the parameters it belongs to)")
            }
            self.shapes = nil
        } else {
            self.shapes = shapes
        }
    }

    /// The entry `name`, which must have shape `shape`.
    mutating func tensor(_ name: String, shape: [Int]) throws -> [Double] {
        guard let tensor = state[name] else { throw RefvisError("\(optimizer): state has no '\(name)'") }
        guard tensor.shape == shape else {
            throw RefvisError.shapeMismatch("\(optimizer): state '\(name)'", expected: shape, got: tensor.shape)
        }
        used.insert(name)
        return tensor.scalars
    }

    /// A 0-d entry.
    mutating func scalar(_ name: String) throws -> Double {
        try tensor(name, shape: [])[0]
    }

    /// A 0-d entry holding a count: a whole number ≥ 0 that an `Int` holds exactly.
    mutating func count(_ name: String) throws -> Int {
        let value = try scalar(name)
        guard value >= 0, value < 0x1p53, value.rounded() == value else {
            throw RefvisError("\(optimizer): state '\(name)' must be a whole number >= 0, got \(formatDouble(value))")
        }
        return Int(value)
    }

    /// "name.0", "name.1", …, each shaped like its parameter.
    mutating func perParameter(_ name: String) throws -> [[Double]] {
        guard let shapes else { return [] }
        return try shapes.indices.map { try tensor("\(name).\($0)", shape: shapes[$0]) }
    }

    /// Whether the state has an entry `name` (without using it).
    func has(_ name: String) -> Bool { state[name] != nil }

    /// Throws if the state has an entry none of the reads above asked for.
    func finish() throws {
        if let extra = state.keys.filter({ !used.contains($0) }).sorted().first {
            throw RefvisError("\(optimizer): unexpected state '\(extra)' (not part of this optimizer's state with these settings)")
        }
    }
}

extension Optimizer {
    /// For optimizers defined outside refvis's own (which all implement it):
    /// no state. Such an optimizer is not checkpointed; forward to the wrapped
    /// optimizer if it wraps one.
    public func stateTensors() -> [String: Tensor] { [:] }

    /// For optimizers defined outside refvis's own: only an empty state is accepted.
    public mutating func restoreState(_ state: [String: Tensor]) throws {
        guard state.isEmpty else {
            throw RefvisError("\(name): this optimizer cannot restore a saved state")
        }
    }
}
