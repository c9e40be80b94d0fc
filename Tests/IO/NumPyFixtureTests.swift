import Foundation
import Testing
import ReferenceCore
import ReferenceIO
import ReferenceVis
import ReferenceGolden
import ReferenceTestSupport

/// Files written by real NumPy (Fixtures/numpy/make_fixtures.py, run by hand)
/// read back with the shapes and values NumPy itself recorded in expected.json.
@Suite("NumPy fixtures written by NumPy")
struct NumPyFixtureTests {
    /// Tests/IO/NumPyFixtureTests.swift → repository root → Fixtures/numpy.
    static let folder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures").appendingPathComponent("numpy")

    struct Entry: Decodable, Sendable, CustomTestStringConvertible {
        var file: String
        var dtype: String
        var version: Int
        var fortran_order: Bool
        var shape: [Int]
        var values: [String]
        var testDescription: String { file }
    }

    struct Expected: Decodable {
        var numpy_version: String
        var files: [Entry]
    }

    static func expected() throws -> Expected {
        let data = try Data(contentsOf: folder.appendingPathComponent("expected.json"))
        return try JSONDecoder().decode(Expected.self, from: data)
    }

    static let entries: [Entry] = (try? expected().files) ?? []

    @Test func everyFixtureIsListedAndThereAreMany() throws {
        let listed = Set(try Self.expected().files.map(\.file))
        let onDisk = Set(try FileManager.default.contentsOfDirectory(atPath: Self.folder.path)
            .filter { $0.hasSuffix(".npy") })
        #expect(listed == onDisk)
        #expect(listed.count >= 25)
    }

    @Test(arguments: entries)
    func readsLikeNumPy(entry: Entry) throws {
        let path = Self.folder.appendingPathComponent(entry.file).path
        let tensor = try NumPyFile.read(path: path)
        #expect(tensor.shape == entry.shape)
        let expected = try entry.values.map { text in
            try #require(Double(text), "cannot parse '\(text)'")
        }
        #expect(tensor.count == expected.count)
        for (index, (got, want)) in zip(tensor.scalars, expected).enumerated() {
            let same = got.bitPattern == want.bitPattern || (got.isNaN && want.isNaN)
            #expect(same, "\(entry.file) element \(index): got \(got), NumPy says \(want)")
        }

        // The file really is what the entry says (so each case is covered).
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)).prefix(200))
        #expect(Int(bytes[6]) == entry.version)
        let header = String(decoding: bytes[10...], as: UTF8.self)
        #expect(header.contains("'\(entry.dtype)'"))
        #expect(header.contains("'fortran_order': \(entry.fortran_order ? "True" : "False")"))
    }

    /// Sanity check that the list covers the cases it is meant to.
    @Test func fixturesCoverVersionsByteOrdersAndFortranOrder() throws {
        let files = try Self.expected().files
        #expect(Set(files.map(\.version)) == [1, 2, 3])
        #expect(files.contains { $0.dtype.hasPrefix(">") })
        #expect(files.contains { $0.fortran_order })
        let kinds = Set(files.map { String($0.dtype.dropFirst()) })
        #expect(kinds.isSuperset(of: ["f8", "f4", "f2", "i8", "i4", "i2", "i1", "u1", "u2", "u4", "u8", "b1"]))
    }
}
