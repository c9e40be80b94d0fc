import Foundation
import Testing
import ReferenceCore
import ReferenceIO
import ReferenceVis
import ReferenceGolden
import ReferenceTestSupport

@Suite("NumPy .npy reading: dtypes and versions")
struct NumPyDTypeTests {
    @Test func float64LittleEndian() throws {
        let t = try readNPY(npy(dict("<f8", "(2,)"), words([f64OnePointFive, f64MinusTwo], size: 8)))
        #expect(t.shape == [2])
        #expect(t.scalars == [1.5, -2])
    }

    @Test func float64BigEndian() throws {
        let t = try readNPY(npy(dict(">f8", "(2,)"), words([f64OnePointFive, f64MinusTwo], size: 8, bigEndian: true)))
        #expect(t.scalars == [1.5, -2])
    }

    @Test(arguments: [false, true])
    func float32(bigEndian: Bool) throws {
        let descr = bigEndian ? ">f4" : "<f4"
        let t = try readNPY(npy(dict(descr, "(3,)"), words(f32Words, size: 4, bigEndian: bigEndian)))
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
        let t = try readNPY(npy(dict(descr, "(\(bits.count),)"), words(bits, size: 2, bigEndian: bigEndian)))
        #expect(sameBits(Array(t.scalars.prefix(cases.count)), cases.map(\.value)))
        #expect(t.scalars[cases.count].isNaN && t.scalars[cases.count + 1].isNaN)
        #expect(t.scalars[12] == 0.333251953125)
    }

    #if !(os(macOS) && arch(x86_64))
    /// All 65536 binary16 patterns against the standard library's Float16
    /// (an independent decoder), NaNs compared as NaN.
    @Test func float16AllBitPatternsAgreeWithTheStandardLibrary() throws {
        let all = (0...0xFFFF).map { UInt64($0) }
        let t = try readNPY(npy(dict("<f2", "(65536,)"), words(all, size: 2)))
        let expected = all.map { Double(Float16(bitPattern: UInt16($0))) }
        #expect(sameBits(t.scalars, expected))
    }
    #endif

    @Test(arguments: [false, true])
    func int64(bigEndian: Bool) throws {
        // -1 is all ones; -2^63 is 0x8000...; 2^53 + 1 rounds to 2^53 (ties to even) in Double.
        let values: [UInt64] = [UInt64(bitPattern: -1), 0x8000_0000_0000_0000, 1 << 40, (1 << 53) + 1]
        let t = try readNPY(npy(dict(bigEndian ? ">i8" : "<i8", "(4,)"), words(values, size: 8, bigEndian: bigEndian)))
        #expect(t.scalars == [-1, -0x1p63, 0x1p40, 0x1p53])
    }

    @Test(arguments: [false, true])
    func int32(bigEndian: Bool) throws {
        let values: [UInt64] = [0xFFFF_FFFF, 0x8000_0000, 0x7FFF_FFFF, 0x0001_0002]
        let t = try readNPY(npy(dict(bigEndian ? ">i4" : "<i4", "(4,)"), words(values, size: 4, bigEndian: bigEndian)))
        #expect(t.scalars == [-1, -2147483648, 2147483647, 65538])
    }

    @Test(arguments: [false, true])
    func int16AndUInt16(bigEndian: Bool) throws {
        let values: [UInt64] = [0xFFFF, 0x8000, 0x0102]
        let signed = try readNPY(npy(dict(bigEndian ? ">i2" : "<i2", "(3,)"), words(values, size: 2, bigEndian: bigEndian)))
        #expect(signed.scalars == [-1, -32768, 258])
        let unsigned = try readNPY(npy(dict(bigEndian ? ">u2" : "<u2", "(3,)"), words(values, size: 2, bigEndian: bigEndian)))
        #expect(unsigned.scalars == [65535, 32768, 258])
    }

    @Test(arguments: [false, true])
    func uint32AndUInt64(bigEndian: Bool) throws {
        let u4 = try readNPY(npy(dict(bigEndian ? ">u4" : "<u4", "(2,)"),
                              words([0xFFFF_FFFF, 0x0102_0304], size: 4, bigEndian: bigEndian)))
        #expect(u4.scalars == [4294967295, 16909060])
        // 2^64 - 1 rounds up to 2^64 in Double.
        let u8 = try readNPY(npy(dict(bigEndian ? ">u8" : "<u8", "(2,)"),
                              words([UInt64.max, 7], size: 8, bigEndian: bigEndian)))
        #expect(u8.scalars == [0x1p64, 7])
    }

