import Foundation
import Testing
import ReferenceCore
import ReferenceIO
import ReferenceVis
import ReferenceGolden
import ReferenceTestSupport

// MARK: - Reading every dtype from hand-built bytes

@Suite("SafeTensors: reading every dtype")
struct SafeTensorsDTypeTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var dtype: String
        var shape: [Int]
        var bytes: [UInt8]
        var expected: [Double]
        var testDescription: String { dtype }
    }

    // Bit patterns worked out from the definitions (sign, biased exponent, fraction):
    static let cases: [Case] = [
        // binary64: 1 = 0x3FF0…, -2.5 = -1.25·2^1 = 0xC004…, 2^-1074 = 0x…01 (smallest subnormal).
        Case(dtype: "F64", shape: [3], bytes: words([0x3FF0_0000_0000_0000, 0xC004_0000_0000_0000, 1], size: 8),
             expected: [1, -2.5, 0x1p-1074]),
        // binary32: 1 = 0x3F80_0000, -0.15625 = -1.25·2^-3 (exponent 124 = 0x7C) = 0xBE20_0000, +inf = 0x7F80_0000.
        Case(dtype: "F32", shape: [3], bytes: words([0x3F80_0000, 0xBE20_0000, 0x7F80_0000], size: 4),
             expected: [1, -0.15625, .infinity]),
        // binary16: 1 = 0x3C00, -2 = 0xC000, 2^-24 = 0x0001, 65504 = 0x7BFF, -0 = 0x8000, -inf = 0xFC00.
        Case(dtype: "F16", shape: [2, 3], bytes: words([0x3C00, 0xC000, 0x0001, 0x7BFF, 0x8000, 0xFC00], size: 2),
             expected: [1, -2, 0x1p-24, 65504, -0.0, -.infinity]),
        // bfloat16 = upper half of binary32: 1 = 0x3F80, -5 = 0xC0A0, 0x0001 = 2^-149·2^16 = 2^-133, inf = 0x7F80.
        Case(dtype: "BF16", shape: [4], bytes: words([0x3F80, 0xC0A0, 0x0001, 0x7F80], size: 2),
             expected: [1, -5, 0x1p-133, .infinity]),
        // E4M3 (bias 7): 0.0111.000 = 1; 0.1111.110 = 1.75·2^8 = 448; 0x01 = 2^-9; 1.0110.100 = -1.5·2^-1;
        // 0.1111.000 = 2^8 (exponent 15 is ordinary here).
        Case(dtype: "F8_E4M3", shape: [5], bytes: [0x38, 0x7E, 0x01, 0xB4, 0x78],
             expected: [1, 448, 0x1p-9, -0.75, 256]),
        // E5M2 (bias 15): 0.01111.00 = 1; 0.11110.11 = 1.75·2^15 = 57344; 0x01 = 2^-16; 1.10000.10 = -1.5·2^1; 0x7C = inf.
        Case(dtype: "F8_E5M2", shape: [5], bytes: [0x3C, 0x7B, 0x01, 0xC2, 0x7C],
             expected: [1, 57344, 0x1p-16, -3, .infinity]),
        // Two's complement.
        Case(dtype: "I64", shape: [3], bytes: words([UInt64(bitPattern: -2), (1 << 40) + 5, 1 << 63], size: 8),
             expected: [-2, 1_099_511_627_781, -0x1p63]),
        Case(dtype: "I32", shape: [2], bytes: words([0xFFFF_FFFF, 0x0102_0304], size: 4), expected: [-1, 16_909_060]),
        Case(dtype: "I16", shape: [2], bytes: words([0x8000, 0x1234], size: 2), expected: [-32768, 4660]),
        Case(dtype: "I8", shape: [3], bytes: [0xFF, 0x80, 0x7F], expected: [-1, -128, 127]),
        Case(dtype: "U8", shape: [1, 3], bytes: [0x00, 0x80, 0xFF], expected: [0, 128, 255]),
        Case(dtype: "U16", shape: [2], bytes: words([0xFFFF, 0x0102], size: 2), expected: [65535, 258]),
        Case(dtype: "U32", shape: [1], bytes: words([0xFFFF_FFFF], size: 4), expected: [4_294_967_295]),
        // 2^64 - 1 rounds to 2^64; 2^53 + 1 is a tie between 2^53 and 2^53 + 2 and goes to the even 2^53.
        Case(dtype: "U64", shape: [2], bytes: words([.max, (1 << 53) + 1], size: 8), expected: [0x1p64, 0x1p53]),
        Case(dtype: "BOOL", shape: [3], bytes: [0, 1, 2], expected: [0, 1, 1]),
    ]

    @Test(arguments: cases)
    func readsHandBuiltBytes(_ c: Case) throws {
        let file = try readSafeTensors(safetensors("{" + entry("x", c.dtype, c.shape, 0, c.bytes.count) + "}", c.bytes))
        let tensor = try #require(file.tensors["x"])
        #expect(tensor.shape == c.shape)
        #expect(sameBits(tensor.scalars, c.expected), "got \(tensor.scalars), expected \(c.expected)")
        #expect(file.metadata.isEmpty)
    }

    /// The NaN patterns: E4M3 has only S.1111.111, E5M2 has S.11111.xx with xx ≠ 0.
    @Test func float8NaNs() throws {
        let bytes: [UInt8] = [0x7F, 0xFF, 0x7D, 0x7F, 0xFE]
        let header = "{" + entry("a", "F8_E4M3", [2], 0, 2) + "," + entry("b", "F8_E5M2", [3], 2, 5) + "}"
        let file = try readSafeTensors(safetensors(header, bytes))
        #expect(file.tensors["a"]!.scalars.allSatisfy { $0.isNaN })
        #expect(file.tensors["b"]!.scalars.allSatisfy { $0.isNaN })
    }

    /// Several tensors of different dtypes, listed out of order in the header.
    @Test func severalTensorsInAnyHeaderOrder() throws {
        let data = words([0x4000_0000_0000_0000], size: 8) + [7, 9] + words([0xBF80], size: 2)
        let header = "{" + entry("c", "BF16", [1], 10, 12) + "," + entry("a", "F64", [], 0, 8) + ","
            + entry("b", "U8", [2, 1], 8, 10) + "}"
        let file = try readSafeTensors(safetensors(header, data))
        #expect(file.tensors["a"] == Tensor(scalar: 2))
        #expect(file.tensors["b"] == Tensor(shape: [2, 1], scalars: [7, 9]))
        #expect(file.tensors["c"] == Tensor(shape: [1], scalars: [-1]))
        let entries = try SafeTensorsFile.entries(data: safetensors(header, data), name: "m")
        #expect(entries.map(\.name) == ["a", "b", "c"])
        #expect(entries.map(\.dtype) == [.f64, .u8, .bf16])
        #expect(entries.map(\.dataOffsets) == [0..<8, 8..<10, 10..<12])
        #expect(entries[1].description == "'b' (2, 1) U8")
    }

    @Test func metadataAndJSONSyntax() throws {
        // Whitespace between tokens, escapes in keys and values, trailing padding.
        let header = """
            { "__metadata__" : { "k\\u00e9y" : "a\\"b\\\\c\\/d\\n\\ud83d\\ude00" , "e": "" } ,
              "t\\tname" : { "shape" : [ 1 ] , "data_offsets" : [ 0 , 1 ] , "dtype" : "U8" } }
            """ + String(repeating: " ", count: 5)
        let file = try readSafeTensors(safetensors(header, [42]))
        #expect(file.metadata == ["kéy": "a\"b\\c/d\n😀", "e": ""])
        #expect(file.tensors["t\tname"] == Tensor(shape: [1], scalars: [42]))
        // null metadata is accepted as none, as in the reference.
        #expect(try readSafeTensors(safetensors("{\"__metadata__\":null}")).metadata.isEmpty)
    }

    @Test func emptyFileAndEmptyTensors() throws {
        let none = try readSafeTensors(safetensors("{}"))
        #expect(none.tensors.isEmpty && none.metadata.isEmpty)
        // Zero-byte tensors may share an offset with each other and with the next tensor.
        let header = "{" + entry("e1", "F32", [0], 0, 0) + "," + entry("e2", "F64", [3, 0, 2], 0, 0) + ","
            + entry("x", "U8", [1], 0, 1) + "," + entry("e3", "I8", [0], 1, 1) + "}"
        let file = try readSafeTensors(safetensors(header, [5]))
        #expect(file.tensors["e2"]!.shape == [3, 0, 2] && file.tensors["e2"]!.scalars.isEmpty)
        #expect(file.tensors.count == 4)
    }

    /// Dtypes refvis knows but does not convert: listing works, reading says why.
    @Test func knownButUnconvertedDTypes() throws {
        let data = safetensors("{" + entry("z", "C64", [1], 0, 8) + "," + entry("q", "F4", [2], 8, 9) + "}",
                               Array(repeating: 0, count: 9))
        let entries = try SafeTensorsFile.entries(data: data, name: "m")
        #expect(entries.map(\.dtype) == [.c64, .f4])
        let message = readSafeTensorsError(data)
        #expect(message.contains("'z' has dtype C64"))
        #expect(message.contains("BF16"))
        // An odd number of 4-bit elements is not a whole number of bytes.
        #expect(readSafeTensorsError(safetensors("{" + entry("q", "F4", [3], 0, 2) + "}", [0, 0])).contains("whole number of bytes"))
    }
}

