import Foundation
import Testing
import ReferenceCore
import ReferenceIO

/// A bounded, seeded mutation fuzz of the checkpoint reader over the
/// torch.save fixtures: every mutated input loads or is refused with a
/// RefvisError (a trap would end the test run). 2000 inputs take a few
/// seconds; `TorchFuzz.run` with a larger count is the long run.
@Suite("Torch checkpoints: mutation fuzzing")
struct TorchFuzzTests {
    @Test func everyMutationLoadsOrIsRefused() throws {
        let seeds = try TorchFuzz.seeds(inFolder: TorchCheckpointTests.folder.path)
        #expect(seeds.count == 7)
        let report = TorchFuzz.run(seeds: seeds, count: 2000, seed: 12)
        #expect(report.inputs == 2000)
        #expect(report.otherErrors == 0, "\(report.otherMessages)")
        #expect(report.loaded + report.refused == 2000)
        // The mutations must reach past the zip layer into the pickle and tensor checks.
        #expect(report.refusals.keys.contains { $0.contains("pickle") }, "\(report.refusals)")
        #expect(report.refused > 1000 && report.loaded > 10, "\(report)")
    }

    @Test func theSameSeedGivesTheSameRun() {
        let seeds = [Data(TorchBytes.checkpoint(TorchBytes.stateDict([]), storages: []))]
        #expect(TorchFuzz.run(seeds: seeds, count: 200, seed: 3) == TorchFuzz.run(seeds: seeds, count: 200, seed: 3))
    }
}
