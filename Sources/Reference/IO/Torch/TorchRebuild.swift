import ReferenceCore

/// What "calling" an allowed global means here: building a value from its
/// arguments, checked as the real function would check them, without
/// running anything. Also reads the persistent ids that name storages.
enum TorchRebuild {
    /// `callee(*arguments)` for the globals `TorchGlobal` allows.
    static func call(_ callee: TorchGlobal, _ arguments: [TorchPickleValue]) throws -> TorchPickleValue {
        switch callee {
        case .orderedDict:
            // OrderedDict() — torch pickles its items afterwards with SETITEMS.
            guard arguments.isEmpty else { throw RefvisError("collections.OrderedDict called with \(arguments.count) arguments") }
            return .dict(TorchPickleDict())
        case .rebuildTensor, .rebuildTensorV2:
            // _rebuild_tensor(storage, storage_offset, size, stride) and
            // _rebuild_tensor_v2(..., requires_grad, backward_hooks[, metadata]).
            let name = callee.qualifiedName
            guard callee == .rebuildTensor ? arguments.count == 4 : (6...7).contains(arguments.count) else {
                throw RefvisError("\(name) called with \(arguments.count) arguments")
            }
            guard case .storage(let storage) = arguments[0] else {
                throw RefvisError("\(name) called with a \(arguments[0].kindName) for its storage")
            }
            guard case .int(let offset) = arguments[1] else {
                throw RefvisError("\(name) called with a \(arguments[1].kindName) for its storage offset")
            }
            return .tensor(TorchTensorReference(storage: storage, offset: offset,
                                                shape: try integers(arguments[2], "size", name),
                                                strides: try integers(arguments[3], "stride", name)))
        case .rebuildParameter, .rebuildParameterWithState:
            // _rebuild_parameter(data, requires_grad, backward_hooks[, state]): the data is all refvis needs.
            let expected = callee == .rebuildParameter ? 3 : 4
            guard arguments.count == expected, case .tensor = arguments[0] else {
                throw RefvisError("\(callee.qualifiedName) called with \(arguments.count) arguments, "
                    + "the first a \(arguments.first?.kindName ?? "nothing")")
            }
            return arguments[0]
        case .storageType(let type):
            throw RefvisError("torch.\(type.rawValue) may name a storage's type but is not called")
        }
    }

    /// `('storage', torch.FloatStorage, key, location, numel)`, or the legacy
    /// format's six-item form whose view is None.
    static func storage(_ id: TorchPickleValue) throws -> TorchStorageReference {
        guard case .tuple(let items) = id, items.count == 5 || items.count == 6,
              case .string("storage") = items[0] else {
            throw RefvisError("a persistent id that is not ('storage', type, key, location, size)")
        }
        guard case .global(.storageType(let type)) = items[1] else {
            throw RefvisError("a storage of type \(items[1].kindName), which is not a torch storage class")
        }
        guard case .string(let key) = items[2], case .string = items[3], case .int(let count) = items[4], count >= 0 else {
            throw RefvisError("a storage whose key, location or size is malformed")
        }
        if items.count == 6, case .none = items[5] {} else if items.count == 6 {
            throw RefvisError("storage \(quotedForMessage(key)) is a view of another storage (an old format refvis does not read)")
        }
        return TorchStorageReference(type: type, key: key, count: count)
    }

    private static func integers(_ value: TorchPickleValue, _ what: String, _ name: String) throws -> [Int] {
        guard case .tuple(let items) = value else { throw RefvisError("\(name) called with a \(value.kindName) for its \(what)") }
        return try items.map { item in
            guard case .int(let number) = item else { throw RefvisError("\(name) called with a \(item.kindName) in its \(what)") }
            return number
        }
    }
}
