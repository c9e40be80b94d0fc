import Foundation
import ReferenceCore

/// A progress line on stderr, rewritten in place, only when stderr is a terminal.
final class ProgressMeter {
    private let total: Int
    private let first: Int
    private let start = Date()
    private let enabled = isatty(2) != 0
    private var lastDraw = Date.distantPast

    /// A meter for steps `from`+1 … `total` (a resumed run starts past 0).
    init(total: Int, from first: Int = 0) {
        self.total = total
        self.first = first
    }

    func update(step: Int, loss: Double) {
        guard enabled else { return }
        let now = Date()
        guard step == total || now.timeIntervalSince(lastDraw) > 0.1 else { return }
        lastDraw = now
        let elapsed = now.timeIntervalSince(start)
        let rate = Double(step - first) / max(elapsed, 1e-9)
        let left = Double(total - step) / max(rate, 1e-9)
        let line = String(format: "\rstep %d/%d  loss %.5g  %.1f steps/s  %.0f s left ", step, total, loss, rate, left)
        FileHandle.standardError.write(Data(line.utf8))
    }

    func finish() {
        if enabled { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}
