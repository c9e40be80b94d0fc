import ReferenceCore

/// The values the restricted unpickler builds. Only what a PyTorch state
/// dict is made of has a case: there is no generic "object", so a pickle
/// that names anything else cannot produce a value and is refused where it
/// names it (see `TorchUnpickler`).
indirect enum TorchPickleValue {
    case none
    case bool(Bool)
    case int(Int)
    /// An integer too wide for Int (the legacy format's magic number is one),
    /// as little-endian two's-complement bytes.
    case bigInt([UInt8])
    case float(Double)
    case string(String)
    case bytes([UInt8])
    case tuple([TorchPickleValue])
    /// Lists and dicts are boxes because pickle mutates them after they are
    /// memoized (APPEND, SETITEM): every reference must see the change.
    case list(TorchPickleList)
    case dict(TorchPickleDict)
    /// A global the unpickler allows, not yet called.
    case global(TorchGlobal)
    /// A storage named by a persistent id; its bytes are fetched later, since
    /// in the legacy format they follow the pickle.
    case storage(TorchStorageReference)
    /// A tensor view of a storage, materialized once the storages are known.
    case tensor(TorchTensorReference)

    /// A short name of the kind of value, for error messages.
    var kindName: String {
        switch self {
        case .none: return "None"
        case .bool: return "bool"
        case .int, .bigInt: return "int"
        case .float: return "float"
        case .string: return "str"
        case .bytes: return "bytes"
        case .tuple: return "tuple"
        case .list: return "list"
        case .dict: return "dict"
        case .global(let global): return global.qualifiedName
        case .storage: return "storage"
        case .tensor: return "tensor"
        }
    }
}

/// A mutable list shared by every reference to it.
final class TorchPickleList {
    var items: [TorchPickleValue] = []
}

/// A mutable dict (or `collections.OrderedDict`) shared by every reference to
/// it: its items in insertion order; a repeated key is resolved when the
/// dict is read, the later item winning as in Python.
final class TorchPickleDict {
    var items: [(key: TorchPickleValue, value: TorchPickleValue)] = []
}

/// The globals a state dict uses, and nothing else.
enum TorchGlobal: Equatable {
    case orderedDict
    case rebuildTensor
    case rebuildTensorV2
    case rebuildParameter
    case rebuildParameterWithState
    case storageType(TorchStorageType)

    /// Maps `module.name` to an allowed global, or nil.
    init?(module: String, name: String) {
        switch (module, name) {
        case ("collections", "OrderedDict"): self = .orderedDict
        case ("torch._utils", "_rebuild_tensor"): self = .rebuildTensor
        case ("torch._utils", "_rebuild_tensor_v2"): self = .rebuildTensorV2
        case ("torch._utils", "_rebuild_parameter"): self = .rebuildParameter
        case ("torch._utils", "_rebuild_parameter_with_state"): self = .rebuildParameterWithState
        case ("torch", _):
            guard let type = TorchStorageType(rawValue: name) else { return nil }
            self = .storageType(type)
        default: return nil
        }
    }

    var qualifiedName: String {
        switch self {
        case .orderedDict: return "collections.OrderedDict"
        case .rebuildTensor: return "torch._utils._rebuild_tensor"
        case .rebuildTensorV2: return "torch._utils._rebuild_tensor_v2"
        case .rebuildParameter: return "torch._utils._rebuild_parameter"
        case .rebuildParameterWithState: return "torch._utils._rebuild_parameter_with_state"
        case .storageType(let type): return "torch.\(type.rawValue)"
        }
    }
}

/// A storage as its persistent id names it: `('storage', torch.FloatStorage,
/// key, location, numel)` (the legacy format adds a sixth item, a view, which
/// refvis requires to be None).
struct TorchStorageReference: Equatable {
    var type: TorchStorageType
    var key: String
    var count: Int
}

/// `storage[offset + Σ index·stride]` for every index of `shape`.
struct TorchTensorReference {
    var storage: TorchStorageReference
    var offset: Int
    var shape: [Int]
    var strides: [Int]
}
