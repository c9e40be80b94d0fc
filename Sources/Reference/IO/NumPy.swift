import Foundation
import ReferenceCore

/// Reading and writing NumPy `.npy` files.
///
/// Layout (NumPy's `numpy.lib.format`): the magic `\x93NUMPY`, a major and a
/// minor version byte, the header length (2 bytes little-endian in version
/// 1.0, 4 bytes in 2.0 and 3.0), the header (a Python dict literal, Latin-1 in
/// 1.0/2.0 and UTF-8 in 3.0, see `NumPyHeader`), then the raw elements.
///
/// Reading accepts versions 1.0, 2.0 and 3.0 and the dtypes of `NumPyDType`,
/// converted to Double. A `fortran_order: True` array (stored column-major) is
/// transposed into refvis's row-major order while reading, so the tensor holds
/// the same values at the same indices as `np.load` gives.
///
/// Refvis is stricter than NumPy in one place: the file must end exactly where
/// the array's data ends. NumPy ignores trailing bytes (they can be further
/// arrays saved to the same handle), but in files exchanged between backends
/// they almost always mean the header lies about the dtype or shape, so refvis
/// reports them instead of silently returning a prefix.
///
/// Every problem — bad magic, unsupported version, truncated or malformed
/// header, unknown dtype, object arrays, negative or absurd shapes (more than
/// 2^31 elements, checked before any allocation), too little or too much data —
/// is a one-line `RefvisError` naming the file; no byte sequence traps.
///
/// Writing always produces little-endian float64 (`'<f8'`) in C order, version
/// 1.0 (2.0 only if the header would not fit in 65535 bytes), with the header
/// padded with spaces and ending in a newline so that the data starts at a
/// multiple of 64 bytes. The padding includes the spare room NumPy leaves for
/// growing the first axis, so the bytes are identical to `np.save` of the same
/// float64 array (checked against NumPy 2.4).
public enum NumPyFile {
    static let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]  // \x93NUMPY

    /// Reads the `.npy` file at `path`.
    public static func read(path: String) throws -> Tensor {
        try read(data: try FileBytes.read(path), name: path)
    }

    /// Reads `.npy` bytes; `name` is used in error messages.
    public static func read(data: Data, name: String) throws -> Tensor {
        try data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) in try read(bytes, name: name) }
    }

    private static func read(_ bytes: UnsafeRawBufferPointer, name: String) throws -> Tensor {
        // Magic: compare what is there before complaining about length, so a
        // short non-NumPy file is reported as not being a .npy file.
        guard !bytes.isEmpty else { throw RefvisError("\(name): not a .npy file (the file is empty)") }
        let found = Array(bytes.prefix(magic.count))
        guard found == Array(magic.prefix(found.count)) else {
            throw RefvisError("\(name): not a .npy file (bad magic: expected \\x93NUMPY, found \(showBytes(found)))")
        }
        guard bytes.count >= 8 else {
            throw RefvisError("\(name): truncated .npy file: \(bytes.count) bytes, too short for the magic and version")
        }

        let major = bytes[6], minor = bytes[7]
        let lengthFieldSize: Int
        switch (major, minor) {
        case (1, 0): lengthFieldSize = 2
        case (2, 0), (3, 0): lengthFieldSize = 4
        default:
            throw RefvisError("\(name): unsupported .npy format version \(major).\(minor) (refvis reads 1.0, 2.0 and 3.0)")
        }
        let headerStart = 8 + lengthFieldSize
        guard bytes.count >= headerStart else {
            throw RefvisError("\(name): truncated .npy header: the file ends inside the header length field")
        }
        var headerLength = 0
        for i in (0..<lengthFieldSize).reversed() { headerLength = headerLength << 8 | Int(bytes[8 + i]) }
        let available = bytes.count - headerStart
        guard headerLength <= available else {
            throw RefvisError("\(name): truncated .npy header: the header length field says \(headerLength) bytes, "
                + "but only \(available) follow")
        }

        let headerBytes = UnsafeRawBufferPointer(rebasing: bytes[headerStart..<headerStart + headerLength])
        let headerText: String
        if major == 3 {
            guard let text = String(bytes: headerBytes, encoding: .utf8) else {
                throw RefvisError("\(name): malformed .npy header: not valid UTF-8")
            }
            headerText = text
        } else {
            // Latin-1: every byte is the code point of the same value.
            headerText = String(String.UnicodeScalarView(headerBytes.map { Unicode.Scalar($0) }))
        }
        // Header messages quote keys, dtypes and the header itself; a damaged
        // header can hold any control character, which must not break the line.
        let header: NumPyHeader
        do {
            header = try NumPyHeader.parse(headerText, name: name)
        } catch let error as RefvisError {
            throw RefvisError(escapingControls(error.message), kind: error.kind)
        }

        // Sizes are checked before anything is allocated.
        let count = try Tensor.checkedElementCount(header.shape, context: name)
        let dataStart = headerStart + headerLength
        let dataBytes = bytes.count - dataStart
        let needed = count * header.dtype.size  // ≤ 2^31 · 8: no overflow
        guard dataBytes == needed else {
            let claim = "\(name): header says \(formatShape(header.shape)) \(header.dtype.description) = "
                + "\(needed) bytes of data, file has \(dataBytes)"
            if dataBytes < needed { throw RefvisError(claim) }
            throw RefvisError(claim + " (\(dataBytes - needed) extra bytes after the array; "
                + "refvis reads exactly one array per file)")
        }

        var scalars = header.dtype.decode(bytes, offset: dataStart, count: count)
        if header.fortranOrder && header.shape.count >= 2 {
            scalars = columnMajorToRowMajor(scalars, shape: header.shape)
        }
        return Tensor(shape: header.shape, scalars: scalars)
    }

    /// Reorders elements stored with the first axis varying fastest (Fortran
    /// order) into row-major order. Walks the source in storage order with an
    /// odometer over the indices (first axis fastest) and keeps the row-major
    /// offset of the current index up to date incrementally.
    static func columnMajorToRowMajor(_ source: [Double], shape: [Int]) -> [Double] {
        guard !source.isEmpty else { return source }
        let rowMajorStrides = Tensor.strides(for: shape)
        var result = [Double](repeating: 0, count: source.count)
        var index = [Int](repeating: 0, count: shape.count)
        var target = 0
        for value in source {
            result[target] = value
            for axis in 0..<shape.count {
                index[axis] += 1
                target += rowMajorStrides[axis]
                if index[axis] < shape[axis] { break }
                target -= rowMajorStrides[axis] * shape[axis]
                index[axis] = 0
            }
        }
        return result
    }

    /// The `.npy` bytes of `tensor` as little-endian float64 in C order.
    public static func encode(_ tensor: Tensor) -> Data {
        var header = "{'descr': '<f8', 'fortran_order': False, 'shape': \(formatShape(tensor.shape)), }"
        // NumPy leaves room to rewrite the first dimension with up to 21 digits
        // in place; matching it makes the output byte-identical to np.save.
        if let first = tensor.shape.first {
            header += String(repeating: " ", count: max(0, 21 - String(first).count))
        }
        let headerUTF8 = Array(header.utf8)
        var lengthFieldSize = 2
        var total = paddedLength(magicAndVersion: 8, lengthField: 2, header: headerUTF8.count)
        if total - 10 > 0xFFFF {
            lengthFieldSize = 4
            total = paddedLength(magicAndVersion: 8, lengthField: 4, header: headerUTF8.count)
        }
        let headerLength = total - 8 - lengthFieldSize

        var bytes: [UInt8] = []
        bytes.reserveCapacity(total + tensor.count * 8)
        bytes += magic
        bytes += [lengthFieldSize == 2 ? 1 : 2, 0]
        for i in 0..<lengthFieldSize { bytes.append(UInt8(truncatingIfNeeded: headerLength >> (8 * i))) }
        bytes += headerUTF8
        bytes += [UInt8](repeating: 0x20, count: headerLength - headerUTF8.count - 1)
        bytes.append(0x0A)
        for value in tensor.scalars {
            let word = value.bitPattern
            for i in 0..<8 { bytes.append(UInt8(truncatingIfNeeded: word >> (8 * UInt64(i)))) }
        }
        return Data(bytes)
    }

    /// Prefix plus header plus the final newline, padded to a multiple of 64.
    /// Like NumPy, at least one space is always added (a whole 64 when the
    /// unpadded length is already a multiple of 64).
    private static func paddedLength(magicAndVersion: Int, lengthField: Int, header: Int) -> Int {
        let unpadded = magicAndVersion + lengthField + header + 1
        return unpadded + (64 - unpadded % 64)
    }

    /// Writes `tensor` to `path` as a float64 `.npy` file, atomically.
    public static func write(_ tensor: Tensor, to path: String) throws {
        try AtomicFile.write(encode(tensor), to: path)
    }

    private static func showBytes(_ bytes: [UInt8]) -> String {
        bytes.map { byte in
            (0x20..<0x7F).contains(byte) && byte != 0x5C ? String(UnicodeScalar(byte)) : "\\x" + hex(byte)
        }.joined()
    }

    private static func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789abcdef")
        return String([digits[Int(byte >> 4)], digits[Int(byte & 0xF)]])
    }
}
