import Foundation
import Testing
import ReferenceCore
import ReferenceIO
import ReferenceTestSupport

// MARK: - Building safetensors bytes from the format's definition

/// The header length N as 8 bytes little-endian, the header text (UTF-8,
/// unpadded unless the text is), then `data`.
func safetensors(_ header: String, _ data: [UInt8] = []) -> Data {
    let headerBytes = Array(header.utf8)
    return Data(littleEndian(UInt64(headerBytes.count), size: 8) + headerBytes + data)
}

/// One header entry: `"name":{"dtype":...,"shape":[...],"data_offsets":[b,e]}`.
func entry(_ name: String, _ dtype: String, _ shape: [Int], _ begin: Int, _ end: Int) -> String {
    "\"\(name)\":{\"dtype\":\"\(dtype)\",\"shape\":[\(shape.map(String.init).joined(separator: ","))],"
        + "\"data_offsets\":[\(begin),\(end)]}"
}

/// Reads `data` as a file named m.safetensors.
func readSafeTensors(_ data: Data) throws -> SafeTensorsFile { try SafeTensorsFile.read(data: data, name: "m.safetensors") }

/// The message of the one-line RefvisError naming m.safetensors that reading
/// `data` must throw (see `expectReadError`); "" when there is none.
@discardableResult
func readSafeTensorsError(_ data: Data, sourceLocation: SourceLocation = #_sourceLocation) -> String {
    expectReadError(naming: "m.safetensors", sourceLocation: sourceLocation) { try readSafeTensors(data) }?.message ?? ""
}

/// The same metadata and tensor names, and for each name the same shape and bitwise the same values.
func sameFiles(_ a: SafeTensorsFile, _ b: SafeTensorsFile) -> Bool {
    a.metadata == b.metadata && Set(a.tensors.keys) == Set(b.tensors.keys)
        && a.tensors.allSatisfy { name, tensor in sameBits(tensor, b.tensors[name]!) }
}
