/// NumPy broadcasting: shapes are aligned at their last dimension; each pair
/// of sizes must be equal or one of them 1; missing leading dimensions count as 1.
public enum Broadcast {
    /// The broadcast shape of two shapes, or an error naming both.
    public static func shape(_ a: [Int], _ b: [Int], context: String) throws -> [Int] {
        let rank = max(a.count, b.count)
        var result = Array(repeating: 0, count: rank)
        for axis in 0..<rank {
            let da = axis < rank - a.count ? 1 : a[axis - (rank - a.count)]
            let db = axis < rank - b.count ? 1 : b[axis - (rank - b.count)]
            guard da == db || da == 1 || db == 1 else {
                throw RefvisError("\(context): shapes \(formatShape(a)) and \(formatShape(b)) cannot be broadcast together")
            }
            result[axis] = da == 1 ? db : da
        }
        return result
    }

    /// For each flat index of `target`, the flat index of the element of a tensor
    /// of shape `source` that broadcasting reads there.
    public static func sourceOffsets(from source: [Int], to target: [Int]) -> [Int] {
        let count = Tensor.elementCount(target)
        if source == target { return Array(0..<count) }
        let pad = target.count - source.count
        let sourceStrides = Tensor.strides(for: source)
        // Stride 0 along broadcast dimensions.
        var strides = Array(repeating: 0, count: target.count)
        for axis in 0..<source.count where source[axis] != 1 {
            strides[axis + pad] = sourceStrides[axis]
        }
        var offsets = Array(repeating: 0, count: count)
        var index = Array(repeating: 0, count: target.count)
        var offset = 0
        for flat in 0..<count {
            offsets[flat] = offset
            // Increment the multi-index, last axis fastest.
            var axis = target.count - 1
            while axis >= 0 {
                index[axis] += 1
                offset += strides[axis]
                if index[axis] < target[axis] { break }
                offset -= strides[axis] * index[axis]
                index[axis] = 0
                axis -= 1
            }
        }
        return offsets
    }

    /// Repeats `tensor` to `shape` by broadcasting.
    public static func expand(_ tensor: Tensor, to shape: [Int]) -> Tensor {
        if tensor.shape == shape { return tensor }
        let offsets = sourceOffsets(from: tensor.shape, to: shape)
        return Tensor(shape: shape, scalars: offsets.map { tensor.scalars[$0] })
    }

    /// The adjoint of `expand`: sums a gradient of the broadcast shape back to
    /// `shape`, adding in increasing flat-index order so the result is reproducible.
    public static func reduce(_ gradient: Tensor, to shape: [Int]) -> Tensor {
        if gradient.shape == shape { return gradient }
        let offsets = sourceOffsets(from: shape, to: gradient.shape)
        var result = Array(repeating: 0.0, count: Tensor.elementCount(shape))
        for flat in 0..<offsets.count { result[offsets[flat]] += gradient.scalars[flat] }
        return Tensor(shape: shape, scalars: result)
    }
}
