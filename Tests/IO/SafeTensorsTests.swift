import Foundation
import Testing
import ReferenceCore
import ReferenceIO
import ReferenceVis
import ReferenceGolden
import ReferenceTestSupport

// MARK: - Building safetensors bytes from the format's definition

/// The header length N as 8 bytes little-endian, the header text (UTF-8,
/// unpadded unless the text is), then `data`.
private func safetensors(_ header: String, _ data: [UInt8] = []) -> Data {
    let headerBytes = Array(header.utf8)
    return Data(littleEndian(UInt64(headerBytes.count), size: 8) + headerBytes + data)
}

/// The low `size` bytes of `value`, least significant first.
private func littleEndian(_ value: UInt64, size: Int) -> [UInt8] {
    (0..<size).map { UInt8(truncatingIfNeeded: value >> (8 * UInt64($0))) }
}

private func words(_ values: [UInt64], size: Int) -> [UInt8] {
    values.flatMap { littleEndian($0, size: size) }
}

/// One header entry: `"name":{"dtype":...,"shape":[...],"data_offsets":[b,e]}`.
private func entry(_ name: String, _ dtype: String, _ shape: [Int], _ begin: Int, _ end: Int) -> String {
    "\"\(name)\":{\"dtype\":\"\(dtype)\",\"shape\":[\(shape.map(String.init).joined(separator: ","))],"
        + "\"data_offsets\":[\(begin),\(end)]}"
}

private func read(_ data: Data) throws -> SafeTensorsFile { try SafeTensorsFile.read(data: data, name: "m.safetensors") }

/// Reads and returns the error, failing the test if there is none or if it
/// is not a one-line RefvisError naming the file.
@discardableResult
private func readError(_ data: Data, sourceLocation: SourceLocation = #_sourceLocation) -> String {
    do {
        _ = try SafeTensorsFile.read(data: data, name: "m.safetensors")
        Issue.record("expected a RefvisError", sourceLocation: sourceLocation)
    } catch let error as RefvisError {
        #expect(error.message.hasPrefix("m.safetensors: "), "message must name the file: \(error.message)",
                sourceLocation: sourceLocation)
        #expect(!error.message.contains("\n"), "message must be one line: \(error.message)",
                sourceLocation: sourceLocation)
        return error.message
    } catch {
        Issue.record("expected a RefvisError, got \(error)", sourceLocation: sourceLocation)
    }
    return ""
}

/// Bitwise equality, so that -0.0 and NaN are checked too.
private func sameBits(_ a: [Double], _ b: [Double]) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy { $0.bitPattern == $1.bitPattern || ($0.isNaN && $1.isNaN) }
}

