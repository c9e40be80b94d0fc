/// Dimension arguments of reductions, checked the way PyTorch checks them.
///
/// A dimension `d` of a rank-`r` tensor is valid when `-r <= d < r`; negative
/// values count from the end (`-1` is the last dimension). As in PyTorch, a
/// rank-0 tensor accepts `0` and `-1`, as if it had one dimension of size 1.
enum ReductionAxes {
    /// The non-negative form of `dim`, or a usage error naming the op and the shape.
    static func normalize(_ dim: Int, shape: [Int], op: String) throws -> Int {
        let rank = max(shape.count, 1)
        guard dim >= -rank && dim < rank else {
            throw RefvisError.usage("\(op): dim \(dim) is out of range for a tensor of shape \(formatShape(shape)) "
                                    + "(expected a dim in [\(-rank), \(rank - 1)])")
        }
        return dim < 0 ? dim + rank : dim
    }

    /// Which dimensions a `dim` list reduces: `nil` or an empty list means all
    /// of them (PyTorch: `sum(x, dim=[])` reduces every dimension). Repeated
    /// dimensions, also when spelled differently (`1` and `-2` of a matrix), are refused.
    static func mask(_ dims: [Int]?, shape: [Int], op: String) throws -> [Bool] {
        guard let dims, !dims.isEmpty else { return Array(repeating: true, count: shape.count) }
        var mask = Array(repeating: false, count: shape.count)
        var seen = Set<Int>()
        for dim in dims {
            let axis = try normalize(dim, shape: shape, op: op)
            guard seen.insert(axis).inserted else {
                throw RefvisError.usage("\(op): dim \(axis) appears more than once in dim \(AttributeValue.ints(dims))")
            }
            // A rank-0 tensor has no entry to mark: its only "dimension" is implicit.
            if axis < mask.count { mask[axis] = true }
        }
        return mask
    }

    /// The shape seen as (outer, size, inner) around `axis`: the element at
    /// (o, s, i) is at flat offset (o·size + s)·inner + i. A rank-0 tensor is (1, 1, 1).
    static func split(_ shape: [Int], at axis: Int) -> (outer: Int, size: Int, inner: Int) {
        guard axis < shape.count else { return (1, 1, 1) }
        let outer = shape[..<axis].reduce(1, *)
        let inner = shape[(axis + 1)...].reduce(1, *)
        return (outer, shape[axis], inner)
    }

    /// `shape` without `axis` (unchanged for a rank-0 shape).
    static func removing(_ axis: Int, from shape: [Int]) -> [Int] {
        guard axis < shape.count else { return shape }
        var result = shape
        result.remove(at: axis)
        return result
    }
}
