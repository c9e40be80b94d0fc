import ReferenceCore
import ReferenceIO
// The registered ops the objectives are built from (through the tape's typed
// wrappers), with the checks that turn a wrong channel, position or vector
// length into a one-line error naming the objective and the layer instead of
// a bare op error.

/// Tape helpers for one objective term.
struct ObjectiveTape {
    let context: ObjectiveContext
    /// The objective's name, for messages.
    let objective: String

    var tape: Tape { context.tape }

    func shape(_ v: Variable) -> [Int] { tape.value(v).shape }

    func constant(_ tensor: Tensor) -> Variable { tape.variable(tensor) }
    func constant(_ value: Double) -> Variable { tape.variable(Tensor(scalar: value)) }

    /// The mean of every element (torch.mean with no dim).
    func mean(_ v: Variable) throws -> Variable { try tape.mean(v) }
    /// The sum of every element.
    func sum(_ v: Variable) throws -> Variable { try tape.sum(v) }
    func mean(_ v: Variable, dims: [Int]) throws -> Variable { try tape.mean(v, dim: dims) }
    func sum(_ v: Variable, dims: [Int]) throws -> Variable { try tape.sum(v, dim: dims) }
    func mul(_ a: Variable, _ b: Variable) throws -> Variable { try tape.mul(a, b) }
    func scale(_ a: Variable, _ factor: Double) throws -> Variable { try mul(a, constant(factor)) }

    /// x.narrow(dim, start, 1).
    func narrow(_ v: Variable, dim: Int, at index: Int) throws -> Variable {
        try tape.narrow(v, dim: dim, start: index, length: 1)
    }

    /// Throws unless the activations have rank in `ranks`.
    func requireRank(_ v: Variable, layer: String, _ ranks: ClosedRange<Int>, _ what: String) throws {
        let s = shape(v)
        guard ranks.contains(s.count) else {
            throw RefvisError("\(objective): layer '\(layer)' has shape \(formatShape(s)); \(what)")
        }
    }

    /// activations[:, channel] kept as a dimension of size 1, after checking the range.
    func selectChannel(_ v: Variable, layer: String, channel: Int) throws -> Variable {
        try requireRank(v, layer: layer, 2...Int.max, "needs (N, C, ...) activations")
        let channels = shape(v)[1]
        guard channel >= 0, channel < channels else {
            throw RefvisError.usage("\(objective): channel \(channel) is out of range for layer '\(layer)' with \(channels) channels (valid: \(validRange(channels)))")
        }
        return try narrow(v, dim: 1, at: channel)
    }

    /// activations[:, :, y, x] kept as (N, C, 1, 1): the given position, or
    /// row H // 2 and column W // 2 (see ObjectiveTerm.swift).
    func selectPosition(_ v: Variable, layer: String, x: Int?, y: Int?) throws -> Variable {
        try requireRank(v, layer: layer, 4...4, "a position needs (N, C, H, W) activations")
        let (h, w) = (shape(v)[2], shape(v)[3])
        let row = y ?? h / 2, column = x ?? w / 2
        guard row >= 0, row < h, column >= 0, column < w else {
            throw RefvisError.usage("\(objective): position x=\(column), y=\(row) is outside layer '\(layer)' of size \(h)×\(w) (valid: x in \(validRange(w)), y in \(validRange(h)))")
        }
        return try narrow(narrow(v, dim: 2, at: row), dim: 3, at: column)
    }

    /// A per-channel vector as a (1, C, 1, …) constant broadcasting over the
    /// activations, after checking its length against the channel count.
    func channelVector(_ values: [Double], for v: Variable, layer: String, argument: String) throws -> Variable {
        try requireRank(v, layer: layer, 2...Int.max, "needs (N, C, ...) activations")
        let s = shape(v)
        guard values.count == s[1] else {
            throw RefvisError.usage("\(objective): \(argument) has \(values.count) values but layer '\(layer)' has \(s[1]) channels")
        }
        var vectorShape = Array(repeating: 1, count: s.count)
        vectorShape[1] = values.count
        return constant(Tensor(shape: vectorShape, scalars: values))
    }
}

/// "0...n-1", or "none" for n = 0.
func validRange(_ count: Int) -> String { count > 0 ? "0...\(count - 1)" : "none" }
