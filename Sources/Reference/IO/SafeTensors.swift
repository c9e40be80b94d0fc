import Foundation
import ReferenceCore

/// Reading and writing safetensors files (huggingface `safetensors`), the
/// format PyTorch, JAX and MLX models are commonly shared in.
///
/// Layout: an 8-byte little-endian unsigned header length N, then N bytes of
/// UTF-8 JSON, then the data section. The JSON object maps each tensor name to
/// `{"dtype": "F32", "shape": [2, 3], "data_offsets": [begin, end]}` (byte
/// offsets into the data section) and may hold `"__metadata__"`, an object of
/// strings. Elements are little-endian, in C (row-major) order.
///
/// Reading validates the file as the reference implementation does (see
/// `SafeTensorsHeader` for the rules and where refvis is stricter) and
/// converts every tensor to Float64 (see `SafeTensorsDType` for the dtypes
/// and how each converts). Every problem is a one-line `RefvisError` naming
/// the file; sizes are checked before anything is allocated, and no byte
/// sequence traps.
///
/// Writing stores every tensor as F32 or F64, as the reference writer lays a
/// file out: tensors sorted by name (byte order of the UTF-8), `__metadata__`
/// first when there is any (its keys sorted), the JSON without spaces, padded
/// with spaces to a multiple of 8 bytes so that the data is 8-byte aligned,
/// and the data of each tensor in that order without gaps. The bytes are
/// identical to `safetensors.numpy.save_file` of the same float32/float64
/// arrays (checked against safetensors 0.8), except that the reference writes
/// two or more metadata keys in hash-map order.
public struct SafeTensorsFile: Sendable, Equatable {
    public var tensors: [String: Tensor]
    /// The `__metadata__` strings (empty when the file has none).
    public var metadata: [String: String]

    public init(tensors: [String: Tensor] = [:], metadata: [String: String] = [:]) {
        self.tensors = tensors
        self.metadata = metadata
    }

    /// The element type a file is written with.
    public enum WriteType: Sendable {
        /// Each value rounded to the nearest binary32 (ties to even, as NumPy's
        /// `astype(np.float32)`): magnitudes beyond Float's range become ±inf.
        case f32
        /// Each value exactly.
        case f64

        var dtype: SafeTensorsDType { self == .f32 ? .f32 : .f64 }
    }

    // MARK: Reading

    /// Reads the safetensors file at `path`, converting every tensor to Float64.
    public static func read(path: String) throws -> SafeTensorsFile {
        try read(data: try FileBytes.read(path), name: path)
    }

