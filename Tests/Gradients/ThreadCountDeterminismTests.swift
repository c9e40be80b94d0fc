import Testing
import ReferenceCore
import ReferenceIO
import ReferenceVis
import ReferenceLab
import ReferenceTestSupport

/// Every registered op gives bitwise-identical outputs and gradients whatever
/// the number of worker threads. The count is scoped (`Parallel.withThreads`),
/// so these tests run in parallel with any others.
@Suite("Thread-count determinism")
struct ThreadCountDeterminismTests {
    @Test("forward and VJP are bitwise identical with 1, 2 and 3 threads", arguments: OpRegistry.names)
    func sameBitsForEveryThreadCount(opName: String) throws {
        let op = try OpRegistry.op(named: opName)
        var rng = RandomGenerator(seed: 7)
        for sample in op.samples(&rng) {
            let attributes = try op.resolve(sample.attributes)
            var reference: [[UInt64]]?
            for threads in [1, 2, 3] {
                let bits = try Parallel.withThreads(threads) {
                    let outputs = try op.forward(sample.inputs, attributes)
                    var cotangentGenerator = RandomGenerator(seed: 11)
                    let cotangents = outputs.map { cotangentGenerator.normalTensor($0.shape) }
                    let gradients = try op.vjp(sample.inputs, outputs, cotangents, attributes)
                    return (outputs + gradients.compactMap { $0 }).map { $0.scalars.map(\.bitPattern) }
                }
                if let reference {
                    #expect(bits == reference, "\(opName) [\(sample.label)] differs with \(threads) threads")
                } else {
                    reference = bits
                }
            }
        }
    }

    /// A large convolution and grid_sample, big enough to take the parallel paths.
    @Test func largeKernelsAreBitwiseIdentical() throws {
        var rng = RandomGenerator(seed: 3)
        let x = rng.normalTensor([2, 16, 33, 30]), w = rng.normalTensor([24, 8, 3, 3])
        let g = rng.uniformTensor([2, 31, 29, 2], -1.1, 1.1)
        var results = [[Double]]()
        for threads in [1, 2, 4] {
            try Parallel.withThreads(threads) {
                let y = try conv2d(x, w, padding: [1], groups: 2)
                let gradients = try conv2dBackward(y, input: x, weight: w, withBias: false, padding: [1], groups: 2)
                let sampled = try gridSample(x, g)
                results.append(y.scalars + gradients.input.scalars + gradients.weight.scalars + sampled.scalars)
            }
        }
        #expect(results[0].map(\.bitPattern) == results[1].map(\.bitPattern))
        #expect(results[0].map(\.bitPattern) == results[2].map(\.bitPattern))
    }
}

/// The thread count is a scoped value: it holds inside `withThreads` only,
/// for the caller alone, and a loop's workers see 1 (a nested loop runs
/// serially instead of falling back to the process default).
@Suite("Thread-count scope")
struct ThreadCountScopeTests {
    @Test func scopesNestAndEnd() {
        let outside = Parallel.threads
        Parallel.withThreads(3) {
            #expect(Parallel.threads == 3)
            Parallel.withThreads(1) { #expect(Parallel.threads == 1) }
            #expect(Parallel.threads == 3)
        }
        #expect(Parallel.threads == outside)
    }

    @Test func concurrentScopesDoNotSeeEachOther() async {
        await withTaskGroup(of: Bool.self) { group in
            for n in 1...8 {
                group.addTask { Parallel.withThreads(n) { (0..<1000).allSatisfy { _ in Parallel.threads == n } } }
            }
            for await sawOwnCount in group { #expect(sawOwnCount) }
        }
    }

    @Test func workersOfAParallelLoopSeeOneThread() {
        var seen = [Int](repeating: 0, count: 16)
        seen.withUnsafeMutableBufferPointer { buffer in
            let out = SharedOutput(buffer)
            Parallel.withThreads(4) { Parallel.forEach(16) { i in out.base[i] = Parallel.threads } }
        }
        #expect(seen == [Int](repeating: 1, count: 16))
    }
}
