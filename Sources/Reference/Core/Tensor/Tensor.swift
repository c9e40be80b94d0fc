/// A dense array of `Double`s in row-major (C) order.
///
/// refvis keeps every value in Float64 so that its results can serve as the
/// reference for faster, lower-precision backends. Images are NCHW:
/// `(batch, channels, height, width)`. A tensor is a value type; copies share
/// storage until one of them is written (Swift's copy-on-write arrays).
public struct Tensor: Sendable, Equatable, CustomStringConvertible {
    /// The size of each dimension, outermost first. `[]` is a scalar.
    public let shape: [Int]
    /// The elements in row-major order; `scalars.count == shape.product`.
    public var scalars: [Double]

    /// The largest number of elements refvis will allocate for one tensor (2^31).
    /// Sizes read from files or computed from user input are checked against it
    /// before any memory is reserved.
    public static let maxElementCount = 1 << 31

    /// Creates a tensor; the caller guarantees `scalars.count == shape.product`.
    /// Use `Tensor.validated(shape:scalars:)` for data from outside.
    public init(shape: [Int], scalars: [Double]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "negative dimension in \(shape)")
        precondition(Tensor.elementCount(shape) == scalars.count,
                     "shape \(formatShape(shape)) needs \(Tensor.elementCount(shape)) scalars, got \(scalars.count)")
        self.shape = shape
        self.scalars = scalars
    }

    /// Creates a tensor after checking that the shape is sane and matches the data.
    public static func validated(shape: [Int], scalars: [Double], context: String = "tensor") throws -> Tensor {
        let count = try checkedElementCount(shape, context: context)
        guard count == scalars.count else {
            throw RefvisError("\(context): shape \(formatShape(shape)) needs \(count) values, got \(scalars.count)")
        }
        return Tensor(shape: shape, scalars: scalars)
    }

    /// A tensor of the given shape filled with `value`.
    public init(repeating value: Double, shape: [Int]) {
        self.init(shape: shape, scalars: Array(repeating: value, count: Tensor.elementCount(shape)))
    }

    /// A tensor of zeros.
    public static func zeros(_ shape: [Int]) -> Tensor { Tensor(repeating: 0, shape: shape) }

    /// A tensor of zeros shaped like `other`.
    public static func zeros(like other: Tensor) -> Tensor { Tensor(repeating: 0, shape: other.shape) }

    /// A rank-0 tensor holding one number.
    public init(scalar: Double) { self.init(shape: [], scalars: [scalar]) }

    /// A tensor built by calling `body` with each element's flat index.
    public init(shape: [Int], generator body: (Int) -> Double) {
        self.init(shape: shape, scalars: (0..<Tensor.elementCount(shape)).map(body))
    }

    public var rank: Int { shape.count }
    public var count: Int { scalars.count }

    /// The value of a one-element tensor.
    public var scalar: Double {
        precondition(scalars.count == 1, "tensor of shape \(formatShape(shape)) is not a scalar")
        return scalars[0]
    }

    /// Row-major strides in elements: the last dimension has stride 1.
    public var strides: [Int] { Tensor.strides(for: shape) }

    public static func strides(for shape: [Int]) -> [Int] {
        var strides = Array(repeating: 1, count: shape.count)
        var running = 1
        for axis in stride(from: shape.count - 1, through: 0, by: -1) {
            strides[axis] = running
            running *= shape[axis]
        }
        return strides
    }

    /// The product of the dimensions (1 for a scalar).
    public static func elementCount(_ shape: [Int]) -> Int { shape.reduce(1, *) }

    /// The element count, refusing negative dimensions and anything above
    /// `maxElementCount` without overflowing on the way.
    ///
    /// An empty dimension makes the tensor empty, but the other dimensions
    /// must still multiply to at most `maxElementCount`: kernels size tables,
    /// planes and DFT matrices from them, so an empty batch must not let an
    /// absurd `output_size` or `pad` through.
    public static func checkedElementCount(_ shape: [Int], context: String) throws -> Int {
        guard shape.allSatisfy({ $0 >= 0 }) else {
            throw RefvisError("\(context): negative dimension in shape \(formatShape(shape))")
        }
        var count = 1
        for dimension in shape where dimension != 0 {
            let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
            guard !overflow, product <= maxElementCount else {
                throw RefvisError("\(context): shape \(formatShape(shape)) has more than 2^31 elements")
            }
            count = product
        }
        return shape.contains(0) ? 0 : count
    }

    /// The flat offset of a multi-index.
    public func offset(of index: [Int]) -> Int {
        precondition(index.count == shape.count, "index \(index) has the wrong rank for shape \(formatShape(shape))")
        var offset = 0
        for axis in 0..<shape.count {
            precondition(index[axis] >= 0 && index[axis] < shape[axis], "index \(index) out of range for \(formatShape(shape))")
            offset = offset * shape[axis] + index[axis]
        }
        return offset
    }

    /// The multi-index of a flat offset.
    public func index(of offset: Int) -> [Int] {
        var index = Array(repeating: 0, count: shape.count)
        var rest = offset
        for axis in stride(from: shape.count - 1, through: 0, by: -1) where shape[axis] > 0 {
            index[axis] = rest % shape[axis]
            rest /= shape[axis]
        }
        return index
    }

    public subscript(index: Int...) -> Double {
        get { scalars[offset(of: index)] }
        set { scalars[offset(of: index)] = newValue }
    }

    /// The same data viewed with another shape of equal element count.
    public func reshaped(_ newShape: [Int]) -> Tensor {
        Tensor(shape: newShape, scalars: scalars)
    }

    /// Applies `transform` to every element.
    public func map(_ transform: (Double) -> Double) -> Tensor {
        Tensor(shape: shape, scalars: scalars.map(transform))
    }

    /// Combines two tensors of the same shape element by element.
    public func zipMap(_ other: Tensor, _ combine: (Double, Double) -> Double) -> Tensor {
        precondition(shape == other.shape, "zipMap of \(formatShape(shape)) and \(formatShape(other.shape))")
        var result = scalars
        for i in 0..<result.count { result[i] = combine(scalars[i], other.scalars[i]) }
        return Tensor(shape: shape, scalars: result)
    }

    /// Throws a shape-mismatch error naming both shapes unless `self.shape == expected`.
    public func requireShape(_ expected: [Int], _ context: @autoclosure () -> String) throws {
        guard shape == expected else { throw RefvisError.shapeMismatch(context(), expected: expected, got: shape) }
    }

    /// Throws unless the tensor has the given rank.
    public func requireRank(_ expectedRank: Int, _ context: @autoclosure () -> String) throws {
        guard shape.count == expectedRank else {
            throw RefvisError("\(context()): expected a \(expectedRank)-d tensor, got shape \(formatShape(shape))")
        }
    }

    public var description: String {
        "Tensor\(formatShape(shape))" + (count <= 16 ? " \(scalars)" : "")
    }
}

extension Tensor {
    /// Σ aᵢ bᵢ over all elements, summed in index order.
    public func dot(_ other: Tensor) -> Double {
        precondition(count == other.count)
        var total = 0.0
        for i in 0..<count { total += scalars[i] * other.scalars[i] }
        return total
    }

    /// The largest |aᵢ| (0 for an empty tensor).
    public var maxAbs: Double { scalars.reduce(0) { max($0, abs($1)) } }

    /// True when every element is finite.
    public var isFinite: Bool { scalars.allSatisfy { $0.isFinite } }
}
