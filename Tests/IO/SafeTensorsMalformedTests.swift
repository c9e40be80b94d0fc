import Foundation
import Testing
import ReferenceCore
import ReferenceIO
import ReferenceVis
import ReferenceGolden
import ReferenceTestSupport

@Suite("SafeTensors: malformed files")
struct SafeTensorsMalformedTests {
    /// A valid two-tensor file: "a" U8 (2,) at [0, 2], "b" U8 (1,) at [2, 3].
    static func valid(_ a: (Int, Int) = (0, 2), _ b: (Int, Int) = (2, 3), data: [UInt8] = [1, 2, 3]) -> Data {
        safetensors("{" + entry("a", "U8", [a.1 - a.0], a.0, a.1) + "," + entry("b", "U8", [b.1 - b.0], b.0, b.1) + "}", data)
    }

    @Test func theBaseCaseIsValid() throws {
        #expect(try readSafeTensors(Self.valid()).tensors["b"] == Tensor(shape: [1], scalars: [3]))
    }

    @Test func tooShortOrEmpty() {
        #expect(readSafeTensorsError(Data()).contains("empty"))
        #expect(readSafeTensorsError(Data([8, 0, 0])).contains("too short"))
    }

    @Test func headerLengthLongerThanTheFile() {
        var data = Self.valid()
        data[0] = data[0] &+ 10
        #expect(readSafeTensorsError(data).contains("truncated"))
    }

    @Test func headerLengthBeyondTheCap() {
        // 100,000,001 (just over MAX_HEADER_SIZE) and 2^64 - 1.
        #expect(readSafeTensorsError(Data(littleEndian(100_000_001, size: 8) + Array("{}".utf8))).contains("limit"))
        #expect(readSafeTensorsError(Data(littleEndian(.max, size: 8))).contains("18446744073709551615"))
    }