private func sameFiles(_ a: SafeTensorsFile, _ b: SafeTensorsFile) -> Bool {
    a.metadata == b.metadata && Set(a.tensors.keys) == Set(b.tensors.keys)
        && a.tensors.allSatisfy { name, tensor in
            tensor.shape == b.tensors[name]!.shape && sameBits(tensor.scalars, b.tensors[name]!.scalars)
        }
}

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
        let file = try read(safetensors("{" + entry("x", c.dtype, c.shape, 0, c.bytes.count) + "}", c.bytes))
        let tensor = try #require(file.tensors["x"])
        #expect(tensor.shape == c.shape)
        #expect(sameBits(tensor.scalars, c.expected), "got \(tensor.scalars), expected \(c.expected)")
        #expect(file.metadata.isEmpty)
    }

    /// The NaN patterns: E4M3 has only S.1111.111, E5M2 has S.11111.xx with xx ≠ 0.
    @Test func float8NaNs() throws {
        let bytes: [UInt8] = [0x7F, 0xFF, 0x7D, 0x7F, 0xFE]
        let header = "{" + entry("a", "F8_E4M3", [2], 0, 2) + "," + entry("b", "F8_E5M2", [3], 2, 5) + "}"
        let file = try read(safetensors(header, bytes))
        #expect(file.tensors["a"]!.scalars.allSatisfy { $0.isNaN })
        #expect(file.tensors["b"]!.scalars.allSatisfy { $0.isNaN })
    }

    /// Several tensors of different dtypes, listed out of order in the header.
    @Test func severalTensorsInAnyHeaderOrder() throws {
        let data = words([0x4000_0000_0000_0000], size: 8) + [7, 9] + words([0xBF80], size: 2)
        let header = "{" + entry("c", "BF16", [1], 10, 12) + "," + entry("a", "F64", [], 0, 8) + ","
            + entry("b", "U8", [2, 1], 8, 10) + "}"
        let file = try read(safetensors(header, data))
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
        let file = try read(safetensors(header, [42]))
        #expect(file.metadata == ["kéy": "a\"b\\c/d\n😀", "e": ""])
        #expect(file.tensors["t\tname"] == Tensor(shape: [1], scalars: [42]))
        // null metadata is accepted as none, as in the reference.
        #expect(try read(safetensors("{\"__metadata__\":null}")).metadata.isEmpty)
    }

    @Test func emptyFileAndEmptyTensors() throws {
        let none = try read(safetensors("{}"))
        #expect(none.tensors.isEmpty && none.metadata.isEmpty)
        // Zero-byte tensors may share an offset with each other and with the next tensor.
        let header = "{" + entry("e1", "F32", [0], 0, 0) + "," + entry("e2", "F64", [3, 0, 2], 0, 0) + ","
            + entry("x", "U8", [1], 0, 1) + "," + entry("e3", "I8", [0], 1, 1) + "}"
        let file = try read(safetensors(header, [5]))
        #expect(file.tensors["e2"]!.shape == [3, 0, 2] && file.tensors["e2"]!.scalars.isEmpty)
        #expect(file.tensors.count == 4)
    }

    /// Dtypes refvis knows but does not convert: listing works, reading says why.
    @Test func knownButUnconvertedDTypes() throws {
        let data = safetensors("{" + entry("z", "C64", [1], 0, 8) + "," + entry("q", "F4", [2], 8, 9) + "}",
                               Array(repeating: 0, count: 9))
        let entries = try SafeTensorsFile.entries(data: data, name: "m")
        #expect(entries.map(\.dtype) == [.c64, .f4])
        let message = readError(data)
        #expect(message.contains("'z' has dtype C64"))
        #expect(message.contains("BF16"))
        // An odd number of 4-bit elements is not a whole number of bytes.
        #expect(readError(safetensors("{" + entry("q", "F4", [3], 0, 2) + "}", [0, 0])).contains("whole number of bytes"))
    }
}

// MARK: - Writing

@Suite("SafeTensors: writing and round trips")
struct SafeTensorsWriteTests {
    static let special: [Double] = [1.5, -0.0, .nan, .infinity, -.infinity, 0x1p-1074, -1.7976931348623157e308, 0.1]

    static func sample() -> SafeTensorsFile {
        SafeTensorsFile(
            tensors: [
                "weights": Tensor(shape: [2, 4], scalars: special),
                "scalar": Tensor(scalar: -3.25),
                "empty": Tensor.zeros([2, 0, 3]),
                "b": Tensor(shape: [3], scalars: [1, 2, 3]),
            ],
            metadata: ["format": "pt", "note": "ünïcode ✓ \"quoted\" \\ \n\t\u{01}", "": "empty key"])
    }

    @Test func roundTripF64IsExact() throws {
        let file = Self.sample()
        let back = try read(try file.encode(dtype: .f64))
        #expect(sameFiles(back, file))
    }

