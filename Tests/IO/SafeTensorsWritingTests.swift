import Foundation
import Testing
import ReferenceCore
import ReferenceIO
import ReferenceVis
import ReferenceGolden
import ReferenceTestSupport

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
        let back = try readSafeTensors(try file.encode(dtype: .f64))
        #expect(sameFiles(back, file))
    }

    /// F32 stores each value rounded to the nearest binary32, so reading gives
    /// Double(Float(x)): exact for 1.5, ±inf, -0; 0.1 → 0.100000001490116...;
    /// 2^-1074 underflows to 0 and -1.797e308 overflows to -inf.
    @Test func roundTripF32RoundsToFloat() throws {
        let file = Self.sample()
        let back = try readSafeTensors(try file.encode(dtype: .f32))
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
        #expect(try readSafeTensors(try meta.encode(dtype: .f64)) == meta)
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
        #expect(sameFiles(try readSafeTensors(bytes), file))
    }

    @Test func reservedNameIsRefused() throws {
        let file = SafeTensorsFile(tensors: ["__metadata__": Tensor(scalar: 1)])
        #expect(throws: RefvisError.self) { try file.encode(dtype: .f32) }
    }

    @Test func writeAndReadAFile() throws {
        let directory = try TemporaryDirectory(prefix: "refvis-st")
        let path = directory.path("model.safetensors")
        try Self.sample().write(to: path, dtype: .f64)
        #expect(sameFiles(try SafeTensorsFile.read(path: path), Self.sample()))
        #expect(try SafeTensorsFile.entries(path: path).map(\.name) == ["b", "empty", "scalar", "weights"])

        let missing = directory.path("no/such/dir/m.safetensors")
        #expect(throws: RefvisError.self) { try Self.sample().write(to: missing, dtype: .f32) }
        #expect(throws: RefvisError.self) { try SafeTensorsFile.read(path: directory.path("none")) }
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