    @Test func headerThatIsNotJSON() {
        #expect(readSafeTensorsError(safetensors("hello")).contains("starting with '{'"))
        #expect(readSafeTensorsError(safetensors("")).contains("empty header"))
        #expect(readSafeTensorsError(safetensors(" {}")).contains("starting with '{'"))  // the reference's planned check
        #expect(readSafeTensorsError(safetensors("{\"a\":")).contains("malformed safetensors header at byte"))
        #expect(readSafeTensorsError(safetensors("{\"a\":1,}")).contains("malformed safetensors header at byte"))
        #expect(readSafeTensorsError(safetensors("{}\0")).contains("after the end"))
        #expect(readSafeTensorsError(safetensors("{\"a\":tru}")).contains("malformed safetensors header at byte"))
        #expect(readSafeTensorsError(safetensors("{\"a\":\"\\x\"}")).contains("invalid escape"))
        #expect(readSafeTensorsError(safetensors("{\"a\":\"\\ud800\"}")).contains("surrogate"))
        #expect(readSafeTensorsError(safetensors("{\"a\":\"\\ud800\\u0041\"}")).contains("not a low surrogate"))
        #expect(readSafeTensorsError(safetensors("{\"a\":\"tab\there\"}")).contains("control character"))
        #expect(readSafeTensorsError(safetensors("{\"a\":[01]}")).contains("leading zeros"))
        #expect(readSafeTensorsError(Data(littleEndian(4, size: 8) + [0x7B, 0xFF, 0xFE, 0x7D])).contains("UTF-8"))
        let deep = "{\"a\":" + String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000) + "}"
        #expect(readSafeTensorsError(safetensors(deep)).contains("nesting"))
    }

    @Test func malformedEntries() {
        func one(_ body: String, _ data: [UInt8] = [1]) -> Data { safetensors("{\"x\":" + body + "}", data) }
        #expect(readSafeTensorsError(one("[1]")).contains("expected an object"))
        #expect(readSafeTensorsError(one(#"{"dtype":"U8","shape":[1]}"#)).contains("no 'data_offsets'"))
        #expect(readSafeTensorsError(one(#"{"dtype":"U8","shape":[1],"data_offsets":[0,1],"extra":0}"#))
            .contains("unexpected key 'extra'"))
        #expect(readSafeTensorsError(one(#"{"dtype":"U8","dtype":"U8","shape":[1],"data_offsets":[0,1]}"#)).contains("appears twice"))
        #expect(readSafeTensorsError(one(#"{"dtype":8,"shape":[1],"data_offsets":[0,1]}"#)).contains("dtype must be a string"))
        #expect(readSafeTensorsError(one(#"{"dtype":"u8","shape":[1],"data_offsets":[0,1]}"#)).contains("unknown dtype 'u8'"))
        #expect(readSafeTensorsError(one(#"{"dtype":"F128","shape":[1],"data_offsets":[0,1]}"#)).contains("unknown dtype"))
        #expect(readSafeTensorsError(one(#"{"dtype":"U8","shape":[-1],"data_offsets":[0,1]}"#)).contains("negative"))
        #expect(readSafeTensorsError(one(#"{"dtype":"U8","shape":[1.0],"data_offsets":[0,1]}"#)).contains("the number 1.0"))
        #expect(readSafeTensorsError(one(#"{"dtype":"U8","shape":[1e0],"data_offsets":[0,1]}"#)).contains("integers"))
        #expect(readSafeTensorsError(one(#"{"dtype":"U8","shape":1,"data_offsets":[0,1]}"#)).contains("array"))
        #expect(readSafeTensorsError(one(#"{"dtype":"U8","shape":[1],"data_offsets":[0,1,2]}"#)).contains("[begin, end]"))
        #expect(readSafeTensorsError(one(#"{"dtype":"U8","shape":[1],"data_offsets":[0,99999999999999999999]}"#)).contains("too large"))
        #expect(readSafeTensorsError(one(#"{"dtype":"U8","shape":[0],"data_offsets":[1,0]}"#)).contains("end before they begin"))
    }

    @Test func duplicateTensorNames() {
        let data = safetensors("{" + entry("a", "U8", [1], 0, 1) + "," + entry("a", "U8", [1], 1, 2) + "}", [1, 2])
        #expect(readSafeTensorsError(data).contains("'a' appears twice"))
        // Canonically equivalent names (precomposed é and e + combining acute) would be one Swift key.
        let twins = safetensors("{" + entry("\u{E9}", "U8", [1], 0, 1) + "," + entry("e\u{301}", "U8", [1], 1, 2) + "}",
                                [1, 2])
        #expect(readSafeTensorsError(twins).contains("different forms"))
    }

    @Test func badMetadata() {
        #expect(readSafeTensorsError(safetensors(#"{"__metadata__":{"a":1}}"#)).contains("must be a string"))
        #expect(readSafeTensorsError(safetensors(#"{"__metadata__":["a"]}"#)).contains("object of strings"))
    }

    @Test func overlappingOffsets() {
        #expect(readSafeTensorsError(Self.valid((0, 2), (1, 2), data: [1, 2])).contains("overlaps tensor 'a'"))
        // The same range twice.
        #expect(readSafeTensorsError(Self.valid((0, 2), (0, 2), data: [1, 2])).contains("overlaps"))
    }

    @Test func gapBetweenTensors() {
        #expect(readSafeTensorsError(Self.valid((0, 2), (3, 4), data: [1, 2, 3, 4]))
            .contains("bytes 2..<3 of the data section belong to no tensor"))
        // A gap before the first tensor.
        #expect(readSafeTensorsError(Self.valid((1, 3), (3, 4), data: [1, 2, 3, 4])).contains("bytes 0..<1"))
    }

    @Test func offsetsPastTheEnd() {
        #expect(readSafeTensorsError(Self.valid((0, 2), (2, 5), data: [1, 2, 3])).contains("runs past the end"))
    }

    @Test func extraBytesAfterTheLastTensor() {
        #expect(readSafeTensorsError(Self.valid(data: [1, 2, 3, 4])).contains("(1 byte after the last tensor"))
        #expect(readSafeTensorsError(safetensors("{}", [0])).contains("cover 0 bytes"))
    }

    @Test func byteCountMismatch() {
        // (2,) F32 needs 8 bytes, the range holds 6.
        let data = safetensors("{" + entry("w", "F32", [2], 0, 6) + "}", Array(repeating: 0, count: 6))
        #expect(readSafeTensorsError(data) == "m.safetensors: tensor 'w' is (2,) F32 = 8 bytes, but its data_offsets [0, 6] hold 6")
    }

    @Test func absurdShapesAreRefusedBeforeAllocating() throws {
        // 64 dimensions are accepted, 65 are not.
        let ones64 = try readSafeTensors(safetensors("{" + entry("r", "U8", Array(repeating: 1, count: 64), 0, 1) + "}", [9]))
        #expect(ones64.tensors["r"]!.rank == 64)
        #expect(readSafeTensorsError(safetensors("{" + entry("r", "U8", Array(repeating: 1, count: 65), 0, 1) + "}", [9]))
            .contains("more than 64 items"))
        // 2^16 · 2^16 = 2^32 elements with an empty range: refused by the element limit.
        #expect(readSafeTensorsError(safetensors("{" + entry("h", "U8", [65536, 65536], 0, 0) + "}")).contains("2^31"))
        // A product that overflows 64 bits.
        let huge = (1 << 62)
        #expect(readSafeTensorsError(safetensors("{" + entry("h", "U8", [huge, huge, 4], 0, 0) + "}")).contains("2^31"))
    }

    /// Every prefix of a valid file (two dtypes, metadata, an empty tensor) is
    /// refused with a RefvisError: the data must cover the file exactly.
    @Test func everyTruncationIsAnError() throws {
        let file = SafeTensorsFile(
            tensors: ["w": Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6]), "e": Tensor.zeros([0]), "s": Tensor(scalar: 7)],
            metadata: ["k": "v"])
        let bytes = try file.encode(dtype: .f32)
        #expect(sameFiles(try readSafeTensors(bytes), SafeTensorsFile(tensors: file.tensors, metadata: file.metadata)))
        for length in 0..<bytes.count {
            readSafeTensorsError(bytes.prefix(length))
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
                _ = try readSafeTensors(bytes)
                outcomes.read += 1
            } catch is RefvisError {
                outcomes.refused += 1
            }
        }
        #expect(outcomes.refused > 1000)
        #expect(outcomes.read > 100)  // corrupted data bytes still read
    }
}
