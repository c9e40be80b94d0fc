import Foundation
import ReferenceCore

/// The members of a zip archive as `torch.save` writes one (PyTorch's
/// `PyTorchStreamWriter`, built on miniz): every member stored, not
/// compressed, so a member's bytes are a plain range of the file. Deflated
/// members (an archive recompressed by another tool) are decoded by
/// `Inflate` (the one DEFLATE decoder, shared with PNG) when they are read.
///
/// The central directory is the archive's table of contents, so it is what
/// is read; each local header is only checked against it. Because the input
/// may be hostile, every count, size and offset is checked before it is used:
/// members must lie inside the file, before the central directory, without
/// overlapping one another, with unique names and matching CRC-32s. A
/// member compressed other than by deflate, an encrypted member or a
/// multi-disk archive is refused rather than guessed at. Zip64 records (which miniz writes when asked to, and for big files)
/// are understood.
struct TorchZip {
    struct Member {
        var name: String
        /// The member's bytes (after reading, only its data).
        var range: Range<Int>
        /// Where its local header and its central directory entry start
        /// (kept for the fuzzer, which re-seals CRCs after mutating data).
        var localHeader: Int
        var directoryEntry: Int
        /// 0 stored, 8 deflated.
        var method: Int
        var crc: UInt32
        var size: Int
    }

    /// Members by name, in central-directory order.
    private(set) var members: [Member] = []
    private var index: [String: Int] = [:]

    /// More members than any checkpoint has: a count beyond it is corrupt.
    static let maximumMembers = 1 << 20

    /// Whether `bytes` begin like a zip archive (a local file header).
    static func looksLikeZip(_ bytes: UnsafeRawBufferPointer) -> Bool {
        bytes.count >= 4 && readLE(bytes, 0, 4) == 0x0403_4b50
    }

    func member(named name: String) -> Member? { index[name].map { members[$0] } }

