// Bytes for hand-built .npy and safetensors files, written from the formats'
// definitions rather than with the writers under test.

/// The low `size` bytes of `value`, least significant first.
func littleEndian(_ value: UInt64, size: Int) -> [UInt8] {
    (0..<size).map { UInt8(truncatingIfNeeded: value >> (8 * UInt64($0))) }
}

/// The low `size` bytes of each word, least significant first (or most
/// significant first when `bigEndian`).
func words(_ values: [UInt64], size: Int, bigEndian: Bool = false) -> [UInt8] {
    values.flatMap { value -> [UInt8] in
        let little = littleEndian(value, size: size)
        return bigEndian ? little.reversed() : little
    }
}
