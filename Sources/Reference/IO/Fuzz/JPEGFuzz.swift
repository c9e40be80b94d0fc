import Foundation
import ReferenceCore

/// A seeded mutation fuzzer for `JPEG.decode`: it damages valid files the way
/// disks, networks and hostile senders do (bit flips, overwritten bytes,
/// 0xFF/0x00 planted where markers live, cuts, insertions, deletions, repeated
/// chunks) and checks that each result either decodes or fails with a
/// `RefvisError`. A trap (out-of-bounds index, overflow) ends the process, so
/// "it finished" is the crash check; the slowest input is reported so a hang
/// or runaway allocation shows up as a number rather than a stall.
///
/// `swift test` runs a few thousand; `refvis fuzz jpeg --count N` can run more.
public enum JPEGFuzz {
    public struct Report: Sendable, CustomStringConvertible {
        public var iterations = 0
        /// Mutants that still decoded to an image.
        public var decoded = 0
        /// Mutants refused with a RefvisError.
        public var rejected = 0
        /// Mutants that threw something other than a RefvisError (should be 0).
        public var otherErrors: [String] = []
        /// The longest single decode, in seconds, and which iteration it was.
        public var slowestSeconds = 0.0
        public var slowestIteration = -1
        /// How often each distinct error message (with the file name removed) occurred.
        public var errorCounts: [String: Int] = [:]

        public var description: String {
            "\(iterations) mutants: \(decoded) decoded, \(rejected) rejected with RefvisError, "
                + "\(otherErrors.count) other errors, slowest \(String(format: "%.4f", slowestSeconds)) s (#\(slowestIteration)), "
                + "\(errorCounts.count) distinct messages"
        }
    }

    /// Runs `count` mutants of the `seeds` (whole JPEG files), reproducibly for a
    /// given `seed`. Mutant i depends only on (seed, i), so one failure can be
    /// replayed with `mutant(of:seed:iteration:)`.
    public static func run(seeds: [Data], count: Int, seed: UInt64 = 12) -> Report {
        var report = Report()
        guard !seeds.isEmpty else { return report }
        for i in 0..<count {
            let input = mutant(of: seeds, seed: seed, iteration: i)
            let start = DispatchTime.now().uptimeNanoseconds
            do {
                _ = try JPEG.decode(data: input, name: "fuzz")
                report.decoded += 1
            } catch let error as RefvisError {
                report.rejected += 1
                report.errorCounts[normalize(error.message), default: 0] += 1
            } catch {
                report.otherErrors.append("#\(i): \(error)")
            }
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            if seconds > report.slowestSeconds { (report.slowestSeconds, report.slowestIteration) = (seconds, i) }
            report.iterations += 1
        }
        return report
    }

    /// Mutant `iteration`: a seed file with 1–4 random damages applied.
    public static func mutant(of seeds: [Data], seed: UInt64, iteration: Int) -> Data {
        var random = RandomGenerator(seed: seed &+ UInt64(iteration) &* 0x9E37_79B9_7F4A_7C15, stream: 0x1EE6)
        var bytes = [UInt8](seeds[random.integer(in: 0..<seeds.count)])
        for _ in 0..<random.integer(in: 1...4) where !bytes.isEmpty {
            // Headers are where the interesting faults live; aim half the damage at the first 700 bytes.
            let limit = random.integer(in: 0..<2) == 0 ? min(bytes.count, 700) : bytes.count
            let at = random.integer(in: 0..<limit)
            switch random.integer(in: 0..<8) {
            case 0: bytes[at] ^= UInt8(1 << random.integer(in: 0..<8))
            case 1: bytes[at] = UInt8(random.integer(in: 0..<256))
            case 2: bytes[at] = random.integer(in: 0..<2) == 0 ? 0xFF : 0x00
            case 3: bytes.removeSubrange(at...)
            case 4: bytes.insert(UInt8(random.integer(in: 0..<256)), at: at)
            case 5: bytes.removeSubrange(at..<min(bytes.count, at + random.integer(in: 1...16)))
            case 6:
                let end = min(bytes.count, at + random.integer(in: 1...64))
                bytes.insert(contentsOf: bytes[at..<end], at: random.integer(in: 0...bytes.count))
            default:
                // A plausible but wrong big-endian 16-bit field (a size, a length, a count).
                let value = [0, 1, 2, 8, 255, 256, 0x7FFF, 0xFFFF][random.integer(in: 0..<8)]
                bytes[at] = UInt8(value >> 8)
                if at + 1 < bytes.count { bytes[at + 1] = UInt8(value & 0xFF) }
            }
        }
        return Data(bytes)
    }

    /// An error message with its leading file name and numbers removed, so the
    /// report groups faults by kind.
    private static func normalize(_ message: String) -> String {
        let text = message.hasPrefix("fuzz: ") ? String(message.dropFirst(6)) : message
        return String(text.map { $0.isNumber ? "#" : $0 })
    }
}
