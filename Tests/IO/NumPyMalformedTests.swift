import Foundation
import Testing
import ReferenceCore
import ReferenceIO
import ReferenceVis
import ReferenceGolden
import ReferenceTestSupport

@Suite("NumPy .npy reading: malformed files")
struct NumPyMalformedTests {
    @Test func badMagic() {
        #expect(readNPYError(Data())?.message == "t.npy: not a .npy file (the file is empty)")
        #expect(readNPYError(Data("PK\u{3}\u{4}rest".utf8))?.message.contains("bad magic") == true)
        var bytes = Array(npy(dict("<f8", "()"), words([0], size: 8)))
        bytes[5] = 0x58  // \x93NUMPX
        #expect(readNPYError(Data(bytes))?.message.contains("bad magic") == true)
    }

    @Test func shortFilesThatStartLikeNumPyAreTruncated() {
        #expect(readNPYError(Data([0x93, 0x4E, 0x55]))?.message.contains("truncated") == true)
        #expect(readNPYError(Data([0x93] + Array("NUMPY".utf8) + [1]))?.message.contains("truncated") == true)
        #expect(readNPYError(Data([0x93] + Array("NUMPY".utf8) + [2, 0, 5, 0]))?.message.contains("truncated") == true)
    }

    @Test(arguments: [(UInt8(4), UInt8(0)), (1, 1), (0, 0), (255, 255)])
    func unsupportedVersion(major: UInt8, minor: UInt8) {
        let error = readNPYError(npy(dict("<f8", "()"), words([0], size: 8), version: (major, minor)))
        #expect(error?.message.contains("unsupported .npy format version \(major).\(minor)") == true)
    }

    @Test func truncatedHeader() {
        let full = Array(npy(dict("<f8", "(2,)"), []))
        for length in 10..<full.count {
            let error = readNPYError(Data(full.prefix(length)))
            #expect(error?.message.contains("truncated .npy header") == true)
        }
        // A 4-byte length field claiming 4 GB.
        let huge = Data([0x93] + Array("NUMPY".utf8) + [2, 0, 0xFF, 0xFF, 0xFF, 0xFF] + Array("{}".utf8))
        #expect(readNPYError(huge)?.message.contains("truncated .npy header") == true)
    }

    @Test func truncatedDataNamesTheClaim() {
        let error = readNPYError(npy(dict("<f8", "(1000,)"), [UInt8](repeating: 0, count: 12)))
        #expect(error?.message == "t.npy: header says (1000,) float64 = 8000 bytes of data, file has 12")
        let big = readNPYError(npy(dict(">i4", "(2, 2)"), [UInt8](repeating: 0, count: 15)))
        #expect(big?.message == "t.npy: header says (2, 2) big-endian int32 = 16 bytes of data, file has 15")
    }

    @Test func trailingDataIsRejected() {
        let error = readNPYError(npy(dict("|u1", "(2,)"), [1, 2, 3]))
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
        let error = readNPYError(npy(dict(descr, "(1,)"), [0, 0, 0, 0, 0, 0, 0, 0]))
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
        let error = readNPYError(npy(header, words([f64OnePointFive, f64MinusTwo], size: 8)))
        #expect(error != nil)
    }

    @Test func deepNestingIsRefusedNotRecursedInto() {
        let header = "{'descr': '<f8', 'fortran_order': False, 'shape': "
            + String(repeating: "(", count: 100_000) + "}"
        let error = readNPYError(npy(header, []))
        #expect(error?.message.contains("nesting") == true)
    }

    @Test func negativeShapeEntry() {
        let error = readNPYError(npy(dict("<f8", "(2, -3)"), []))
        #expect(error?.message.contains("negative dimension in shape (2, -3)") == true)
    }

    /// 2^40 elements must be refused from the header alone, before allocating.
    @Test func absurdElementCounts() {
        let claims = ["(1099511627776,)", "(1048576, 1048576)", "(2147483649,)", "(4294967296, 4294967296, 4294967296)"]
        for shape in claims {
            let error = readNPYError(npy(dict("<f8", shape), [0, 0, 0, 0, 0, 0, 0, 0]))
            #expect(error?.message.contains("more than 2^31 elements") == true)
        }
        let overflow = readNPYError(npy(dict("<f8", "(99999999999999999999999999,)"), []))
        #expect(overflow?.message.contains("99999999999999999999999999 is too large") == true)
        let negativeOverflow = readNPYError(npy(dict("<f8", "(-99999999999999999999999999,)"), []))
        #expect(negativeOverflow?.message.contains("is too large") == true)
    }

    /// Every prefix of a valid file, and every single-byte change in its
    /// header, must either read or throw a RefvisError — never trap.
    @Test func noByteSequenceTraps() {
        let valid = Array(NumPyFile.encode(Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])))
        for length in 0..<valid.count {
            do { _ = try readNPY(Data(valid.prefix(length))) } catch is RefvisError {} catch {
                Issue.record("unexpected \(error)")
            }
        }
        let replacements: [UInt8] = [0x00, 0x20, 0x27, 0x28, 0x29, 0x2C, 0x2D, 0x30, 0x39, 0x7B, 0x7D, 0x80, 0xFF]
        for position in 0..<128 {
            for byte in replacements {
                var mutated = valid
                mutated[position] = byte
                do { _ = try readNPY(Data(mutated)) } catch is RefvisError {} catch {
                    Issue.record("unexpected \(error)")
                }
            }
        }
    }
}
