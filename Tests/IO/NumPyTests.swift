import Foundation
import Testing
import ReferenceCore
import ReferenceIO
import ReferenceVis
import ReferenceGolden
import ReferenceTestSupport

// MARK: - Building .npy bytes from the format's definition

/// `\x93NUMPY`, version, header length (2 bytes little-endian for 1.0, 4 for
/// 2.0 and 3.0), the header text as given (UTF-8, which is ASCII here), then `data`.
private func npy(_ header: String, _ data: [UInt8], version: (UInt8, UInt8) = (1, 0)) -> Data {
    let headerBytes = Array(header.utf8)
    var bytes: [UInt8] = [0x93] + Array("NUMPY".utf8) + [version.0, version.1]
    let lengthFieldSize = version.0 == 1 ? 2 : 4
    for i in 0..<lengthFieldSize { bytes.append(UInt8(truncatingIfNeeded: headerBytes.count >> (8 * i))) }
    return Data(bytes + headerBytes + data)
}

/// A header dict the way NumPy writes it (padding is irrelevant to readers).
private func dict(_ descr: String, _ shape: String, fortran: Bool = false) -> String {
    "{'descr': '\(descr)', 'fortran_order': \(fortran ? "True" : "False"), 'shape': \(shape), }\n"
}

/// The low `size` bytes of each word, least significant first (or most
/// significant first when `bigEndian`).
private func words(_ values: [UInt64], size: Int, bigEndian: Bool = false) -> [UInt8] {
    values.flatMap { value -> [UInt8] in
        let little = (0..<size).map { UInt8(truncatingIfNeeded: value >> (8 * UInt64($0))) }
        return bigEndian ? little.reversed() : little
    }
}

private func read(_ data: Data) throws -> Tensor { try NumPyFile.read(data: data, name: "t.npy") }

/// Reads and returns the error, failing the test if there is none.
private func readError(_ data: Data, sourceLocation: SourceLocation = #_sourceLocation) -> RefvisError? {
    do {
        _ = try NumPyFile.read(data: data, name: "t.npy")
        Issue.record("expected a RefvisError", sourceLocation: sourceLocation)
    } catch let error as RefvisError {
        #expect(error.message.hasPrefix("t.npy: "), "message must name the file: \(error.message)",
                sourceLocation: sourceLocation)
        #expect(!error.message.contains("\n"), "message must be one line: \(error.message)",
                sourceLocation: sourceLocation)
        return error
    } catch {
        Issue.record("expected a RefvisError, got \(error)", sourceLocation: sourceLocation)
    }
    return nil
}

/// Bitwise equality, so that -0.0 and NaN are checked too.
private func sameBits(_ a: [Double], _ b: [Double]) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy { $0.bitPattern == $1.bitPattern || ($0.isNaN && $1.isNaN) }
}

// IEEE 754 bit patterns, worked out from the definitions:
// binary64 1.5 = sign 0, exponent 1023 (0x3FF), fraction .1b → 0x3FF8_0000_0000_0000;
// -2 = sign 1, exponent 1024 → 0xC000_0000_0000_0000.
private let f64OnePointFive: UInt64 = 0x3FF8_0000_0000_0000
private let f64MinusTwo: UInt64 = 0xC000_0000_0000_0000
// binary32: 1.5 = 0x3FC0_0000, -2 = 0xC000_0000, 0.25 = exponent 125 → 0x3E80_0000.
private let f32Words: [UInt64] = [0x3FC0_0000, 0xC000_0000, 0x3E80_0000]

@Suite("NumPy .npy reading: dtypes and versions")
struct NumPyDTypeTests {
    @Test func float64LittleEndian() throws {
        let t = try read(npy(dict("<f8", "(2,)"), words([f64OnePointFive, f64MinusTwo], size: 8)))
        #expect(t.shape == [2])
        #expect(t.scalars == [1.5, -2])
    }

    @Test func float64BigEndian() throws {
        let t = try read(npy(dict(">f8", "(2,)"), words([f64OnePointFive, f64MinusTwo], size: 8, bigEndian: true)))
        #expect(t.scalars == [1.5, -2])
    }