    /// Reads safetensors bytes; `name` is used in error messages.
    public static func read(data: Data, name: String) throws -> SafeTensorsFile {
        try data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) in
            let header = try SafeTensorsHeader.parse(bytes, name: name)
            var tensors: [String: Tensor] = [:]
            tensors.reserveCapacity(header.entries.count)
            for entry in header.entries {
                guard entry.dtype.isConvertible else {
                    throw RefvisError("\(name): tensor \(quotedForMessage(entry.name)) has dtype \(entry.dtype), which refvis "
                        + "does not convert (it reads \(SafeTensorsDType.convertibleNames))")
                }
                let count = Tensor.elementCount(entry.shape)  // checked against the data range by the header
                let scalars = entry.dtype.decode(bytes, offset: header.dataStart + entry.dataOffsets.lowerBound, count: count)
                tensors[entry.name] = Tensor(shape: entry.shape, scalars: scalars)
            }
            return SafeTensorsFile(tensors: tensors, metadata: header.metadata)
        }
    }

    /// The tensors of the file at `path` — names, dtypes, shapes and offsets, in
    /// the order of their data — after validating the whole file, without
    /// converting any data (so files with dtypes refvis does not convert can
    /// still be listed).
    public static func entries(path: String) throws -> [SafeTensorsEntry] {
        try entries(data: try FileBytes.read(path), name: path)
    }

    /// The tensors described by safetensors bytes (see `entries(path:)`).
    public static func entries(data: Data, name: String) throws -> [SafeTensorsEntry] {
        try data.withUnsafeBytes { try SafeTensorsHeader.parse($0, name: name).entries }
    }

    /// The tensor called `name`, or an error that starts with `context` (e.g.
    /// the file's path) and lists the tensors there are.
    public func tensor(named name: String, context: String) throws -> Tensor {
        if let tensor = tensors[name] { return tensor }
        let names = sortedNames()
        let listed = names.prefix(10).map { "\(quotedForMessage($0)) \(formatShape(tensors[$0]!.shape))" }
        let more = names.count > 10 ? ", ... (\(names.count) in all)" : ""
        let available = names.isEmpty ? "it has no tensors" : "it has " + listed.joined(separator: ", ") + more
        throw RefvisError("\(context): no tensor named \(quotedForMessage(name)); \(available)")
    }

    // MARK: Writing

    /// The safetensors bytes of these tensors stored as `dtype` (see the type's
    /// documentation for the layout).
    public func encode(dtype: WriteType) throws -> Data {
        try encode(dtype: dtype, name: "safetensors data")
    }

    /// Writes the tensors to `path` as `dtype`, atomically.
    public func write(to path: String, dtype: WriteType) throws {
        try AtomicFile.write(try encode(dtype: dtype, name: path), to: path)
    }

    /// Names in the reference writer's order: by the bytes of their UTF-8.
    private func sortedNames() -> [String] {
        tensors.keys.sorted { Array($0.utf8).lexicographicallyPrecedes($1.utf8) }
    }

    func encode(dtype: WriteType, name: String) throws -> Data {
        guard tensors["__metadata__"] == nil else {
            throw RefvisError("\(name): cannot name a tensor '__metadata__': safetensors reserves that key for the metadata")
        }
        let stored = dtype.dtype
        let elementSize = stored.bitSize / 8
        let names = sortedNames()

        var members: [String] = []
        if !metadata.isEmpty {
            let pairs = metadata.keys.sorted { Array($0.utf8).lexicographicallyPrecedes($1.utf8) }
                .map { HeaderJSON.quoted($0) + ":" + HeaderJSON.quoted(metadata[$0]!) }
            members.append("\"__metadata__\":{" + pairs.joined(separator: ",") + "}")
        }
        var offset = 0
        for tensorName in names {
            let tensor = tensors[tensorName]!
            let end = offset + tensor.count * elementSize
            let shape = tensor.shape.map(String.init).joined(separator: ",")
            members.append(HeaderJSON.quoted(tensorName)
                + ":{\"dtype\":\"\(stored)\",\"shape\":[\(shape)],\"data_offsets\":[\(offset),\(end)]}")
            offset = end
        }
        var header = Array(("{" + members.joined(separator: ",") + "}").utf8)
        header += [UInt8](repeating: 0x20, count: (8 - header.count % 8) % 8)
        guard header.count <= SafeTensorsHeader.maxHeaderSize else {
            throw RefvisError("\(name): the safetensors header would take \(header.count) bytes, more than the limit "
                + "of \(SafeTensorsHeader.maxHeaderSize) that readers accept (too many tensors or too much metadata)")
        }

        let dataStart = 8 + header.count
        var data = Data(count: dataStart + offset)
        data.withUnsafeMutableBytes { (buffer: UnsafeMutableRawBufferPointer) in
            buffer.storeBytes(of: UInt64(header.count).littleEndian, toByteOffset: 0, as: UInt64.self)
            buffer.baseAddress!.advanced(by: 8).copyMemory(from: header, byteCount: header.count)
            var position = dataStart
            for tensorName in names {
                for value in tensors[tensorName]!.scalars {
                    switch dtype {
                    case .f64:
                        buffer.storeBytes(of: value.bitPattern.littleEndian, toByteOffset: position, as: UInt64.self)
                    case .f32:
                        buffer.storeBytes(of: Float(value).bitPattern.littleEndian, toByteOffset: position, as: UInt32.self)
                    }
                    position += elementSize
                }
            }
        }
        return data
    }
}