    /// F32 stores each value rounded to the nearest binary32, so reading gives
    /// Double(Float(x)): exact for 1.5, ±inf, -0; 0.1 → 0.100000001490116...;
    /// 2^-1074 underflows to 0 and -1.797e308 overflows to -inf.
    @Test func roundTripF32RoundsToFloat() throws {
        let file = Self.sample()
        let back = try read(try file.encode(dtype: .f32))
        #expect(back.metadata == file.metadata)
        #expect(back.tensors["scalar"] == Tensor(scalar: -3.25))
        #expect(back.tensors["empty"]!.shape == [2, 0, 3])
        let expected: [Double] = [1.5, -0.0, .nan, .infinity, -.infinity, 0, -.infinity, 0.10000000149011612]
        #expect(sameBits(back.tensors["weights"]!.scalars, expected))
        #expect(back.tensors["weights"]!.shape == [2, 4])
    }

    /// The bytes of a one-tensor file, spelled out from the format definition.
    @Test func exactBytesOfASmallFile() throws {
        let file = SafeTensorsFile(tensors: ["attn.0": Tensor(shape: [1, 2, 3], scalars: [0, 1, 2, 3, 4, 5])])
        let header = #"{"attn.0":{"dtype":"F32","shape":[1,2,3],"data_offsets":[0,24]}}"#
        #expect(header.utf8.count == 64)  // already a multiple of 8: no padding
        // binary32 0, 1, 2, 3, 4, 5: 0x0, 0x3F80_0000, 0x4000_0000, 0x4040_0000, 0x4080_0000, 0x40A0_0000.
        let data = words([0, 0x3F80_0000, 0x4000_0000, 0x4040_0000, 0x4080_0000, 0x40A0_0000], size: 4)
        #expect(try file.encode(dtype: .f32) == safetensors(header, data))

        // A shorter header needs 2 spaces of padding: 54 + 2 = 56.
        let short = SafeTensorsFile(tensors: ["a": Tensor(shape: [1], scalars: [-2])])
        let shortHeader = #"{"a":{"dtype":"F64","shape":[1],"data_offsets":[0,8]}}"#
        #expect(shortHeader.utf8.count == 54)
        #expect(try short.encode(dtype: .f64) == safetensors(shortHeader + "  ", words([0xC000_0000_0000_0000], size: 8)))
    }

    @Test func emptyAndMetadataOnlyFiles() throws {
        #expect(try SafeTensorsFile().encode(dtype: .f32) == safetensors("{}      "))
        let meta = SafeTensorsFile(metadata: ["framework": "pt"])
        let header = #"{"__metadata__":{"framework":"pt"}}"#  // 35 bytes + 5 spaces = 40
        #expect(try meta.encode(dtype: .f64) == safetensors(header + "     "))
        #expect(try read(try meta.encode(dtype: .f64)) == meta)
    }

    /// Names sorted by their UTF-8 bytes (so "B" < "a" < "é"), metadata first
    /// with sorted keys, control characters escaped as serde_json does, header
    /// padded to a multiple of 8, data contiguous in the same order.
    @Test func layoutOrderAndEscapes() throws {
        let file = SafeTensorsFile(
            tensors: ["é": Tensor(scalar: 3), "a": Tensor(scalar: 2), "B": Tensor(scalar: 1),
                      "x\u{1F}\"\n": Tensor(scalar: 4)],
            metadata: ["z": "1", "y": "\u{08}\u{0C}\r/"])
        let bytes = try file.encode(dtype: .f64)
        let length = Int(bytes.prefix(8).enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) })
        #expect(length % 8 == 0)
        let header = String(decoding: bytes[8..<8 + length], as: UTF8.self)
        let expected = #"{"__metadata__":{"y":"\b\f\r/","z":"1"},"#
            + #""B":{"dtype":"F64","shape":[],"data_offsets":[0,8]},"#
            + #""a":{"dtype":"F64","shape":[],"data_offsets":[8,16]},"#
            + #""x\u001f\"\n":{"dtype":"F64","shape":[],"data_offsets":[16,24]},"#
            + #""é":{"dtype":"F64","shape":[],"data_offsets":[24,32]}}"#
        #expect(header.trimmingCharacters(in: .whitespaces) == expected)
        #expect(bytes.count == 8 + length + 32)
        #expect(sameFiles(try read(bytes), file))
    }

    @Test func reservedNameIsRefused() throws {
        let file = SafeTensorsFile(tensors: ["__metadata__": Tensor(scalar: 1)])
        #expect(throws: RefvisError.self) { try file.encode(dtype: .f32) }
    }

    @Test func writeAndReadAFile() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("refvis-st-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("model.safetensors").path
        try Self.sample().write(to: path, dtype: .f64)
        #expect(sameFiles(try SafeTensorsFile.read(path: path), Self.sample()))
        #expect(try SafeTensorsFile.entries(path: path).map(\.name) == ["b", "empty", "scalar", "weights"])

        let missing = directory.appendingPathComponent("no/such/dir/m.safetensors").path
        #expect(throws: RefvisError.self) { try Self.sample().write(to: missing, dtype: .f32) }
        #expect(throws: RefvisError.self) { try SafeTensorsFile.read(path: directory.appendingPathComponent("none").path) }
    }

    @Test func missingTensorListsWhatThereIs() throws {
        let file = Self.sample()
        #expect(try file.tensor(named: "b", context: "m") == Tensor(shape: [3], scalars: [1, 2, 3]))
        do {
            _ = try file.tensor(named: "conv1.weight", context: "m.safetensors")
            Issue.record("expected an error")
        } catch let error as RefvisError {
            #expect(error.message == "m.safetensors: no tensor named 'conv1.weight'; it has 'b' (3,), 'empty' (2, 0, 3), "
                + "'scalar' (), 'weights' (2, 4)")
        }
    }
}