    @Test(arguments: [false, true])
    func float32(bigEndian: Bool) throws {
        let descr = bigEndian ? ">f4" : "<f4"
        let t = try read(npy(dict(descr, "(3,)"), words(f32Words, size: 4, bigEndian: bigEndian)))
        #expect(t.scalars == [1.5, -2, 0.25])
    }

    /// binary16: 1 sign bit, 5 exponent bits (bias 15), 10 fraction bits;
    /// exponent 0 means fraction · 2^-24, exponent 31 infinity or NaN.
    @Test(arguments: [false, true])
    func float16IncludingSubnormalsInfinitiesAndNaN(bigEndian: Bool) throws {
        let cases: [(bits: UInt64, value: Double)] = [
            (0x3C00, 1.0), (0x3E00, 1.5), (0xC000, -2.0), (0x7BFF, 65504.0),
            (0x0400, 0x1p-14), (0x0001, 0x1p-24), (0x03FF, 1023 * 0x1p-24), (0x8001, -0x1p-24),
            (0x0000, 0.0), (0x8000, -0.0), (0x7C00, .infinity), (0xFC00, -.infinity),
            (0x3555, (1 + 341.0 / 1024) / 4),  // exponent 13, fraction 341: 0.333251953125
        ]
        let descr = bigEndian ? ">f2" : "<f2"
        let bits = cases.map(\.bits) + [0x7E00, 0xFC01]  // two NaNs (quiet; sign set)
        let t = try read(npy(dict(descr, "(\(bits.count),)"), words(bits, size: 2, bigEndian: bigEndian)))
        #expect(sameBits(Array(t.scalars.prefix(cases.count)), cases.map(\.value)))
        #expect(t.scalars[cases.count].isNaN && t.scalars[cases.count + 1].isNaN)
        #expect(t.scalars[12] == 0.333251953125)
    }

    #if !(os(macOS) && arch(x86_64))
    /// All 65536 binary16 patterns against the standard library's Float16
    /// (an independent decoder), NaNs compared as NaN.
    @Test func float16AllBitPatternsAgreeWithTheStandardLibrary() throws {
        let all = (0...0xFFFF).map { UInt64($0) }
        let t = try read(npy(dict("<f2", "(65536,)"), words(all, size: 2)))
        let expected = all.map { Double(Float16(bitPattern: UInt16($0))) }
        #expect(sameBits(t.scalars, expected))
    }
    #endif

    @Test(arguments: [false, true])
    func int64(bigEndian: Bool) throws {
        // -1 is all ones; -2^63 is 0x8000...; 2^53 + 1 rounds to 2^53 (ties to even) in Double.
        let values: [UInt64] = [UInt64(bitPattern: -1), 0x8000_0000_0000_0000, 1 << 40, (1 << 53) + 1]
        let t = try read(npy(dict(bigEndian ? ">i8" : "<i8", "(4,)"), words(values, size: 8, bigEndian: bigEndian)))
        #expect(t.scalars == [-1, -0x1p63, 0x1p40, 0x1p53])
    }

    @Test(arguments: [false, true])
    func int32(bigEndian: Bool) throws {
        let values: [UInt64] = [0xFFFF_FFFF, 0x8000_0000, 0x7FFF_FFFF, 0x0001_0002]
        let t = try read(npy(dict(bigEndian ? ">i4" : "<i4", "(4,)"), words(values, size: 4, bigEndian: bigEndian)))
        #expect(t.scalars == [-1, -2147483648, 2147483647, 65538])
    }

    @Test(arguments: [false, true])
    func int16AndUInt16(bigEndian: Bool) throws {
        let values: [UInt64] = [0xFFFF, 0x8000, 0x0102]
        let signed = try read(npy(dict(bigEndian ? ">i2" : "<i2", "(3,)"), words(values, size: 2, bigEndian: bigEndian)))
        #expect(signed.scalars == [-1, -32768, 258])
        let unsigned = try read(npy(dict(bigEndian ? ">u2" : "<u2", "(3,)"), words(values, size: 2, bigEndian: bigEndian)))
        #expect(unsigned.scalars == [65535, 32768, 258])
    }

