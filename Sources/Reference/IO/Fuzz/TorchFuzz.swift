import Foundation
import ReferenceCore

/// What a fuzzing run of the PyTorch checkpoint reader met.
public struct TorchFuzzReport: Sendable, Equatable, CustomStringConvertible {
    /// Mutated inputs tried.
    public var inputs = 0
    /// Inputs that still loaded (a mutation of a value's bytes, say).
    public var loaded = 0
    /// Inputs refused with a `RefvisError`.
    public var refused = 0
    /// Inputs that threw anything else — a bug: the reader promises RefvisError.
    public var otherErrors = 0
    /// Refused inputs by the first words of their message (numbers dropped),
    /// to show which checks the mutations reached.
    public var refusals: [String: Int] = [:]
    /// The first few messages of other errors, to reproduce them.
    public var otherMessages: [String] = []

    public var description: String {
        "\(inputs) inputs: \(loaded) loaded, \(refused) refused with RefvisError, \(otherErrors) other errors"
    }
}

/// A seeded mutation fuzzer for `TorchCheckpoint`: it mutates valid
/// checkpoints and checks that each result either loads or is refused with a
/// `RefvisError` (a trap would end the process, which is the other way it
/// can fail). The same seed and count give the same inputs, so any finding
/// can be replayed.
///
/// Mutations: flipping bits, setting bytes or 2/4/8-byte fields to values
/// that break length checks (0, all ones, the sign bit, small numbers),
/// truncating, deleting, duplicating and inserting ranges. Zip members carry
/// CRC-32s that would reject most mutations before the pickle is even read,
/// so for half the same-length mutations of a zip the CRCs are recomputed:
/// the mutation then reaches the unpickler and the tensor checks.
public enum TorchFuzz {
    public static func run(seeds: [Data], count: Int, seed: UInt64 = 1) -> TorchFuzzReport {
        var report = TorchFuzzReport()
        guard !seeds.isEmpty else { return report }
        var rng = RandomGenerator(seed: seed, stream: 0x70_7468)  // "pth"
        let layouts = seeds.map { data in
            data.withUnsafeBytes { bytes in (try? TorchZip(bytes))?.members ?? [] }
        }
        for _ in 0..<max(count, 0) {
            let which = Int(rng.nextUInt64() % UInt64(seeds.count))
            var bytes = [UInt8](seeds[which])
            let sameLength = mutate(&bytes, &rng)
            if sameLength, !layouts[which].isEmpty, rng.nextUInt32() & 1 == 0 { reseal(&bytes, layouts[which]) }
            report.inputs += 1
            do {
                _ = try TorchCheckpoint.read(data: Data(bytes), name: "fuzz.pth")
                report.loaded += 1
            } catch let error as RefvisError {
                report.refused += 1
                report.refusals[category(error.message), default: 0] += 1
            } catch {
                report.otherErrors += 1
                if report.otherMessages.count < 10 { report.otherMessages.append("\(error)") }
            }
        }
        return report
    }

    /// The seeds in a folder: every `.pth` and `.pt` file in it, by name.
    public static func seeds(inFolder folder: String) throws -> [Data] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        let files = names.filter { $0.hasSuffix(".pth") || $0.hasSuffix(".pt") }.sorted()
        guard !files.isEmpty else { throw RefvisError("\(folder): no .pth or .pt files to fuzz") }
        return try files.map { try FileBytes.read(folder + "/" + $0) }
    }

    /// Applies one random mutation; returns whether the length is unchanged.
    private static func mutate(_ bytes: inout [UInt8], _ rng: inout RandomGenerator) -> Bool {
        func index(_ limit: Int) -> Int { limit <= 0 ? 0 : Int(rng.nextUInt64() % UInt64(limit)) }
        guard !bytes.isEmpty else { bytes = [UInt8(truncatingIfNeeded: rng.nextUInt32())]; return false }
        switch index(8) {
        case 0: // flip 1–4 bits
            for _ in 0...index(4) { bytes[index(bytes.count)] ^= 1 << UInt8(index(8)) }
            return true
        case 1: // an interesting byte
            let values: [UInt8] = [0, 1, 0x7F, 0x80, 0xFF, 0x28, 0x2E, 0x71, 0x68, 0x52, 0x63, 0x51]
            bytes[index(bytes.count)] = values[index(values.count)]
            return true
        case 2, 3: // an interesting little-endian field
            let width = [2, 4, 8][index(3)]
            let values: [UInt64] = [0, 1, 2, 0xFF, 0xFFFF, 0x7FFF_FFFF, 0xFFFF_FFFF, 0x8000_0000_0000_0000, .max, 1 << 32]
            var value = values[index(values.count)]
            let at = index(bytes.count - width + 1)
            for i in 0..<min(width, bytes.count - at) { bytes[at + i] = UInt8(truncatingIfNeeded: value); value >>= 8 }
            return true
        case 4: // truncate
            bytes.removeLast(1 + index(bytes.count))
        case 5: // delete a range
            let at = index(bytes.count)
            bytes.removeSubrange(at..<min(bytes.count, at + 1 + index(16)))
        case 6: // duplicate a range elsewhere
            let at = index(bytes.count), length = 1 + index(32)
            let chunk = Array(bytes[at..<min(bytes.count, at + length)])
            bytes.insert(contentsOf: chunk, at: index(bytes.count + 1))
        default: // insert random bytes
            let chunk = (0...index(8)).map { _ in UInt8(truncatingIfNeeded: rng.nextUInt32()) }
            bytes.insert(contentsOf: chunk, at: index(bytes.count + 1))
        }
        return false
    }

    /// Writes each member's CRC-32 of its (mutated) data into its local
    /// header and its central directory entry, at the seed's offsets.
    private static func reseal(_ bytes: inout [UInt8], _ members: [TorchZip.Member]) {
        bytes.withUnsafeMutableBytes { buffer in
            for member in members where member.method == 0 && member.range.upperBound <= buffer.count {
                let crc = CRC32.of(UnsafeRawBufferPointer(rebasing: buffer[member.range]))
                for field in [member.localHeader + 14, member.directoryEntry + 16] where field + 4 <= buffer.count {
                    for i in 0..<4 { buffer[field + i] = UInt8(truncatingIfNeeded: crc >> (8 * UInt32(i))) }
                }
            }
        }
    }

    /// A message without its file name, numbers and quoted names, cut to a
    /// few words, so that refusals of one kind count together.
    private static func category(_ message: String) -> String {
        var words: [Substring] = []
        for word in message.split(separator: " ").dropFirst() {
            if word.contains(where: \.isNumber) || word.contains("'") || word.contains("\"") { continue }
            words.append(word)
            if words.count == 6 { break }
        }
        return words.joined(separator: " ")
    }
}
