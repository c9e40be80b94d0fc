import Dispatch
import ReferenceCore
import ReferenceIO
import ReferenceVis

/// The timing of one kernel: the median wall-clock time of several runs
/// after warm-up, and the arithmetic rate when the kernel's operation count is
/// known.
public struct BenchmarkResult: Sendable, Equatable {
    public let name: String
    /// Median wall-clock milliseconds per run (NaN when the kernel failed).
    public let milliseconds: Double
    /// Floating-point operations per second / 1e9, for kernels with a known
    /// operation count (a multiply-add counts as 2).
    public let gflops: Double?

    public init(name: String, milliseconds: Double, gflops: Double?) {
        self.name = name
        self.milliseconds = milliseconds
        self.gflops = gflops
    }
}

/// The kernels `refvis bench` times. Speed is measured here, never in tests.
///
/// Operation counts: conv2d forward `2·N·O·(C/groups)·kH·kW·OH·OW`; its
/// backward (input and weight gradients) twice that; matmul `2·n·k·m`.
/// Pooling has no meaningful flop count and reports only its time.
public enum Benchmarks {
    /// One kernel to time: `prepare` builds the inputs (not timed) and
    /// returns the closure that is timed.
    struct Case {
        let name: String
        let flops: Double?
        let prepare: () throws -> () throws -> Void
    }

    /// The names of the kernels, in the order `run` times them.
    public static var names: [String] { cases.map(\.name) }

    /// Times every kernel whose name contains `filter` (all when nil):
    /// `warmup` untimed runs, then the median of `repetitions` timed runs.
    /// A kernel that throws is reported with NaN milliseconds and the error
    /// in its name rather than stopping the others.
    public static func run(repetitions: Int, warmup: Int, matching filter: String? = nil) -> [BenchmarkResult] {
        cases.filter { filter == nil || $0.name.contains(filter!) }.map { benchmark in
            do {
                let body = try benchmark.prepare()
                let milliseconds = try medianMilliseconds(repetitions: repetitions, warmup: warmup, body)
                return BenchmarkResult(name: benchmark.name, milliseconds: milliseconds,
                                       gflops: benchmark.flops.map { $0 / (milliseconds * 1e6) })
            } catch {
                return BenchmarkResult(name: "\(benchmark.name) (failed: \(error))", milliseconds: .nan, gflops: nil)
            }
        }
    }

    /// The median wall-clock time of `body` in milliseconds.
    public static func medianMilliseconds(repetitions: Int, warmup: Int, _ body: () throws -> Void) throws -> Double {
        for _ in 0..<max(warmup, 0) { try body() }
        var times = [Double]()
        for _ in 0..<max(repetitions, 1) {
            let start = DispatchTime.now().uptimeNanoseconds
            try body()
            times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
        }
        times.sort()
        let middle = times.count / 2
        return times.count % 2 == 1 ? times[middle] : (times[middle - 1] + times[middle]) / 2
    }

    static var cases: [Case] {
        conv2dCases(input: [1, 64, 56, 56], outChannels: 64) + conv2dCases(input: [1, 96, 28, 28], outChannels: 128)
            + maxPoolCases() + [matmulCase(size: 256)] + resamplingCases + fourierCases + parameterizationCases + modelCases
    }

    /// conv2d with a 3×3 kernel and padding 1: forward, backward, both.
    static func conv2dCases(input inputShape: [Int], outChannels: Int) -> [Case] {
        let weightShape = [outChannels, inputShape[1], 3, 3]
        let shapeName = "\(inputShape.map(String.init).joined(separator: "x"))->\(outChannels) 3x3 pad 1"
        let forwardFlops = 2.0 * Double(inputShape[0] * outChannels * inputShape[1] * 9 * inputShape[2] * inputShape[3])
        func inputs() -> (Tensor, Tensor, Tensor) {
            var rng = RandomGenerator(seed: 1)
            let x = rng.normalTensor(inputShape), w = rng.normalTensor(weightShape)
            let gradient = rng.normalTensor([inputShape[0], outChannels, inputShape[2], inputShape[3]])
            return (x, w, gradient)
        }
        return [
            Case(name: "conv2d forward \(shapeName)", flops: forwardFlops) {
                let (x, w, _) = inputs()
                return { _ = try conv2d(x, w, padding: [1]) }
            },
            Case(name: "conv2d backward (input+weight) \(shapeName)", flops: 2 * forwardFlops) {
                let (x, w, gradient) = inputs()
                return { _ = try conv2dBackward(gradient, input: x, weight: w, withBias: false, padding: [1]) }
            },
            Case(name: "conv2d forward+backward \(shapeName)", flops: 3 * forwardFlops) {
                let (x, w, gradient) = inputs()
                return {
                    _ = try conv2d(x, w, padding: [1])
                    _ = try conv2dBackward(gradient, input: x, weight: w, withBias: false, padding: [1])
                }
            },
        ]
    }

    /// max_pool2d on (1, 64, 112, 112), kernel 3, stride 2, padding 1.
    static func maxPoolCases() -> [Case] {
        let shape = [1, 64, 112, 112]
        func input() -> Tensor {
            var rng = RandomGenerator(seed: 2)
            return rng.normalTensor(shape)
        }
        let name = "1x64x112x112 k3 s2 p1"
        return [
            Case(name: "max_pool2d forward \(name)", flops: nil) {
                let x = input()
                return { _ = try maxPool2d(x, kernelSize: [3], stride: [2], padding: [1]) }
            },
            Case(name: "max_pool2d backward \(name)", flops: nil) {
                let x = input()
                let y = try maxPool2d(x, kernelSize: [3], stride: [2], padding: [1])
                var rng = RandomGenerator(seed: 3)
                let gradient = rng.normalTensor(y.shape)
                return { _ = try maxPool2dBackward(gradient, input: x, kernelSize: [3], stride: [2], padding: [1]) }
            },
        ]
    }

    /// matmul of two square matrices.
    static func matmulCase(size: Int) -> Case {
        Case(name: "matmul \(size)x\(size)x\(size)", flops: 2 * Double(size * size * size)) {
            var rng = RandomGenerator(seed: 4)
            let a = rng.normalTensor([size, size]), b = rng.normalTensor([size, size])
            return { _ = try matmul(a, b) }
        }
    }
}