// MARK: - Files written by the real safetensors library

/// Files written by huggingface `safetensors` (Fixtures/safetensors/make_fixture.py,
/// run by hand) read back with the shapes and values that NumPy/ml_dtypes
/// recorded in expected.json, and refvis's writer reproduces the library's
/// float32/float64 files byte for byte.
@Suite("SafeTensors fixtures written by the safetensors library")
struct SafeTensorsFixtureTests {
    /// Tests/IO/SafeTensorsTests.swift → repository root → Fixtures/safetensors.
    static let folder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures").appendingPathComponent("safetensors")

    struct Entry: Decodable, Sendable, CustomTestStringConvertible {
        var name: String
        var dtype: String
        var shape: [Int]
        var values: [String]
        var testDescription: String { name }
    }

    struct Expected: Decodable {
        var safetensors_version: String
        var file: String
        var metadata: [String: String]
        var tensors: [Entry]
        var written: [String: String]
    }

    static func expected() throws -> Expected {
        let data = try Data(contentsOf: folder.appendingPathComponent("expected.json"))
        return try JSONDecoder().decode(Expected.self, from: data)
    }

    @Test func sampleReadsLikeTheLibrary() throws {
        let expected = try Self.expected()
        let path = Self.folder.appendingPathComponent(expected.file).path
        let file = try SafeTensorsFile.read(path: path)
        #expect(file.metadata == expected.metadata)
        #expect(Set(file.tensors.keys) == Set(expected.tensors.map(\.name)))
        let entries = try SafeTensorsFile.entries(path: path)
        for want in expected.tensors {
            let tensor = try #require(file.tensors[want.name], "missing \(want.name)")
            #expect(tensor.shape == want.shape, "\(want.name)")
            let values = try want.values.map { try #require(Double($0), "cannot parse '\($0)'") }
            #expect(sameBits(tensor.scalars, values), "\(want.name): got \(tensor.scalars), library says \(values)")
            #expect(entries.first { $0.name == want.name }?.dtype.rawValue == want.dtype)
        }
        // The sample covers every dtype refvis converts.
        let convertible = Set(SafeTensorsDType.allCases.filter(\.isConvertible).map(\.rawValue))
        #expect(Set(expected.tensors.map(\.dtype)) == convertible)
    }

    @Test(arguments: [("f32", SafeTensorsFile.WriteType.f32), ("f64", .f64)])
    func writerMatchesTheLibraryByteForByte(suffix: String, dtype: SafeTensorsFile.WriteType) throws {
        let name = try #require(try Self.expected().written[suffix])
        let original = try Data(contentsOf: Self.folder.appendingPathComponent(name))
        let file = try SafeTensorsFile.read(data: original, name: name)
        #expect(file.tensors.count == 5)
        #expect(try file.encode(dtype: dtype) == original)
    }
}