    @Test(arguments: ["|u1", "<u1", ">u1", "=u1", "u1"])
    func uint8WithAnyByteOrderCharacter(descr: String) throws {
        let t = try readNPY(npy(dict(descr, "(3,)"), [0, 128, 255]))
        #expect(t.scalars == [0, 128, 255])
    }

    @Test func int8() throws {
        let t = try readNPY(npy(dict("|i1", "(3,)"), [0xFF, 0x80, 0x7F]))
        #expect(t.scalars == [-1, -128, 127])
    }

    @Test func boolReadsNonzeroAsOne() throws {
        let t = try readNPY(npy(dict("|b1", "(4,)"), [0, 1, 1, 2]))
        #expect(t.scalars == [0, 1, 1, 1])
    }

    @Test func version2HasAFourByteHeaderLength() throws {
        let t = try readNPY(npy(dict("<f8", "(2,)"), words([f64OnePointFive, f64MinusTwo], size: 8), version: (2, 0)))
        #expect(t.scalars == [1.5, -2])
    }

    @Test func version3HasAUTF8Header() throws {
        // Valid UTF-8 is accepted; "é" in the padding position is not whitespace,
        // so it only appears inside a string here — which then is an unknown dtype.
        let t = try readNPY(npy(dict("<f4", "(1,)"), words([0x3FC0_0000], size: 4), version: (3, 0)))
        #expect(t.scalars == [1.5])
        let error = readNPYError(npy(dict("<fé", "(1,)"), [0, 0, 0, 0], version: (3, 0)))
        #expect(error?.message.contains("'<fé'") == true)
        // Invalid UTF-8 (a lone continuation byte) in a version 3.0 header.
        var bad = Array(npy(dict("<f4", "(1,)"), [0, 0, 0, 0], version: (3, 0)))
        bad[14] = 0x80
        #expect(readNPYError(Data(bad))?.message.contains("UTF-8") == true)
    }

    /// The 2x3 array [[1, 2, 3], [4, 5, 6]] stored column-major is 1 4 2 5 3 6.
    @Test func fortranOrder2x3IsTransposedIntoRowMajor() throws {
        let doubles: [Double] = [1, 4, 2, 5, 3, 6]
        let t = try readNPY(npy(dict("<f8", "(2, 3)", fortran: true), words(doubles.map(\.bitPattern), size: 8)))
        #expect(t.shape == [2, 3])
        #expect(t.scalars == [1, 2, 3, 4, 5, 6])
    }

    /// Element (i, j, k) of a (2, 3, 4) array holds 100i + 10j + k; Fortran
    /// order stores it at offset i + 2j + 6k.
    @Test func fortranOrderRank3() throws {
        var stored = [Double](repeating: 0, count: 24)
        for i in 0..<2 { for j in 0..<3 { for k in 0..<4 { stored[i + 2 * j + 6 * k] = Double(100 * i + 10 * j + k) } } }
        let t = try readNPY(npy(dict(">f4", "(2, 3, 4)", fortran: true),
                             words(stored.map { UInt64(Float($0).bitPattern) }, size: 4, bigEndian: true)))
        for i in 0..<2 { for j in 0..<3 { for k in 0..<4 { #expect(t[i, j, k] == Double(100 * i + 10 * j + k)) } } }
    }

    @Test func fortranOrderOfRank0And1AndEmptyChangesNothing() throws {
        #expect(try readNPY(npy(dict("<f8", "()", fortran: true), words([f64MinusTwo], size: 8))).scalars == [-2])
        #expect(try readNPY(npy(dict("|u1", "(3,)", fortran: true), [1, 2, 3])).scalars == [1, 2, 3])
        #expect(try readNPY(npy(dict("<f8", "(0, 4)", fortran: true), [])).shape == [0, 4])
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
        let t = try readNPY(npy(header, Self.twoValues))
        #expect(t.shape == [2])
        #expect(t.scalars == [1.5, -2])
    }

    @Test func shapeTuples() throws {
        #expect(try readNPY(npy(dict("<f8", "()"), words([f64OnePointFive], size: 8))).shape == [])
        #expect(try readNPY(npy(dict("|u1", "(5,)"), [1, 2, 3, 4, 5])).shape == [5])
        #expect(try readNPY(npy(dict("|u1", "(2, 3)"), [1, 2, 3, 4, 5, 6])).scalars == [1, 2, 3, 4, 5, 6])
        #expect(try readNPY(npy(dict("|u1", "(2,3,)"), [1, 2, 3, 4, 5, 6])).shape == [2, 3])
        #expect(try readNPY(npy(dict("<f8", "(0,)"), [])).shape == [0])
        #expect(try readNPY(npy(dict("<f8", "(3, 0, 1000000)"), [])).shape == [3, 0, 1000000])
    }
}