    @Test(arguments: [false, true])
    func uint32AndUInt64(bigEndian: Bool) throws {
        let u4 = try read(npy(dict(bigEndian ? ">u4" : "<u4", "(2,)"),
                              words([0xFFFF_FFFF, 0x0102_0304], size: 4, bigEndian: bigEndian)))
        #expect(u4.scalars == [4294967295, 16909060])
        // 2^64 - 1 rounds up to 2^64 in Double.
        let u8 = try read(npy(dict(bigEndian ? ">u8" : "<u8", "(2,)"),
                              words([UInt64.max, 7], size: 8, bigEndian: bigEndian)))
        #expect(u8.scalars == [0x1p64, 7])
    }

    @Test(arguments: ["|u1", "<u1", ">u1", "=u1", "u1"])
    func uint8WithAnyByteOrderCharacter(descr: String) throws {
        let t = try read(npy(dict(descr, "(3,)"), [0, 128, 255]))
        #expect(t.scalars == [0, 128, 255])
    }

    @Test func int8() throws {
        let t = try read(npy(dict("|i1", "(3,)"), [0xFF, 0x80, 0x7F]))
        #expect(t.scalars == [-1, -128, 127])
    }

    @Test func boolReadsNonzeroAsOne() throws {
        let t = try read(npy(dict("|b1", "(4,)"), [0, 1, 1, 2]))
        #expect(t.scalars == [0, 1, 1, 1])
    }

    @Test func version2HasAFourByteHeaderLength() throws {
        let t = try read(npy(dict("<f8", "(2,)"), words([f64OnePointFive, f64MinusTwo], size: 8), version: (2, 0)))
        #expect(t.scalars == [1.5, -2])
    }

    @Test func version3HasAUTF8Header() throws {
        // Valid UTF-8 is accepted; "é" in the padding position is not whitespace,
        // so it only appears inside a string here — which then is an unknown dtype.
        let t = try read(npy(dict("<f4", "(1,)"), words([0x3FC0_0000], size: 4), version: (3, 0)))
        #expect(t.scalars == [1.5])
        let error = readError(npy(dict("<fé", "(1,)"), [0, 0, 0, 0], version: (3, 0)))
        #expect(error?.message.contains("'<fé'") == true)
        // Invalid UTF-8 (a lone continuation byte) in a version 3.0 header.
        var bad = Array(npy(dict("<f4", "(1,)"), [0, 0, 0, 0], version: (3, 0)))
        bad[14] = 0x80
        #expect(readError(Data(bad))?.message.contains("UTF-8") == true)
    }

    /// The 2x3 array [[1, 2, 3], [4, 5, 6]] stored column-major is 1 4 2 5 3 6.
    @Test func fortranOrder2x3IsTransposedIntoRowMajor() throws {
        let doubles: [Double] = [1, 4, 2, 5, 3, 6]
        let t = try read(npy(dict("<f8", "(2, 3)", fortran: true), words(doubles.map(\.bitPattern), size: 8)))
        #expect(t.shape == [2, 3])
        #expect(t.scalars == [1, 2, 3, 4, 5, 6])
    }

