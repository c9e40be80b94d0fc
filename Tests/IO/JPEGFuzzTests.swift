import Foundation
import Testing
import ReferenceCore
import ReferenceIO

/// A bounded, seeded run of the mutation fuzzer over every fixture: each
/// damaged file must decode or throw a RefvisError — never trap, hang or throw
/// anything else.
@Suite("JPEG mutation fuzzing")
struct JPEGFuzzTests {
    @Test func twoThousandMutantsDecodeOrThrowRefvisError() throws {
        let seeds = try JPEGFixtureTests.names.map { name in
            try Data(contentsOf: JPEGFixtureTests.folder.appendingPathComponent(name + ".jpg"))
        }
        try #require(!seeds.isEmpty)
        let report = JPEGFuzz.run(seeds: seeds, count: 2000, seed: 2026)
        print("JPEG fuzz: \(report)")
        #expect(report.iterations == 2000)
        #expect(report.otherErrors.isEmpty, "\(report.otherErrors.prefix(5))")
        #expect(report.decoded > 0 && report.rejected > 0)
        #expect(report.slowestSeconds < 5, "mutant #\(report.slowestIteration) took \(report.slowestSeconds) s")
    }

    @Test func mutantsAreReproducible() {
        let seeds = [Data([0xFF, 0xD8, 1, 2, 3, 4, 5, 6, 7, 8, 0xFF, 0xD9])]
        #expect(JPEGFuzz.mutant(of: seeds, seed: 1, iteration: 7) == JPEGFuzz.mutant(of: seeds, seed: 1, iteration: 7))
    }
}
