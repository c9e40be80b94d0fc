import Foundation
import Testing
import ReferenceCore
import ReferenceIO
import ReferenceVis
import ReferenceGolden
import ReferenceTestSupport

@Suite("NumPy .npy writing")
struct NumPyWriteTests {
    /// The exact bytes np.save writes for a (2, 3) float64 array: 118 header
    /// bytes (dict, room for a 21-digit first dimension, padding, newline)
    /// after the 10-byte prefix, so the data starts at byte 128.
    @Test func encodeMatchesNumPyLayout() throws {
        let tensor = Tensor(shape: [2, 3], scalars: [1.5, -2, 0, 0, 0, 0])
        let bytes = Array(NumPyFile.encode(tensor))
        #expect(Array(bytes[0..<8]) == [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0])
        #expect(bytes[8] == 118 && bytes[9] == 0)
        let header = String(decoding: bytes[10..<128], as: UTF8.self)
        let dictText = "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }"
        #expect(header == dictText + String(repeating: " ", count: 117 - dictText.utf8.count) + "\n")
        #expect(bytes.count == 128 + 48)
        #expect(Array(bytes[128..<136]) == [0, 0, 0, 0, 0, 0, 0xF8, 0x3F])  // 1.5 little-endian
        #expect(Array(bytes[136..<144]) == [0, 0, 0, 0, 0, 0, 0x00, 0xC0])  // -2
    }

    @Test(arguments: [[], [0], [7], [2, 3], [2, 0, 3], [1, 2, 3, 4], [123456, 0], Array(repeating: 1, count: 14)])
    func dataStartsAtAMultipleOf64(shape: [Int]) throws {
        let count = shape.reduce(1, *)
        let tensor = Tensor(shape: shape, scalars: (0..<count).map { Double($0) - 2.5 })
        let bytes = Array(NumPyFile.encode(tensor))
        let headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
        #expect((10 + headerLength) % 64 == 0)
        #expect(bytes[10 + headerLength - 1] == 0x0A)
        #expect(bytes.count == 10 + headerLength + 8 * count)
        let back = try readNPY(Data(bytes))
        #expect(back == tensor)
    }

    @Test func roundTripKeepsEveryBit() throws {
        let values: [Double] = [0, -0.0, 1, -1, .pi, 1e-300, .leastNonzeroMagnitude, .greatestFiniteMagnitude,
                                .infinity, -.infinity, .nan, Double(bitPattern: 0x7FF0_0000_0000_1234)]
        let tensor = Tensor(shape: [3, 4], scalars: values)
        let back = try readNPY(NumPyFile.encode(tensor))
        #expect(back.shape == [3, 4])
        #expect(zip(back.scalars, values).allSatisfy { $0.bitPattern == $1.bitPattern })
    }

    /// A header longer than 65535 bytes needs format version 2.0. Only a
    /// shape of thousands of dimensions makes one, which NumPy (at most 64
    /// dimensions) and refvis's reader then refuse by name.
    @Test func hugeHeaderUsesVersion2() throws {
        let shape = [Int](repeating: 1, count: 22_000)  // "(1, 1, ...)" is 66000 characters
        let tensor = Tensor(shape: shape, scalars: [4.5])
        let bytes = Array(NumPyFile.encode(tensor))
        #expect(bytes[6] == 2 && bytes[7] == 0)
        let headerLength = (0..<4).reduce(0) { $0 | Int(bytes[8 + $1]) << (8 * $1) }
        #expect((12 + headerLength) % 64 == 0)
        #expect(readNPYError(Data(bytes))?.message.contains("22000 dimensions, more than the 64 NumPy allows") == true)
    }

    @Test func writeAndReadAFile() throws {
        let directory = try TemporaryDirectory(prefix: "refvis-io-test")
        let path = directory.path("a.npy")
        let tensor = Tensor(shape: [2, 2], scalars: [1, 2, 3, -4.25])
        try NumPyFile.write(tensor, to: path)
        #expect(try NumPyFile.read(path: path) == tensor)
        #expect(try directory.listing() == ["a.npy"])
    }

    @Test func writeIntoAMissingDirectoryLeavesNothing() throws {
        let directory = try TemporaryDirectory(prefix: "refvis-io-test")
        let path = directory.path("nope/a.npy")
        let error = try #require(throws: RefvisError.self) { try NumPyFile.write(Tensor(scalar: 1), to: path) }
        #expect(error.message.hasPrefix(path))
        #expect(try directory.listing().isEmpty)
    }

    @Test func readingMissingFilesAndDirectoriesThrows() throws {
        let directory = try TemporaryDirectory(prefix: "refvis-io-test")
        let missing = try #require(throws: RefvisError.self) { try NumPyFile.read(path: directory.path("none.npy")) }
        #expect(missing.message == directory.path("none.npy") + ": cannot read: no such file")
        #expect(throws: RefvisError.self) { try NumPyFile.read(path: directory.url.path) }
    }
}
