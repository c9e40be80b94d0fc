import Dispatch
import Foundation

/// Deterministic data parallelism.
///
/// Kernels split their work into independent output slices (an output
/// channel, an image row) and hand them to `Parallel.forEach`. Each slice is
/// computed by exactly one worker, always in the same order within the slice,
/// so the result is bitwise identical whatever the number of threads.
///
/// The number of threads is a scoped value, not a setting: `withThreads(n) { … }`
/// applies to the work inside the closure on the calling task or thread and
/// ends with it. Two callers (two tests, say) can therefore use different
/// counts at the same time without seeing each other's.
public enum Parallel {
    /// The thread count outside any `withThreads` scope: `REFVIS_THREADS` if it
    /// is a positive integer, else the number of active processors.
    public static let defaultThreads: Int = {
        if let text = ProcessInfo.processInfo.environment["REFVIS_THREADS"], let n = Int(text), n >= 1 { return n }
        return ProcessInfo.processInfo.activeProcessorCount
    }()

    /// The largest number of workers `forEach` uses here; 1 runs everything on
    /// the calling thread. Read-only: set it for a piece of work with
    /// `withThreads` (or `$threads.withValue`). A task-local value, so it is
    /// inherited by child tasks but not by threads started some other way.
    @TaskLocal public static var threads: Int = defaultThreads

    /// Runs `body` with `threads == count`; the previous value comes back when
    /// `body` returns or throws. Works from synchronous code too.
    public static func withThreads<Result>(_ count: Int, _ body: () throws -> Result) rethrows -> Result {
        precondition(count >= 1, "Parallel.withThreads: the thread count must be at least 1, got \(count)")
        return try $threads.withValue(count, operation: body)
    }

    /// Calls `body(i)` for every `i` in `0..<count`, possibly concurrently.
    /// `body` must write only to the slice of the output that `i` owns (pass
    /// the buffers in as `SharedOutput` / `SharedInput`).
    public static func forEach(_ count: Int, _ body: @Sendable (Int) -> Void) {
        let workers = min(threads, count)
        if workers <= 1 {
            for i in 0..<count { body(i) }
            return
        }
        // Contiguous chunks, one per worker: the slice→worker mapping does not
        // matter for the result, only for speed.
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            let start = count * worker / workers
            let end = count * (worker + 1) / workers
            // Dispatch's worker threads do not see the caller's task-locals, so
            // a `forEach` nested in `body` would otherwise fall back to
            // `defaultThreads`. The outer loop already keeps `workers` threads
            // busy; a nested one runs serially on its worker.
            $threads.withValue(1) {
                for i in start..<end { body(i) }
            }
        }
    }
}