    init(_ bytes: UnsafeRawBufferPointer) throws {
        let size = bytes.count
        guard size >= 22 else { throw RefvisError("not a zip archive: \(size) bytes is too short for its directory") }
        // The end-of-central-directory record ends with a comment of up to
        // 65535 bytes, so it is searched for backwards from the end.
        var eocd = -1
        var position = size - 22
        while position >= max(0, size - 22 - 0xFFFF) {
            if Self.readLE(bytes, position, 4) == 0x0605_4b50,
               position + 22 + Self.readLE(bytes, position + 20, 2) == size {
                eocd = position
                break
            }
            position -= 1
        }
        guard eocd >= 0 else { throw RefvisError("not a zip archive: no end of central directory record (truncated?)") }
        guard Self.readLE(bytes, eocd + 4, 2) == 0, Self.readLE(bytes, eocd + 6, 2) == 0 else {
            throw RefvisError("zip archive spans several disks, which is not supported")
        }
        var count = Self.readLE(bytes, eocd + 10, 2)
        var directorySize = Self.readLE(bytes, eocd + 12, 4)
        var directoryOffset = Self.readLE(bytes, eocd + 16, 4)
        var directoryLimit = eocd
        // Zip64: a locator just before the record points at a zip64 record
        // holding the 8-byte counts that did not fit (or that miniz always writes).
        if eocd >= 20, Self.readLE(bytes, eocd - 20, 4) == 0x0706_4b50 {
            let record = Self.readLE(bytes, eocd - 12, 8)
            guard record >= 0, record <= eocd - 20 - 56, Self.readLE(bytes, record, 4) == 0x0606_4b50 else {
                throw RefvisError("zip archive: the zip64 end of central directory record is missing or out of range")
            }
            count = Self.readLE(bytes, record + 32, 8)
            directorySize = Self.readLE(bytes, record + 40, 8)
            directoryOffset = Self.readLE(bytes, record + 48, 8)
            directoryLimit = record
        }
        guard count >= 0, count <= Self.maximumMembers, count <= directorySize / 46 else {
            throw RefvisError("zip archive: its directory claims \(count) members in \(directorySize) bytes")
        }
        guard directoryOffset >= 0, directorySize >= 0, directoryOffset <= directoryLimit,
              directorySize <= directoryLimit - directoryOffset else {
            throw RefvisError("zip archive: the central directory (\(directorySize) bytes at \(directoryOffset)) is out of range (truncated?)")
        }
        var cursor = directoryOffset
        let end = directoryOffset + directorySize
        for _ in 0..<count {
            guard end - cursor >= 46, Self.readLE(bytes, cursor, 4) == 0x0201_4b50 else {
                throw RefvisError("zip archive: central directory entry at \(cursor) is malformed")
            }
            let flags = Self.readLE(bytes, cursor + 8, 2)
            let method = Self.readLE(bytes, cursor + 10, 2)
            let crc = UInt32(Self.readLE(bytes, cursor + 16, 4))
            var compressed = Self.readLE(bytes, cursor + 20, 4)
            var uncompressed = Self.readLE(bytes, cursor + 24, 4)
            let nameLength = Self.readLE(bytes, cursor + 28, 2)
            let extraLength = Self.readLE(bytes, cursor + 30, 2)
            let commentLength = Self.readLE(bytes, cursor + 32, 2)
            var localOffset = Self.readLE(bytes, cursor + 42, 4)
            let entryLength = 46 + nameLength + extraLength + commentLength
            guard entryLength <= end - cursor else {
                throw RefvisError("zip archive: central directory entry at \(cursor) runs past the directory")
            }
            let nameBytes = UnsafeRawBufferPointer(rebasing: bytes[(cursor + 46)..<(cursor + 46 + nameLength)])
            guard let name = String(validating: nameBytes, as: UTF8.self) else {
                throw RefvisError("zip archive: a member name at \(cursor) is not UTF-8")
            }
            // Zip64 extended information: the 8-byte fields whose 4-byte ones are all ones, in order.
            var extra = cursor + 46 + nameLength
            let extraEnd = extra + extraLength
            while extraEnd - extra >= 4 {
                let tag = Self.readLE(bytes, extra, 2), length = Self.readLE(bytes, extra + 2, 2)
                guard length <= extraEnd - extra - 4 else { break }
                if tag == 0x0001 {
                    var field = extra + 4
                    func next() throws -> Int {
                        guard field + 8 <= extra + 4 + length else {
                            throw RefvisError("zip archive: member \(quotedForMessage(name)) has a short zip64 field")
                        }
                        defer { field += 8 }
                        return Self.readLE(bytes, field, 8)
                    }
                    if uncompressed == 0xFFFF_FFFF { uncompressed = try next() }
                    if compressed == 0xFFFF_FFFF { compressed = try next() }
                    if localOffset == 0xFFFF_FFFF { localOffset = try next() }
                }
                extra += 4 + length
            }
            guard flags & 1 == 0 else { throw RefvisError("zip archive: member \(quotedForMessage(name)) is encrypted") }
            guard method == 0 || method == 8 else {
                throw RefvisError("zip archive: member \(quotedForMessage(name)) is compressed with method \(method); refvis reads stored and deflated members")
            }
            guard method == 8 || compressed == uncompressed, compressed >= 0, uncompressed >= 0 else {
                throw RefvisError("zip archive: stored member \(quotedForMessage(name)) has two different sizes")
            }
            // Deflate expands at most 1032-fold; a larger claim is a bomb or corrupt.
            guard method == 0 || uncompressed / 1032 <= compressed else {
                throw RefvisError("zip archive: deflated member \(quotedForMessage(name)) claims \(uncompressed) bytes from \(compressed)")
            }
            guard localOffset >= 0, localOffset <= directoryOffset - 30,
                  Self.readLE(bytes, localOffset, 4) == 0x0403_4b50 else {
                throw RefvisError("zip archive: member \(quotedForMessage(name)) has no local header at \(localOffset) (truncated?)")
            }
            let localName = Self.readLE(bytes, localOffset + 26, 2), localExtra = Self.readLE(bytes, localOffset + 28, 2)
            let dataStart = localOffset + 30 + localName + localExtra
            guard localName == nameLength, dataStart <= directoryOffset, compressed <= directoryOffset - dataStart,
                  bytes[(localOffset + 30)..<(localOffset + 30 + localName)].elementsEqual(nameBytes) else {
                throw RefvisError("zip archive: member \(quotedForMessage(name)) disagrees with its local header or runs past the data")
            }
            let range = dataStart..<(dataStart + compressed)
            guard method == 8 || CRC32.of(UnsafeRawBufferPointer(rebasing: bytes[range])) == crc else {
                throw RefvisError("zip archive: member \(quotedForMessage(name)) fails its CRC-32 check (corrupt)")
            }
            guard index[name] == nil else { throw RefvisError("zip archive: member \(quotedForMessage(name)) appears twice") }
            index[name] = members.count
            members.append(Member(name: name, range: localOffset..<range.upperBound, localHeader: localOffset, directoryEntry: cursor,
                                  method: method, crc: crc, size: uncompressed))
            cursor += entryLength
        }
        // Members may not share bytes: a crafted archive could otherwise make
        // one storage alias another's header or data.
        let sorted = members.sorted { $0.range.lowerBound < $1.range.lowerBound }
        for (a, b) in zip(sorted, sorted.dropFirst()) where a.range.upperBound > b.range.lowerBound {
            throw RefvisError("zip archive: members \(quotedForMessage(a.name)) and \(quotedForMessage(b.name)) overlap")
        }
        // Keep only the data part of each range from here on.
        for i in members.indices {
            let start = members[i].range.lowerBound
            let dataStart = start + 30 + Self.readLE(bytes, start + 26, 2) + Self.readLE(bytes, start + 28, 2)
            members[i].range = dataStart..<members[i].range.upperBound
        }
    }

