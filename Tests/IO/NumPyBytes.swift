import Foundation
import Testing
import ReferenceCore
import ReferenceIO
import ReferenceTestSupport

// MARK: - Building .npy bytes from the format's definition

/// `\x93NUMPY`, version, header length (2 bytes little-endian for 1.0, 4 for
/// 2.0 and 3.0), the header text as given (UTF-8, which is ASCII here), then `data`.
func npy(_ header: String, _ data: [UInt8], version: (UInt8, UInt8) = (1, 0)) -> Data {
    let headerBytes = Array(header.utf8)
    var bytes: [UInt8] = [0x93] + Array("NUMPY".utf8) + [version.0, version.1]
    let lengthFieldSize = version.0 == 1 ? 2 : 4
    for i in 0..<lengthFieldSize { bytes.append(UInt8(truncatingIfNeeded: headerBytes.count >> (8 * i))) }
    return Data(bytes + headerBytes + data)
}

/// A header dict the way NumPy writes it (padding is irrelevant to readers).
func dict(_ descr: String, _ shape: String, fortran: Bool = false) -> String {
    "{'descr': '\(descr)', 'fortran_order': \(fortran ? "True" : "False"), 'shape': \(shape), }\n"
}

/// Reads `data` as a file named t.npy.
func readNPY(_ data: Data) throws -> Tensor { try NumPyFile.read(data: data, name: "t.npy") }

/// The one-line RefvisError naming t.npy that reading `data` must throw (see `expectReadError`).
func readNPYError(_ data: Data, sourceLocation: SourceLocation = #_sourceLocation) -> RefvisError? {
    expectReadError(naming: "t.npy", sourceLocation: sourceLocation) { try readNPY(data) }
}

// IEEE 754 bit patterns, worked out from the definitions:
// binary64 1.5 = sign 0, exponent 1023 (0x3FF), fraction .1b → 0x3FF8_0000_0000_0000;
// -2 = sign 1, exponent 1024 → 0xC000_0000_0000_0000.
let f64OnePointFive: UInt64 = 0x3FF8_0000_0000_0000
let f64MinusTwo: UInt64 = 0xC000_0000_0000_0000
// binary32: 1.5 = 0x3FC0_0000, -2 = 0xC000_0000, 0.25 = exponent 125 → 0x3E80_0000.
let f32Words: [UInt64] = [0x3FC0_0000, 0xC000_0000, 0x3E80_0000]
