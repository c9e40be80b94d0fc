import ReferenceCore

/// The storage classes `torch.save` names in a persistent id (the legacy
/// typed-storage names PyTorch still writes, one per dtype), with the size
/// and decoding of their elements. Every one converts to Double exactly,
/// except 64-bit integers beyond ±2^53, which round to nearest.
enum TorchStorageType: String, CaseIterable {
    case double = "DoubleStorage"
    case float = "FloatStorage"
    case half = "HalfStorage"
    case bfloat16 = "BFloat16Storage"
    case long = "LongStorage"
    case int = "IntStorage"
    case short = "ShortStorage"
    case char = "CharStorage"
    case byte = "ByteStorage"
    case bool = "BoolStorage"

    var elementSize: Int {
        switch self {
        case .double, .long: return 8
        case .float, .int: return 4
        case .half, .bfloat16, .short: return 2
        case .char, .byte, .bool: return 1
        }
    }

    /// The safetensors dtype with the same bytes, whose decoder is reused.
    private var dtype: SafeTensorsDType {
        switch self {
        case .double: return .f64
        case .float: return .f32
        case .half: return .f16
        case .bfloat16: return .bf16
        case .long: return .i64
        case .int: return .i32
        case .short: return .i16
        case .char: return .i8
        case .byte: return .u8
        case .bool: return .bool
        }
    }

    /// Decodes `count` elements from the start of `bytes` (which hold at least
    /// that many). Big-endian data, which only a checkpoint saved on a
    /// big-endian machine has, is byte-swapped first.
    func decode(_ bytes: UnsafeRawBufferPointer, count: Int, bigEndian: Bool) -> [Double] {
        guard bigEndian, elementSize > 1 else { return dtype.decode(bytes, offset: 0, count: count) }
        var swapped = [UInt8](bytes.prefix(count * elementSize))
        for element in 0..<count { swapped[(element * elementSize)..<((element + 1) * elementSize)].reverse() }
        return swapped.withUnsafeBytes { dtype.decode($0, offset: 0, count: count) }
    }
}

/// A storage's elements, decoded once however many tensors view it.
struct TorchStorageData {
    var type: TorchStorageType
    var scalars: [Double]
}

extension TorchTensorReference {
    /// 2 GiB of Float64: more than a reference implementation handles, and a
    /// bound on what a stride-0 tensor of a tiny storage can make it allocate.
    static let maximumElements = 1 << 28

    /// The tensor's elements in C order, gathered through its sizes, strides
    /// and offset, after checking that every one lies inside the storage (as
    /// `torch.as_strided` would) — a tensor may not read past its storage.
    func materialize(_ data: TorchStorageData) throws -> Tensor {
        guard data.type == storage.type else {
            throw RefvisError("storage \(quotedForMessage(storage.key)) is used as both \(data.type.rawValue) and \(storage.type.rawValue)")
        }
        guard shape.count == strides.count else {
            throw RefvisError("tensor has \(shape.count) sizes but \(strides.count) strides")
        }
        guard shape.allSatisfy({ $0 >= 0 }), strides.allSatisfy({ $0 >= 0 }), offset >= 0 else {
            throw RefvisError("tensor has a negative size, stride or offset: size \(formatShape(shape)), stride \(strides), offset \(offset)")
        }
        var count = 1
        for size in shape {
            let (product, overflow) = count.multipliedReportingOverflow(by: size)
            guard !overflow else { throw RefvisError("tensor of size \(formatShape(shape)) has too many elements") }
            count = product
        }
        guard count <= TorchTensorReference.maximumElements else {
            throw RefvisError("tensor of size \(formatShape(shape)) has \(count) elements, more than refvis reads (2^28)")
        }
        let storageCount = data.scalars.count
        if count == 0 { return Tensor(shape: shape, scalars: []) }
        // An axis of size 1 never steps, so its stride (which may be anything)
        // is taken as 0; every other stride is then at most the last index
        // read, which keeps the odometer below from overflowing.
        let strides = zip(shape, self.strides).map { size, stride in size == 1 ? 0 : stride }
        // The last element read is offset + Σ (size − 1)·stride; it must be in the storage.
        var last = offset
        for (size, stride) in zip(shape, strides) {
            let (step, overflow1) = (size - 1).multipliedReportingOverflow(by: stride)
            let (sum, overflow2) = last.addingReportingOverflow(step)
            guard !overflow1, !overflow2 else { throw RefvisError("tensor strides \(strides) overflow") }
            last = sum
        }
        guard last < storageCount else {
            throw RefvisError("tensor of size \(formatShape(shape)), stride \(strides) and offset \(offset) reads element \(last) "
                + "of storage \(quotedForMessage(storage.key)), which has \(storageCount)")
        }
        var scalars = [Double]()
        scalars.reserveCapacity(count)
        var index = [Int](repeating: 0, count: shape.count)
        var position = offset
        data.scalars.withUnsafeBufferPointer { source in
            for _ in 0..<count {
                scalars.append(source[position])
                // Odometer over the index, last axis fastest, moving the position with it.
                var axis = shape.count - 1
                while axis >= 0 {
                    index[axis] += 1
                    position += strides[axis]
                    if index[axis] < shape[axis] { break }
                    position -= strides[axis] * shape[axis]
                    index[axis] = 0
                    axis -= 1
                }
            }
        }
        return Tensor(shape: shape, scalars: scalars)
    }
}