// MARK: - Malformed files

@Suite("SafeTensors: malformed files")
struct SafeTensorsMalformedTests {
    /// A valid two-tensor file: "a" U8 (2,) at [0, 2], "b" U8 (1,) at [2, 3].
    static func valid(_ a: (Int, Int) = (0, 2), _ b: (Int, Int) = (2, 3), data: [UInt8] = [1, 2, 3]) -> Data {
        safetensors("{" + entry("a", "U8", [a.1 - a.0], a.0, a.1) + "," + entry("b", "U8", [b.1 - b.0], b.0, b.1) + "}", data)
    }

    @Test func theBaseCaseIsValid() throws {
        #expect(try read(Self.valid()).tensors["b"] == Tensor(shape: [1], scalars: [3]))
    }

    @Test func tooShortOrEmpty() {
        #expect(readError(Data()).contains("empty"))
        #expect(readError(Data([8, 0, 0])).contains("too short"))
    }

    @Test func headerLengthLongerThanTheFile() {
        var data = Self.valid()
        data[0] = data[0] &+ 10
        #expect(readError(data).contains("truncated"))
    }

    @Test func headerLengthBeyondTheCap() {
        // 100,000,001 (just over MAX_HEADER_SIZE) and 2^64 - 1.
        #expect(readError(Data(littleEndian(100_000_001, size: 8) + Array("{}".utf8))).contains("limit"))
        #expect(readError(Data(littleEndian(.max, size: 8))).contains("18446744073709551615"))
    }

