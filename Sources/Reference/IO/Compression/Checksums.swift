import ReferenceCore
/// CRC-32 as PNG and zlib's gzip use it (ISO 3309 / ITU-T V.42): polynomial
/// 0xEDB88320 (reflected), initial value 0xFFFFFFFF, final complement.
struct CRC32 {
    private static let table: [UInt32] = (0..<256).map { n -> UInt32 in
        var c = UInt32(n)
        for _ in 0..<8 { c = (c & 1) != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    private(set) var value: UInt32 = 0xFFFF_FFFF

    mutating func update<S: Sequence>(_ bytes: S) where S.Element == UInt8 {
        for byte in bytes {
            value = CRC32.table[Int((value ^ UInt32(byte)) & 0xFF)] ^ (value >> 8)
        }
    }

    var checksum: UInt32 { value ^ 0xFFFF_FFFF }

    static func of<S: Sequence>(_ bytes: S) -> UInt32 where S.Element == UInt8 {
        var crc = CRC32()
        crc.update(bytes)
        return crc.checksum
    }
}

/// Adler-32 (RFC 1950): two sums modulo 65521, the zlib stream's trailer.
struct Adler32 {
    private var a: UInt32 = 1
    private var b: UInt32 = 0

    mutating func update(_ bytes: [UInt8]) {
        // 5552 is the largest run for which b cannot overflow 32 bits before the modulo.
        var index = 0
        while index < bytes.count {
            let end = min(index + 5552, bytes.count)
            for i in index..<end {
                a += UInt32(bytes[i])
                b += a
            }
            a %= 65521
            b %= 65521
            index = end
        }
    }

    var checksum: UInt32 { (b << 16) | a }

    static func of(_ bytes: [UInt8]) -> UInt32 {
        var adler = Adler32()
        adler.update(bytes)
        return adler.checksum
    }
}