    /// Element (i, j, k) of a (2, 3, 4) array holds 100i + 10j + k; Fortran
    /// order stores it at offset i + 2j + 6k.
    @Test func fortranOrderRank3() throws {
        var stored = [Double](repeating: 0, count: 24)
        for i in 0..<2 { for j in 0..<3 { for k in 0..<4 { stored[i + 2 * j + 6 * k] = Double(100 * i + 10 * j + k) } } }
        let t = try read(npy(dict(">f4", "(2, 3, 4)", fortran: true),
                             words(stored.map { UInt64(Float($0).bitPattern) }, size: 4, bigEndian: true)))
        for i in 0..<2 { for j in 0..<3 { for k in 0..<4 { #expect(t[i, j, k] == Double(100 * i + 10 * j + k)) } } }
    }

    @Test func fortranOrderOfRank0And1AndEmptyChangesNothing() throws {
        #expect(try read(npy(dict("<f8", "()", fortran: true), words([f64MinusTwo], size: 8))).scalars == [-2])
        #expect(try read(npy(dict("|u1", "(3,)", fortran: true), [1, 2, 3])).scalars == [1, 2, 3])
        #expect(try read(npy(dict("<f8", "(0, 4)", fortran: true), [])).shape == [0, 4])
    }
}

@Suite("NumPy .npy reading: header syntax")
struct NumPyHeaderSyntaxTests {
    static let twoValues = words([f64OnePointFive, f64MinusTwo], size: 8)

    @Test(arguments: [
        "{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }",
        "{'shape': (2,), 'fortran_order': False, 'descr': '<f8'}",
        "{\"descr\": \"<f8\", \"fortran_order\": False, \"shape\": (2,)}",
        "  {  'descr' :'<f8' ,'fortran_order':False,\n'shape':( 2 , ) , }   \n",
        "{'descr': '<f8', 'fortran_order': False, 'shape': (2L,), }\n",
        "{'descr': '<f8', 'fortran_order': False, 'shape': ((2),), }",
        "{'fortran_order': False, 'descr': '<f8', 'shape': (+2,),}\t\r\n",
        "{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }" + String(repeating: " ", count: 500) + "\n",
    ])
    func acceptedHeaderSpellings(header: String) throws {
        let t = try read(npy(header, Self.twoValues))
        #expect(t.shape == [2])
        #expect(t.scalars == [1.5, -2])
    }

    @Test func shapeTuples() throws {
        #expect(try read(npy(dict("<f8", "()"), words([f64OnePointFive], size: 8))).shape == [])
        #expect(try read(npy(dict("|u1", "(5,)"), [1, 2, 3, 4, 5])).shape == [5])
        #expect(try read(npy(dict("|u1", "(2, 3)"), [1, 2, 3, 4, 5, 6])).scalars == [1, 2, 3, 4, 5, 6])
        #expect(try read(npy(dict("|u1", "(2,3,)"), [1, 2, 3, 4, 5, 6])).shape == [2, 3])
        #expect(try read(npy(dict("<f8", "(0,)"), [])).shape == [0])
        #expect(try read(npy(dict("<f8", "(3, 0, 1000000)"), [])).shape == [3, 0, 1000000])
    }
}

@Suite("NumPy .npy reading: malformed files")
struct NumPyMalformedTests {
    @Test func badMagic() {
        #expect(readError(Data())?.message == "t.npy: not a .npy file (the file is empty)")
        #expect(readError(Data("PK\u{3}\u{4}rest".utf8))?.message.contains("bad magic") == true)
        var bytes = Array(npy(dict("<f8", "()"), words([0], size: 8)))
        bytes[5] = 0x58  // \x93NUMPX
        #expect(readError(Data(bytes))?.message.contains("bad magic") == true)
    }

    @Test func shortFilesThatStartLikeNumPyAreTruncated() {
        #expect(readError(Data([0x93, 0x4E, 0x55]))?.message.contains("truncated") == true)
        #expect(readError(Data([0x93] + Array("NUMPY".utf8) + [1]))?.message.contains("truncated") == true)
        #expect(readError(Data([0x93] + Array("NUMPY".utf8) + [2, 0, 5, 0]))?.message.contains("truncated") == true)
    }

    @Test(arguments: [(UInt8(4), UInt8(0)), (1, 1), (0, 0), (255, 255)])
    func unsupportedVersion(major: UInt8, minor: UInt8) {
        let error = readError(npy(dict("<f8", "()"), words([0], size: 8), version: (major, minor)))
        #expect(error?.message.contains("unsupported .npy format version \(major).\(minor)") == true)
    }

    @Test func truncatedHeader() {
        let full = Array(npy(dict("<f8", "(2,)"), []))
        for length in 10..<full.count {
            let error = readError(Data(full.prefix(length)))
            #expect(error?.message.contains("truncated .npy header") == true)
        }
        // A 4-byte length field claiming 4 GB.
        let huge = Data([0x93] + Array("NUMPY".utf8) + [2, 0, 0xFF, 0xFF, 0xFF, 0xFF] + Array("{}".utf8))
        #expect(readError(huge)?.message.contains("truncated .npy header") == true)
    }

    @Test func truncatedDataNamesTheClaim() {
        let error = readError(npy(dict("<f8", "(1000,)"), [UInt8](repeating: 0, count: 12)))
        #expect(error?.message == "t.npy: header says (1000,) float64 = 8000 bytes of data, file has 12")
        let big = readError(npy(dict(">i4", "(2, 2)"), [UInt8](repeating: 0, count: 15)))
        #expect(big?.message == "t.npy: header says (2, 2) big-endian int32 = 16 bytes of data, file has 15")
    }

    @Test func trailingDataIsRejected() {
        let error = readError(npy(dict("|u1", "(2,)"), [1, 2, 3]))
        #expect(error?.message.hasPrefix("t.npy: header says (2,) uint8 = 2 bytes of data, file has 3 (1 extra bytes") == true)
    }

    @Test(arguments: [
        ("<c16", "unsupported dtype '<c16'"),
        ("<U5", "unsupported dtype '<U5'"),
        ("<f16", "unsupported dtype '<f16'"),
        ("<f3", "unsupported dtype '<f3'"),
        ("<M8[ns]", "unknown dtype '<M8[ns]'"),
        ("float64", "unknown dtype 'float64'"),
        ("", "empty dtype"),
        ("<", "unknown dtype '<'"),
        ("<f+8", "unknown dtype '<f+8'"),
        ("|f8", "byte order is unknown"),
        ("=f8", "byte order is unknown"),
        ("f4", "byte order is unknown"),
        ("|O", "object arrays"),
        ("|O8", "object arrays"),
    ])
    func unknownOrUnsupportedDType(descr: String, expected: String) {
        let error = readError(npy(dict(descr, "(1,)"), [0, 0, 0, 0, 0, 0, 0, 0]))
        #expect(error?.message.contains(expected) == true, "\(String(describing: error?.message))")
    }

    @Test(arguments: [
        // Not a dict, unbalanced or garbage.
        "", "   \n", "[1, 2]", "(1, 2)", "'descr'", "{", "{'descr': '<f8'", "{'descr' '<f8'}", "{'descr': }",
        "{'descr': '<f8', 'fortran_order': False, 'shape': (2,), } x",
        "{'descr': '<f8, 'fortran_order': False, 'shape': (2,)}",
        "{'descr': '<f8', 'fortran_order': False, 'shape': (2,)}}",
        "{'descr': '<f8', 'fortran_order': false, 'shape': (2,)}",
        "{'descr': '<f8', 'fortran_order': __import__('os'), 'shape': (2,)}",
        "{'descr': '<f8', 'fortran_order': False, 'shape': (2.0,)}",
        "{'descr': '<f8', 'fortran_order': False, 'shape': (0x2,)}",
        "{'descr': '<f8', 'fortran_order': False, 'shape': (2,,)}",
        "{'descr': '<f8', 'fortran_order': False, 'shape': (,)}",
        "{'descr': '<f8', 'fortran_order': False, 'shape': (-,)}",
        // Wrong keys.
        "{'descr': '<f8', 'fortran_order': False}",
        "{'descr': '<f8', 'shape': (2,)}",
        "{'fortran_order': False, 'shape': (2,)}",
        "{'descr': '<f8', 'fortran_order': False, 'shape': (2,), 'extra': 1}",
        "{'descr': '<f8', 'descr': '<f8', 'fortran_order': False, 'shape': (2,)}",
        "{1: '<f8', 'fortran_order': False, 'shape': (2,)}",
        // Wrong value types.
        "{'descr': 8, 'fortran_order': False, 'shape': (2,)}",
        "{'descr': [('a', '<f8')], 'fortran_order': False, 'shape': (2,)}",
        "{'descr': '<f8', 'fortran_order': 0, 'shape': (2,)}",
        "{'descr': '<f8', 'fortran_order': 'False', 'shape': (2,)}",
        "{'descr': '<f8', 'fortran_order': False, 'shape': [2]}",
        "{'descr': '<f8', 'fortran_order': False, 'shape': 2}",
        "{'descr': '<f8', 'fortran_order': False, 'shape': (2)}",
        "{'descr': '<f8', 'fortran_order': False, 'shape': None}",
        "{'descr': '<f8', 'fortran_order': False, 'shape': ('2',)}",
        "{'descr': '<f8', 'fortran_order': False, 'shape': (True,)}",
        "{'descr': '<f8', 'fortran_order': False, 'shape': ((2,),)}",
    ])
    func malformedHeaderDict(header: String) {
        let error = readError(npy(header, words([f64OnePointFive, f64MinusTwo], size: 8)))
        #expect(error != nil)
    }

    @Test func deepNestingIsRefusedNotRecursedInto() {
        let header = "{'descr': '<f8', 'fortran_order': False, 'shape': "
            + String(repeating: "(", count: 100_000) + "}"
        let error = readError(npy(header, []))
        #expect(error?.message.contains("nesting") == true)
    }

    @Test func negativeShapeEntry() {
        let error = readError(npy(dict("<f8", "(2, -3)"), []))
        #expect(error?.message.contains("negative dimension in shape (2, -3)") == true)
    }

    /// 2^40 elements must be refused from the header alone, before allocating.
    @Test func absurdElementCounts() {
        let claims = ["(1099511627776,)", "(1048576, 1048576)", "(2147483649,)", "(4294967296, 4294967296, 4294967296)"]
        for shape in claims {
            let error = readError(npy(dict("<f8", shape), [0, 0, 0, 0, 0, 0, 0, 0]))
            #expect(error?.message.contains("more than 2^31 elements") == true)
        }
        let overflow = readError(npy(dict("<f8", "(99999999999999999999999999,)"), []))
        #expect(overflow?.message.contains("99999999999999999999999999 is too large") == true)
        let negativeOverflow = readError(npy(dict("<f8", "(-99999999999999999999999999,)"), []))
        #expect(negativeOverflow?.message.contains("is too large") == true)
    }

    /// Every prefix of a valid file, and every single-byte change in its
    /// header, must either read or throw a RefvisError — never trap.
    @Test func noByteSequenceTraps() {
        let valid = Array(NumPyFile.encode(Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])))
        for length in 0..<valid.count {
            do { _ = try read(Data(valid.prefix(length))) } catch is RefvisError {} catch {
                Issue.record("unexpected \(error)")
            }
        }
        let replacements: [UInt8] = [0x00, 0x20, 0x27, 0x28, 0x29, 0x2C, 0x2D, 0x30, 0x39, 0x7B, 0x7D, 0x80, 0xFF]
        for position in 0..<128 {
            for byte in replacements {
                var mutated = valid
                mutated[position] = byte
                do { _ = try read(Data(mutated)) } catch is RefvisError {} catch {
                    Issue.record("unexpected \(error)")
                }
            }
        }
    }
}

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
        let back = try read(Data(bytes))
        #expect(back == tensor)
    }

    @Test func roundTripKeepsEveryBit() throws {
        let values: [Double] = [0, -0.0, 1, -1, .pi, 1e-300, .leastNonzeroMagnitude, .greatestFiniteMagnitude,
                                .infinity, -.infinity, .nan, Double(bitPattern: 0x7FF0_0000_0000_1234)]
        let tensor = Tensor(shape: [3, 4], scalars: values)
        let back = try read(NumPyFile.encode(tensor))
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
        #expect(readError(Data(bytes))?.message.contains("22000 dimensions, more than the 64 NumPy allows") == true)
    }

    @Test func writeAndReadAFile() throws {
        let directory = try FileFormatTestDirectory()
        let path = directory.file("a.npy")
        let tensor = Tensor(shape: [2, 2], scalars: [1, 2, 3, -4.25])
        try NumPyFile.write(tensor, to: path)
        #expect(try NumPyFile.read(path: path) == tensor)
        #expect(try directory.listing() == ["a.npy"])
    }

    @Test func writeIntoAMissingDirectoryLeavesNothing() throws {
        let directory = try FileFormatTestDirectory()
        let path = directory.file("nope/a.npy")
        let error = try #require(throws: RefvisError.self) { try NumPyFile.write(Tensor(scalar: 1), to: path) }
        #expect(error.message.hasPrefix(path))
        #expect(try directory.listing().isEmpty)
    }

    @Test func readingMissingFilesAndDirectoriesThrows() throws {
        let directory = try FileFormatTestDirectory()
        let missing = try #require(throws: RefvisError.self) { try NumPyFile.read(path: directory.file("none.npy")) }
        #expect(missing.message == directory.file("none.npy") + ": cannot read: no such file")
        #expect(throws: RefvisError.self) { try NumPyFile.read(path: directory.path) }
    }
}
