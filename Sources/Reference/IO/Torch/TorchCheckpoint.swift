import Foundation
import ReferenceCore

/// Reading PyTorch checkpoints (`torch.save` of a state dict) without
/// PyTorch and without executing anything they contain.
///
/// Both formats `torch.save` writes are read: the zip archive of today
/// (`TorchZip`; a pickle `<archive>/data.pkl` whose storages are members
/// `<archive>/data/<key>`), and the legacy stream of
/// `_use_new_zipfile_serialization=False` (`TorchLegacy`). The pickle is
/// read by `TorchUnpickler`, which allows only plain containers, tensors and
/// storages, so a checkpoint that would run code under `torch.load` is
/// refused, naming what it tried to load.
///
/// The state dict may be the whole checkpoint or, as training scripts save
/// them, under a `"state_dict"`, `"model"`, `"model_state_dict"` or `"module"`
/// key of an outer dict (nested any number of times). Tensors keep their
/// sizes, strides and storage offsets, so views and tensors sharing a storage
/// read as PyTorch reads them; every dtype converts exactly (see
/// `TorchStorageType`). Every problem is a one-line `RefvisError` naming the
/// file.
public enum TorchCheckpoint {
    /// The keys under which a checkpoint's state dict is looked for, in this order.
    public static let nestedKeys = ["state_dict", "model", "model_state_dict", "module"]

    /// Reads the checkpoint at `path` into tensors by name. When `stripPrefix`
    /// is given (typically `"module."`, which `DataParallel` adds), it is
    /// removed from every name that starts with it.
    public static func read(path: String, stripPrefix: String? = nil) throws -> [String: Tensor] {
        try read(data: try FileBytes.read(path), name: path, stripPrefix: stripPrefix)
    }

    /// Reads checkpoint bytes; `name` is used in error messages.
    public static func read(data: Data, name: String, stripPrefix: String? = nil) throws -> [String: Tensor] {
        try wrap(name) {
            let tensors = try data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) -> [(String, Tensor)] in
                if TorchZip.looksLikeZip(bytes) { return try readZip(bytes) }
                if bytes.first == 0x80 { return try TorchLegacy.read(bytes) }
                throw RefvisError("not a PyTorch checkpoint (neither a zip archive nor a legacy torch.save stream)")
            }
            var result: [String: Tensor] = [:]
            for (key, tensor) in tensors {
                var name = key
                if let prefix = stripPrefix, !prefix.isEmpty, name.hasPrefix(prefix) { name.removeFirst(prefix.count) }
                guard result.updateValue(tensor, forKey: name) == nil else {
                    throw RefvisError("two tensors are named \(quotedForMessage(name)) after removing \(quotedForMessage(stripPrefix ?? ""))")
                }
            }
            return result
        }
    }

    private static func readZip(_ bytes: UnsafeRawBufferPointer) throws -> [(String, Tensor)] {
        let archive = try TorchZip(bytes)
        let pickles = archive.members.filter { $0.name == "data.pkl" || $0.name.hasSuffix("/data.pkl") }
        guard pickles.count == 1 else {
            throw RefvisError("zip archive has \(pickles.count) data.pkl members, not one (is it a torch.save checkpoint?)")
        }
        let prefix = String(pickles[0].name.dropLast("data.pkl".count))
        var bigEndian = false
        if let order = archive.member(named: prefix + "byteorder") {
            switch try archive.withContents(of: order, in: bytes, { String(decoding: $0, as: UTF8.self) }) {
            case "little": bigEndian = false
            case "big": bigEndian = true
            case let other: throw RefvisError("byteorder \(quotedForMessage(other)) is neither little nor big")
            }
        }
        let entries = try archive.withContents(of: pickles[0], in: bytes) { pickle in
            let (entries, end) = try TorchUnpickler.load(pickle, stateDict)
            guard end == pickle.count else { throw RefvisError("data.pkl has \(pickle.count - end) bytes after its STOP") }
            return entries
        }
        var storages: [String: TorchStorageData] = [:]
        return try entries.map { name, reference in
            let key = reference.storage.key
            if storages[key] == nil {
                guard let member = archive.member(named: prefix + "data/" + key) else {
                    throw RefvisError("tensor \(quotedForMessage(name)): storage \(quotedForMessage(key)) has no member \(quotedForMessage(prefix + "data/" + key))")
                }
                storages[key] = try archive.withContents(of: member, in: bytes) {
                    try decode(reference.storage, $0, bigEndian: bigEndian, tensor: name)
                }
            }
            return (name, try wrap("tensor \(quotedForMessage(name))") { try reference.materialize(storages[key]!) })
        }
    }

    /// A storage's elements from exactly its bytes.
    static func decode(_ storage: TorchStorageReference, _ bytes: UnsafeRawBufferPointer, bigEndian: Bool,
                       tensor name: String) throws -> TorchStorageData {
        let (size, overflow) = storage.count.multipliedReportingOverflow(by: storage.type.elementSize)
        guard !overflow, size == bytes.count else {
            throw RefvisError("tensor \(quotedForMessage(name)): storage \(quotedForMessage(storage.key)) should hold \(storage.count) "
                + "\(storage.type.rawValue) elements but has \(bytes.count) bytes")
        }
        return TorchStorageData(type: storage.type, scalars: storage.type.decode(bytes, count: storage.count, bigEndian: bigEndian))
    }

    /// The tensors of the unpickled checkpoint by name, in the dict's order
    /// (a repeated key keeping its last value, as in Python), looking inside
    /// the nested keys when the outer dict is not itself a state dict.
    static func stateDict(_ value: TorchPickleValue) throws -> [(String, TorchTensorReference)] {
        var current = value
        for _ in 0..<TorchUnpickler.maximumDepth {
            guard case .dict(let dict) = current else {
                throw RefvisError("the checkpoint is a \(current.kindName), not a dict of tensors")
            }
            var tensors: [(String, TorchTensorReference)] = [], positions: [String: Int] = [:]
            var others: [String: TorchPickleValue] = [:]
            for (key, value) in dict.items {
                guard case .string(let name) = key else { throw RefvisError("the checkpoint has a \(key.kindName) key") }
                if case .tensor(let reference) = value {
                    if let at = positions[name] { tensors[at].1 = reference; continue }
                    positions[name] = tensors.count
                    tensors.append((name, reference))
                } else {
                    others[name] = value
                }
            }
            if others.isEmpty { return tensors }
            if tensors.isEmpty, let key = nestedKeys.first(where: { others[$0] != nil }) {
                current = others[key]!
                continue
            }
            let names = others.keys.sorted().prefix(5).map(quotedForMessage).joined(separator: ", ")
            throw RefvisError("the checkpoint is not a state dict: it holds non-tensor values (\(names)) and no "
                + nestedKeys.map(quotedForMessage).joined(separator: " or ") + " key of tensors")
        }
        throw RefvisError("the checkpoint nests state dicts more than \(TorchUnpickler.maximumDepth) deep (recursive?)")
    }
}
