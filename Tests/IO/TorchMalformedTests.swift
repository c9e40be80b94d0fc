import Foundation
import Testing
import ReferenceCore
import ReferenceIO
import ReferenceTestSupport

/// Inputs no honest torch.save writes: each is refused with a one-line
/// error naming the file and what is wrong, and nothing in them is run.
@Suite("Torch checkpoints: malformed and hostile input")
struct TorchMalformedTests {
    static func read(_ data: Data, stripPrefix: String? = nil) throws -> [String: Tensor] {
        try TorchCheckpoint.read(data: data, name: "bad.pth", stripPrefix: stripPrefix)
    }

    static func refuse(_ data: Data, _ fragment: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let error = expectReadError(naming: "bad.pth", sourceLocation: sourceLocation) { try read(data) }
        if let error { #expect(error.message.contains(fragment), "\(error.message)", sourceLocation: sourceLocation) }
    }

    static let floats = TorchBytes.float32s([1, 2, 3, 4, 5, 6])

    static func oneTensor(_ tensor: [UInt8], storage: [UInt8] = floats) -> Data {
        TorchBytes.checkpoint(TorchBytes.stateDict([("w", tensor)]), storages: [("0", storage)])
    }

    @Test func theHandBuiltCheckpointItselfReads() throws {
        let tensors = try Self.read(Self.oneTensor(TorchBytes.tensor(key: "0", numel: 6, offset: 1, size: [2, 2], stride: [1, 2])))
        #expect(tensors["w"] == Tensor(shape: [2, 2], scalars: [2, 4, 3, 5]))
    }

    @Test func aTruncatedZipIsRefused() throws {
        let file = try Data(contentsOf: TorchCheckpointTests.folder.appendingPathComponent("state_dict.pth"))
        for length in [0, 3, 21, 100, file.count / 2, file.count - 1] {
            expectReadError(naming: "bad.pth") { try Self.read(file.prefix(length)) }
        }
        Self.refuse(file.prefix(file.count - 30), "zip archive")
    }

    @Test func aTruncatedLegacyFileIsRefused() throws {
        let file = try Data(contentsOf: TorchCheckpointTests.folder.appendingPathComponent("state_dict_legacy.pth"))
        for length in [1, 2, 14, 200, file.count / 2, file.count - 1] {
            expectReadError(naming: "bad.pth") { try Self.read(file.prefix(length)) }
        }
        Self.refuse(file.prefix(file.count - 1), "truncated")
        Self.refuse(file + Data([0]), "after its last storage")
    }

    /// The classic attack: `os.system('...')` through GLOBAL and REDUCE.
    @Test func anUnknownGlobalIsRefusedByName() {
        let attack = TorchBytes.proto + TorchBytes.global("os", "system") + TorchBytes.string("echo pwned")
            + [0x85] + TorchBytes.reduce + TorchBytes.stop
        Self.refuse(TorchBytes.checkpoint(attack, storages: []), "'os.system'")
        // The same through protocol 4's STACK_GLOBAL, and inside an otherwise good state dict.
        let stacked = TorchBytes.proto + TorchBytes.string("builtins") + TorchBytes.string("eval") + [0x93] + TorchBytes.stop
        Self.refuse(TorchBytes.checkpoint(stacked, storages: []), "'builtins.eval'")
        let inside = TorchBytes.stateDict([("w", TorchBytes.global("subprocess", "Popen") + TorchBytes.emptyTuple + TorchBytes.reduce)])
        Self.refuse(TorchBytes.checkpoint(inside, storages: []), "'subprocess.Popen'")
        // A storage class is allowed as a name, never as a call.
        let called = TorchBytes.proto + TorchBytes.global("torch", "FloatStorage") + TorchBytes.emptyTuple + TorchBytes.reduce + TorchBytes.stop
        Self.refuse(TorchBytes.checkpoint(called, storages: []), "not called")
    }

    @Test func aStorageShorterThanItsTensorIsRefused() {
        // Reads element 1 + 1·2 + 3·1 = 6 of a 6-element storage.
        Self.refuse(Self.oneTensor(TorchBytes.tensor(key: "0", numel: 6, offset: 1, size: [2, 4], stride: [2, 1])), "reads element 6")
        // The persistent id claims 8 elements; the member holds 6.
        Self.refuse(Self.oneTensor(TorchBytes.tensor(key: "0", numel: 8, size: [8], stride: [1])), "has 24 bytes")
        // A storage that is not in the archive.
        Self.refuse(Self.oneTensor(TorchBytes.tensor(key: "9", numel: 6, size: [6], stride: [1])), "has no member")
        // Negative strides and strides that overflow.
        Self.refuse(Self.oneTensor(TorchBytes.tensor(key: "0", numel: 6, offset: 5, size: [2], stride: [-1])), "negative")
        Self.refuse(Self.oneTensor(TorchBytes.tensor(key: "0", numel: 6, size: [3, 2], stride: [Int(Int32.max), 1])), "reads element")
    }

    /// A list that contains itself, and a checkpoint dict that is its own state dict.
    @Test func aRecursiveStructureIsRefused() {
        // l = []; l.append(l); {'state_dict': l}
        let list: [UInt8] = [0x5D, 0x71, 0x00, 0x68, 0x00, 0x61]
        let selfList = TorchBytes.proto + [0x7D] + TorchBytes.string("state_dict") + list + [0x73] + TorchBytes.stop
        Self.refuse(TorchBytes.checkpoint(selfList, storages: []), "list")
        // d = {}; d['state_dict'] = d
        let selfDict = TorchBytes.proto + [0x7D, 0x71, 0x00] + TorchBytes.string("state_dict") + [0x68, 0x00, 0x73] + TorchBytes.stop
        Self.refuse(TorchBytes.checkpoint(selfDict, storages: []), "recursive")
        // Tuples nested 200 deep.
        let deep = TorchBytes.proto + Array(repeating: 0x28, count: 200) + Array(repeating: 0x74, count: 200) + TorchBytes.stop
        Self.refuse(TorchBytes.checkpoint(deep, storages: []), "nested")
    }

    @Test func malformedPicklesAreRefused() {
        func pickle(_ body: [UInt8]) -> Data { TorchBytes.checkpoint(TorchBytes.proto + body, storages: []) }
        Self.refuse(pickle([0xFF]), "opcode 0xff")
        Self.refuse(pickle([0x7D]), "before its STOP")
        Self.refuse(pickle([0x68, 0x05, 0x2E]), "never PUT")
        Self.refuse(pickle([0x74, 0x2E]), "no MARK")
        Self.refuse(pickle([0x4E, 0x4E, 0x2E]), "STOP with 2")
        Self.refuse(pickle([0x58, 0xFF, 0xFF, 0xFF, 0x7F]), "runs past the end")
        Self.refuse(pickle([0x8B, 0xFF, 0xFF, 0xFF, 0x7F]), "too long")
        Self.refuse(pickle([0x58, 0x01, 0, 0, 0, 0xC3, 0x2E]), "not UTF-8")
        Self.refuse(pickle(TorchBytes.int(1) + [0x2E]), "not a dict")
        Self.refuse(pickle([0x7D] + TorchBytes.string("epoch") + TorchBytes.int(3) + [0x73, 0x2E]), "not a state dict")
        Self.refuse(pickle([0x7D, 0x2E, 0x2E]), "after its STOP")
        // A persistent id that is not a storage.
        Self.refuse(pickle(TorchBytes.string("x") + TorchBytes.binpersid + [0x2E]), "persistent id")
    }

    @Test func malformedArchivesAreRefused() throws {
        let pickle = TorchBytes.stateDict([])
        #expect(try Self.read(TorchBytes.zip([("a/data.pkl", pickle)])).isEmpty)
        Self.refuse(TorchBytes.zip([("a/other", pickle)]), "0 data.pkl")
        Self.refuse(TorchBytes.zip([("a/data.pkl", pickle), ("a/data.pkl", pickle)]), "appears twice")
        Self.refuse(TorchBytes.zip([("a/data.pkl", pickle), ("a/byteorder", Array("middle".utf8))]), "neither little nor big")
        var corrupt = [UInt8](TorchBytes.zip([("a/data.pkl", pickle)]))
        corrupt[40] ^= 1  // inside data.pkl
        Self.refuse(Data(corrupt), "CRC-32")
        var deflated = [UInt8](TorchBytes.zip([("a/data.pkl", pickle)]))
        let directory = deflated.count - 22 - 46 - "a/data.pkl".count
        deflated[directory + 10] = 8  // the stored pickle is not a deflate stream
        Self.refuse(Data(deflated), "deflate")
        deflated[directory + 10] = 12
        Self.refuse(Data(deflated), "method 12")
        // Two directory entries for one member's bytes: they overlap.
        var twice = [UInt8](TorchBytes.zip([("a/data.pkl", pickle), ("a/data.pk2", pickle)]))
        let second = twice.count - 22 - 46 - 10
        twice[second + 42..<second + 46] = [0, 0, 0, 0]
        Self.refuse(Data(twice), "zip archive")
        // An absurd member count.
        var many = [UInt8](TorchBytes.zip([("a/data.pkl", pickle)]))
        many[many.count - 12] = 0xFF; many[many.count - 11] = 0xFF
        Self.refuse(Data(many), "claims 65535 members")
        Self.refuse(Data("hello".utf8), "not a PyTorch checkpoint")
    }

    @Test func strippingAPrefixMayNotMergeNames() throws {
        let pickle = TorchBytes.stateDict([("module.w", TorchBytes.tensor(key: "0", numel: 6, size: [6], stride: [1])),
                                           ("w", TorchBytes.tensor(key: "0", numel: 6, size: [6], stride: [1]))])
        let file = TorchBytes.checkpoint(pickle, storages: [("0", Self.floats)])
        #expect(try Self.read(file).count == 2)
        expectReadError(naming: "bad.pth") { try Self.read(file, stripPrefix: "module.") }
    }

    @Test func theLegacyFormatIsCheckedToo() throws {
        func pickled(_ body: [UInt8]) -> [UInt8] { TorchBytes.proto + body + TorchBytes.stop }
        let magic = pickled([0x8A, 0x0A] + [0x6C, 0xFC, 0x9C, 0x46, 0xF9, 0x20, 0x6A, 0xA8, 0x50, 0x19])
        let header = magic + pickled([0x4D, 0xE9, 0x03]) + pickled([0x7D])
        let main = TorchBytes.stateDict([("w", TorchBytes.tensor(key: "k", numel: 6, size: [3], stride: [2], legacy: true))])
        let keys = pickled([0x5D, 0x28] + TorchBytes.string("k") + [0x65])
        let good = header + main + keys + TorchBytes.le(6, 8) + Self.floats
        #expect(try Self.read(Data(good))["w"] == Tensor(shape: [3], scalars: [1, 3, 5]))
        Self.refuse(Data(header + main + keys + TorchBytes.le(7, 8) + Self.floats), "records 7 elements")
        Self.refuse(Data(pickled([0x8A, 0x01, 0x05]) + header.dropFirst(magic.count)), "magic number")
        Self.refuse(Data(magic + pickled([0x4D, 0xEA, 0x03])), "1002")
    }
}

extension TorchMalformedTests {
    /// Strides of size-1 axes are never stepped (PyTorch writes anything
    /// there); a stride-0 view may repeat an element, but not without bound.
    @Test func oddStridesAreReadOrRefusedWithoutTrapping() throws {
        let one = Self.oneTensor(TorchBytes.tensor(key: "0", numel: 6, offset: 5, size: [1, 2], stride: [Int(Int32.max), 0]))
        #expect(try Self.read(one)["w"] == Tensor(shape: [1, 2], scalars: [6, 6]))
        Self.refuse(Self.oneTensor(TorchBytes.tensor(key: "0", numel: 6, size: [1 << 20, 1 << 10], stride: [0, 0])), "more than refvis reads")
    }
}

extension TorchMalformedTests {
    /// A checkpoint from a big-endian machine says so in its `byteorder`
    /// member; its elements are swapped to this machine's order.
    @Test func aBigEndianArchiveIsSwapped() throws {
        let pickle = TorchBytes.stateDict([("w", TorchBytes.tensor(key: "0", numel: 2, size: [2], stride: [1]))])
        let big = [Float(1.5), -3].flatMap { value in TorchBytes.le(Int(value.bitPattern), 4).reversed() }
        let file = TorchBytes.zip([("a/data.pkl", pickle), ("a/byteorder", Array("big".utf8)), ("a/data/0", big)])
        #expect(try Self.read(file)["w"]?.scalars == [1.5, -3])
    }
}
