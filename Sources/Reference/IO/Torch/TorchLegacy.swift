import ReferenceCore

/// The stream `torch.save(..., _use_new_zipfile_serialization=False)` writes
/// (PyTorch's `_legacy_save`), the only format before PyTorch 1.6:
///
/// 1. a pickle of the magic number 0x1950a86a20f9469cfc6c;
/// 2. a pickle of the protocol version, 1001;
/// 3. a pickle of the system info, a dict whose `little_endian` says the
///    byte order of everything after;
/// 4. the main pickle, whose persistent ids name storages by key;
/// 5. a pickle of the list of storage keys, sorted;
/// 6. for each key, its element count as an 8-byte integer, then its bytes.
///
/// The storages come after the pickle that uses them, so tensors are read as
/// references first and materialized at the end. (The older tar format of
/// PyTorch before 0.4 is not read.)
enum TorchLegacy {
    /// 0x1950a86a20f9469cfc6c as pickle's little-endian LONG1 bytes.
    static let magic: [UInt8] = [0x6C, 0xFC, 0x9C, 0x46, 0xF9, 0x20, 0x6A, 0xA8, 0x50, 0x19]
    static let protocolVersion = 1001

    static func read(_ bytes: UnsafeRawBufferPointer) throws -> [(String, Tensor)] {
        let (number, afterMagic) = try TorchUnpickler.load(bytes) { value -> [UInt8]? in
            if case .bigInt(let digits) = value { return digits }
            return nil
        }
        guard number == magic else { throw RefvisError("not a PyTorch checkpoint: the legacy magic number is missing") }
        let (version, afterVersion) = try TorchUnpickler.load(bytes, from: afterMagic) { value -> Int? in
            if case .int(let number) = value { return number }
            return nil
        }
        guard version == protocolVersion else {
            throw RefvisError("legacy checkpoint protocol \(version.map(String.init) ?? "(not a number)") is not \(protocolVersion)")
        }
        let (littleEndian, afterInfo) = try TorchUnpickler.load(bytes, from: afterVersion) { value -> Bool in
            guard case .dict(let info) = value else { throw RefvisError("legacy checkpoint system info is a \(value.kindName), not a dict") }
            for (key, value) in info.items {
                if case .string("little_endian") = key, case .bool(let flag) = value { return flag }
            }
            return true  // older writers omitted it; they ran on little-endian machines
        }
        let (entries, afterMain) = try TorchUnpickler.load(bytes, from: afterInfo, TorchCheckpoint.stateDict)
        let (keys, afterKeys) = try TorchUnpickler.load(bytes, from: afterMain) { value -> [String] in
            guard case .list(let list) = value else { throw RefvisError("legacy checkpoint storage keys are a \(value.kindName), not a list") }
            return try list.items.map { item in
                guard case .string(let key) = item else { throw RefvisError("legacy checkpoint storage key is a \(item.kindName)") }
                return key
            }
        }
        // Which storage each key is, from the tensors that use it.
        var references: [String: TorchStorageReference] = [:]
        for (_, tensor) in entries { references[tensor.storage.key] = tensor.storage }
        var storages: [String: TorchStorageData] = [:]
        var position = afterKeys
        for key in keys {
            guard let reference = references[key] else {
                throw RefvisError("legacy checkpoint lists storage \(quotedForMessage(key)), which no tensor uses")
            }
            guard storages[key] == nil else { throw RefvisError("legacy checkpoint lists storage \(quotedForMessage(key)) twice") }
            guard bytes.count - position >= 8 else {
                throw RefvisError("storage \(quotedForMessage(key)) is missing: the file ends at byte \(bytes.count) (truncated?)")
            }
            var count: UInt64 = 0
            for i in 0..<8 {
                let b = UInt64(bytes[position + (littleEndian ? 7 - i : i)])
                count = count << 8 | b
            }
            guard count == UInt64(reference.count) else {
                throw RefvisError("storage \(quotedForMessage(key)) records \(count) elements but its tensors say \(reference.count)")
            }
            position += 8
            let (size, overflow) = reference.count.multipliedReportingOverflow(by: reference.type.elementSize)
            guard !overflow, size <= bytes.count - position else {
                throw RefvisError("storage \(quotedForMessage(key)) needs \(reference.count) elements of \(reference.type.elementSize) bytes but the file has \(bytes.count - position) left (truncated?)")
            }
            let data = UnsafeRawBufferPointer(rebasing: bytes[position..<(position + size)])
            storages[key] = try TorchCheckpoint.decode(reference, data, bigEndian: !littleEndian, tensor: key)
            position += size
        }
        guard position == bytes.count else {
            throw RefvisError("legacy checkpoint has \(bytes.count - position) bytes after its last storage")
        }
        return try entries.map { name, reference in
            guard let data = storages[reference.storage.key] else {
                throw RefvisError("tensor \(quotedForMessage(name)): storage \(quotedForMessage(reference.storage.key)) is not in the file")
            }
            return (name, try wrap("tensor \(quotedForMessage(name))") { try reference.materialize(data) })
        }
    }
}