    @Test func headerThatIsNotJSON() {
        #expect(readError(safetensors("hello")).contains("starting with '{'"))
        #expect(readError(safetensors("")).contains("empty header"))
        #expect(readError(safetensors(" {}")).contains("starting with '{'"))  // the reference's planned check
        #expect(readError(safetensors("{\"a\":")).contains("malformed safetensors header at byte"))
        #expect(readError(safetensors("{\"a\":1,}")).contains("malformed safetensors header at byte"))
        #expect(readError(safetensors("{}\0")).contains("after the end"))
        #expect(readError(safetensors("{\"a\":tru}")).contains("malformed safetensors header at byte"))
        #expect(readError(safetensors("{\"a\":\"\\x\"}")).contains("invalid escape"))
        #expect(readError(safetensors("{\"a\":\"\\ud800\"}")).contains("surrogate"))
        #expect(readError(safetensors("{\"a\":\"\\ud800\\u0041\"}")).contains("not a low surrogate"))
        #expect(readError(safetensors("{\"a\":\"tab\there\"}")).contains("control character"))
        #expect(readError(safetensors("{\"a\":[01]}")).contains("leading zeros"))
        #expect(readError(Data(littleEndian(4, size: 8) + [0x7B, 0xFF, 0xFE, 0x7D])).contains("UTF-8"))
        let deep = "{\"a\":" + String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000) + "}"
        #expect(readError(safetensors(deep)).contains("nesting"))
    }

    @Test func malformedEntries() {
        func one(_ body: String, _ data: [UInt8] = [1]) -> Data { safetensors("{\"x\":" + body + "}", data) }
        #expect(readError(one("[1]")).contains("expected an object"))
        #expect(readError(one(#"{"dtype":"U8","shape":[1]}"#)).contains("no 'data_offsets'"))
        #expect(readError(one(#"{"dtype":"U8","shape":[1],"data_offsets":[0,1],"extra":0}"#))
            .contains("unexpected key 'extra'"))
        #expect(readError(one(#"{"dtype":"U8","dtype":"U8","shape":[1],"data_offsets":[0,1]}"#)).contains("appears twice"))
        #expect(readError(one(#"{"dtype":8,"shape":[1],"data_offsets":[0,1]}"#)).contains("dtype must be a string"))
        #expect(readError(one(#"{"dtype":"u8","shape":[1],"data_offsets":[0,1]}"#)).contains("unknown dtype 'u8'"))
        #expect(readError(one(#"{"dtype":"F128","shape":[1],"data_offsets":[0,1]}"#)).contains("unknown dtype"))
        #expect(readError(one(#"{"dtype":"U8","shape":[-1],"data_offsets":[0,1]}"#)).contains("negative"))
        #expect(readError(one(#"{"dtype":"U8","shape":[1.0],"data_offsets":[0,1]}"#)).contains("the number 1.0"))
        #expect(readError(one(#"{"dtype":"U8","shape":[1e0],"data_offsets":[0,1]}"#)).contains("integers"))
        #expect(readError(one(#"{"dtype":"U8","shape":1,"data_offsets":[0,1]}"#)).contains("array"))
        #expect(readError(one(#"{"dtype":"U8","shape":[1],"data_offsets":[0,1,2]}"#)).contains("[begin, end]"))
        #expect(readError(one(#"{"dtype":"U8","shape":[1],"data_offsets":[0,99999999999999999999]}"#)).contains("too large"))
        #expect(readError(one(#"{"dtype":"U8","shape":[0],"data_offsets":[1,0]}"#)).contains("end before they begin"))
    }

    @Test func duplicateTensorNames() {
        let data = safetensors("{" + entry("a", "U8", [1], 0, 1) + "," + entry("a", "U8", [1], 1, 2) + "}", [1, 2])
        #expect(readError(data).contains("'a' appears twice"))
        // Canonically equivalent names (precomposed é and e + combining acute) would be one Swift key.
        let twins = safetensors("{" + entry("\u{E9}", "U8", [1], 0, 1) + "," + entry("e\u{301}", "U8", [1], 1, 2) + "}",
                                [1, 2])
        #expect(readError(twins).contains("different forms"))
    }

    @Test func badMetadata() {
        #expect(readError(safetensors(#"{"__metadata__":{"a":1}}"#)).contains("must be a string"))
        #expect(readError(safetensors(#"{"__metadata__":["a"]}"#)).contains("object of strings"))
    }

    @Test func overlappingOffsets() {
        #expect(readError(Self.valid((0, 2), (1, 2), data: [1, 2])).contains("overlaps tensor 'a'"))
        // The same range twice.
        #expect(readError(Self.valid((0, 2), (0, 2), data: [1, 2])).contains("overlaps"))
    }

    @Test func gapBetweenTensors() {
        #expect(readError(Self.valid((0, 2), (3, 4), data: [1, 2, 3, 4]))
            .contains("bytes 2..<3 of the data section belong to no tensor"))
        // A gap before the first tensor.
        #expect(readError(Self.valid((1, 3), (3, 4), data: [1, 2, 3, 4])).contains("bytes 0..<1"))
    }

    @Test func offsetsPastTheEnd() {
        #expect(readError(Self.valid((0, 2), (2, 5), data: [1, 2, 3])).contains("runs past the end"))
    }

    @Test func extraBytesAfterTheLastTensor() {
        #expect(readError(Self.valid(data: [1, 2, 3, 4])).contains("(1 byte after the last tensor"))
        #expect(readError(safetensors("{}", [0])).contains("cover 0 bytes"))
    }

    @Test func byteCountMismatch() {
        // (2,) F32 needs 8 bytes, the range holds 6.
        let data = safetensors("{" + entry("w", "F32", [2], 0, 6) + "}", Array(repeating: 0, count: 6))
        #expect(readError(data) == "m.safetensors: tensor 'w' is (2,) F32 = 8 bytes, but its data_offsets [0, 6] hold 6")
    }

    @Test func absurdShapesAreRefusedBeforeAllocating() throws {
        // 64 dimensions are accepted, 65 are not.
        let ones64 = try read(safetensors("{" + entry("r", "U8", Array(repeating: 1, count: 64), 0, 1) + "}", [9]))
        #expect(ones64.tensors["r"]!.rank == 64)
        #expect(readError(safetensors("{" + entry("r", "U8", Array(repeating: 1, count: 65), 0, 1) + "}", [9]))
            .contains("more than 64 items"))
        // 2^16 · 2^16 = 2^32 elements with an empty range: refused by the element limit.
        #expect(readError(safetensors("{" + entry("h", "U8", [65536, 65536], 0, 0) + "}")).contains("2^31"))
        // A product that overflows 64 bits.
        let huge = (1 << 62)
        #expect(readError(safetensors("{" + entry("h", "U8", [huge, huge, 4], 0, 0) + "}")).contains("2^31"))
    }

    /// Every prefix of a valid file (two dtypes, metadata, an empty tensor) is
    /// refused with a RefvisError: the data must cover the file exactly.
    @Test func everyTruncationIsAnError() throws {
        let file = SafeTensorsFile(
            tensors: ["w": Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6]), "e": Tensor.zeros([0]), "s": Tensor(scalar: 7)],
            metadata: ["k": "v"])
        let bytes = try file.encode(dtype: .f32)
        #expect(sameFiles(try read(bytes), SafeTensorsFile(tensors: file.tensors, metadata: file.metadata)))
        for length in 0..<bytes.count {
            readError(bytes.prefix(length))
        }
    }

    /// Random single-byte and multi-byte corruptions either read or throw a
    /// RefvisError; none traps (a trap would crash the test process).
    @Test func corruptedBytesNeverTrap() throws {
        let file = SafeTensorsFile(
            tensors: ["w": Tensor(shape: [2, 2], scalars: [1, -2, 3, 0.5]), "b": Tensor(shape: [2], scalars: [0, 1])],
            metadata: ["format": "pt"])
        let original = try file.encode(dtype: .f64)
        var random = RandomGenerator(seed: 2024)
        var outcomes = (read: 0, refused: 0)
        for trial in 0..<3000 {
            var bytes = original
            for _ in 0..<(1 + trial % 3) {
                let position = random.integer(in: 0..<bytes.count)
                // Half the time a plausible JSON character, else any byte.
                let plausible = Array("{}[],:\"0123456789-.e \\u".utf8)
                bytes[position] = trial % 2 == 0 ? plausible[random.integer(in: 0..<plausible.count)]
                                                 : UInt8(truncatingIfNeeded: random.nextUInt32())
            }
            do {
                _ = try read(bytes)
                outcomes.read += 1
            } catch is RefvisError {
                outcomes.refused += 1
            }
        }
        #expect(outcomes.refused > 1000)
        #expect(outcomes.read > 100)  // corrupted data bytes still read
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
