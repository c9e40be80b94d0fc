import Foundation

/// Hand-built pickles and zip archives for the Torch reader's tests: the
/// malformed inputs no real torch.save writes.
enum TorchBytes {
    /// Protocol-2 pickle pieces.
    static let proto: [UInt8] = [0x80, 0x02]
    static let stop: [UInt8] = [0x2E]
    static let mark: [UInt8] = [0x28]
    static let tuple: [UInt8] = [0x74]
    static let emptyTuple: [UInt8] = [0x29]
    static let reduce: [UInt8] = [0x52]
    static let setitems: [UInt8] = [0x75]
    static let binpersid: [UInt8] = [0x51]
    static let newFalse: [UInt8] = [0x89]

    static func global(_ module: String, _ name: String) -> [UInt8] { [0x63] + Array("\(module)\n\(name)\n".utf8) }
    static func string(_ text: String) -> [UInt8] {
        let utf8 = Array(text.utf8)
        return [0x58] + le(utf8.count, 4) + utf8
    }
    static func int(_ value: Int) -> [UInt8] { [0x4A] + le(value, 4) }
    static func ints(_ values: [Int]) -> [UInt8] { mark + values.flatMap(int) + tuple }

    /// `OrderedDict()` followed by items set with SETITEMS.
    static func orderedDict(_ items: [([UInt8], [UInt8])]) -> [UInt8] {
        global("collections", "OrderedDict") + emptyTuple + reduce + mark + items.flatMap { $0.0 + $0.1 } + setitems
    }

    /// `_rebuild_tensor_v2(('storage', torch.<type>, key, 'cpu', numel), offset, size, stride, False, OrderedDict())`.
    static func tensor(type: String = "FloatStorage", key: String, numel: Int, offset: Int = 0,
                       size: [Int], stride: [Int], legacy: Bool = false) -> [UInt8] {
        let id = mark + string("storage") + global("torch", type) + string(key) + string("cpu") + int(numel)
            + (legacy ? [0x4E] : []) + tuple
        return global("torch._utils", "_rebuild_tensor_v2") + mark + id + binpersid + int(offset) + ints(size) + ints(stride)
            + newFalse + global("collections", "OrderedDict") + emptyTuple + reduce + tuple + reduce
    }

    /// A whole state-dict pickle.
    static func stateDict(_ items: [(String, [UInt8])]) -> [UInt8] {
        proto + orderedDict(items.map { (string($0.0), $0.1) }) + stop
    }

    static func le(_ value: Int, _ width: Int) -> [UInt8] {
        (0..<width).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }
    }

    /// A zip of stored members as torch.save lays one out (without zip64 or alignment).
    static func zip(_ members: [(String, [UInt8])]) -> Data {
        var out: [UInt8] = [], directory: [UInt8] = []
        for (name, data) in members {
            let crc = crc32(data), nameBytes = Array(name.utf8), offset = out.count
            out += le(0x0403_4b50, 4) + le(20, 2) + le(0, 2) + le(0, 2) + le(0, 4) + le(Int(crc), 4)
            out += le(data.count, 4) + le(data.count, 4) + le(nameBytes.count, 2) + le(0, 2) + nameBytes + data
            directory += le(0x0201_4b50, 4) + le(20, 2) + le(20, 2) + le(0, 2) + le(0, 2) + le(0, 4) + le(Int(crc), 4)
            directory += le(data.count, 4) + le(data.count, 4) + le(nameBytes.count, 2) + le(0, 2) + le(0, 2)
            directory += le(0, 2) + le(0, 2) + le(0, 4) + le(offset, 4) + nameBytes
        }
        let directoryOffset = out.count
        out += directory
        out += le(0x0605_4b50, 4) + le(0, 2) + le(0, 2) + le(members.count, 2) + le(members.count, 2)
        out += le(directory.count, 4) + le(directoryOffset, 4) + le(0, 2)
        return Data(out)
    }

    /// A checkpoint archive: `archive/data.pkl` and a storage member per key.
    static func checkpoint(_ pickle: [UInt8], storages: [(String, [UInt8])]) -> Data {
        zip([("archive/data.pkl", pickle)] + storages.map { ("archive/data/\($0.0)", $0.1) })
    }

    static func float32s(_ values: [Float]) -> [UInt8] { values.flatMap { le(Int($0.bitPattern), 4) } }

    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var c: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            c ^= UInt32(byte)
            for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        }
        return c ^ 0xFFFF_FFFF
    }
}
