/// The 64-bit FNV-1a hash of a string's UTF-8 bytes (offset basis
/// 0xcbf29ce484222325, prime 0x100000001b3): how refvis turns a name (a
/// parameter, an op, a golden case) into a seed or a stream of its generator,
/// so that each name draws its own numbers whatever else is added.
public func fnv1a(_ text: String) -> UInt64 {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in text.utf8 {
        hash ^= UInt64(byte)
        hash = hash &* 0x0000_0100_0000_01b3
    }
    return hash
}