    /// Calls `body` with the member's contents: its bytes in `bytes` (the
    /// archive this was read from) when stored, else the decoded bytes after
    /// checking their CRC-32.
    func withContents<T>(of member: Member, in bytes: UnsafeRawBufferPointer,
                         _ body: (UnsafeRawBufferPointer) throws -> T) throws -> T {
        let stored = UnsafeRawBufferPointer(rebasing: bytes[member.range])
        guard member.method == 8 else { return try body(stored) }
        let inflated = try wrap("zip archive: member \(quotedForMessage(member.name))") { () throws -> [UInt8] in
            var reader = BitReader(Array(stored), name: "deflate stream")
            let output = try Inflate.inflate(&reader, limit: member.size)
            guard output.count == member.size else {
                throw RefvisError("deflate stream decodes to \(output.count) bytes, not the \(member.size) its directory records")
            }
            return output
        }
        return try inflated.withUnsafeBytes { contents in
            guard CRC32.of(contents) == member.crc else {
                throw RefvisError("zip archive: member \(quotedForMessage(member.name)) fails its CRC-32 check (corrupt)")
            }
            return try body(contents)
        }
    }

    /// The little-endian unsigned integer of `width` bytes at `offset`, or -1
    /// when it does not fit in the buffer or in a nonnegative Int (so every
    /// later range check fails instead of trapping).
    static func readLE(_ bytes: UnsafeRawBufferPointer, _ offset: Int, _ width: Int) -> Int {
        guard offset >= 0, width <= bytes.count, offset <= bytes.count - width else { return -1 }
        var value: UInt64 = 0
        for i in (0..<width).reversed() { value = value << 8 | UInt64(bytes[offset + i]) }
        return value > UInt64(Int.max) ? -1 : Int(value)
    }
}
