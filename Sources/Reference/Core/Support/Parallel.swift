import Dispatch

/// Deterministic data parallelism.
///
/// Kernels split their work into independent output slices (an output
/// channel, an image row) and hand them to `Parallel.forEach`. Each slice is
/// computed by exactly one worker, always in the same order within the slice,
/// so the result is bitwise identical whatever the number of threads.
public enum Parallel {
    /// The largest number of workers refvis uses; 1 runs everything on the
    /// calling thread. Set from `--threads` or the `REFVIS_THREADS` variable.
    nonisolated(unsafe) public static var maxThreads: Int = {
        if let text = getenvString("REFVIS_THREADS"), let n = Int(text), n >= 1 { return n }
        return ProcessInfo.processInfo.activeProcessorCount
    }()

    /// Calls `body(i)` for every `i` in `0..<count`, possibly concurrently.
    /// `body` must write only to the slice of the output that `i` owns.
    public static func forEach(_ count: Int, _ body: @Sendable (Int) -> Void) {
        let workers = min(maxThreads, count)
        if workers <= 1 {
            for i in 0..<count { body(i) }
            return
        }
        // Contiguous chunks, one per worker: the slice→worker mapping does not
        // matter for the result, only for speed.
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            let start = count * worker / workers
            let end = count * (worker + 1) / workers
            for i in start..<end { body(i) }
        }
    }
}

import Foundation

private func getenvString(_ name: String) -> String? {
    ProcessInfo.processInfo.environment[name]
}
