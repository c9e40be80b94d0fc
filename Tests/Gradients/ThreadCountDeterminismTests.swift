import Testing
import ReferenceCore
import ReferenceIO
import ReferenceVis
import ReferenceLab
import ReferenceTestSupport

/// Every suite that sets the process-wide `Parallel.maxThreads` lives inside
/// this one, and `.serialized` applies to nested suites too: two of them
/// running at once would each compare "1 thread" with "2 threads" while the
/// other changes the setting. (Other tests running meanwhile are unaffected:
/// the thread count changes speed, never results.)
@Suite("Thread-count settings", .serialized)
enum ThreadCountSuites {}

/// Every registered op gives bitwise-identical outputs and gradients whatever
/// the number of worker threads.
extension ThreadCountSuites {
@Suite("Thread-count determinism")
struct ThreadCountDeterminismTests {
    @Test("forward and VJP are bitwise identical with 1, 2 and 3 threads", arguments: OpRegistry.names)
    func sameBitsForEveryThreadCount(opName: String) throws {
        let op = try OpRegistry.op(named: opName)
        var rng = RandomGenerator(seed: 7)
        let saved = Parallel.maxThreads
        defer { Parallel.maxThreads = saved }
        for sample in op.samples(&rng) {
            let attributes = try op.resolve(sample.attributes)
            var reference: [[UInt64]]?
            for threads in [1, 2, 3] {
                Parallel.maxThreads = threads
                let outputs = try op.forward(sample.inputs, attributes)
                var cotangentGenerator = RandomGenerator(seed: 11)
                let cotangents = outputs.map { cotangentGenerator.normalTensor($0.shape) }
                let gradients = try op.vjp(sample.inputs, outputs, cotangents, attributes)
                let bits = (outputs + gradients.compactMap { $0 }).map { $0.scalars.map(\.bitPattern) }
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
        let saved = Parallel.maxThreads
        defer { Parallel.maxThreads = saved }
        var results = [[Double]]()
        for threads in [1, 2, 4] {
            Parallel.maxThreads = threads
            let y = try conv2d(x, w, padding: [1], groups: 2)
            let gradients = try conv2dBackward(y, input: x, weight: w, withBias: false, padding: [1], groups: 2)
            let sampled = try gridSample(x, g)
            results.append(y.scalars + gradients.input.scalars + gradients.weight.scalars + sampled.scalars)
        }
        #expect(results[0].map(\.bitPattern) == results[1].map(\.bitPattern))
        #expect(results[0].map(\.bitPattern) == results[2].map(\.bitPattern))
    }
}
}
