import ReferenceCore

/// A restricted pickle machine for the pickles `torch.save` writes (protocol
/// 2 by default; the protocol 4 opcodes a newer writer may add are read too).
///
/// Python's unpickler imports and calls whatever a pickle names, which is why
/// a checkpoint from a stranger can run code. This machine executes nothing:
/// a GLOBAL may only name a class or function that `TorchGlobal` lists
/// (OrderedDict, the tensor and parameter rebuilders, the storage classes),
/// and "calling" one of those only builds a `TorchPickleValue`. Anything else
/// is refused with the name it met, before any later opcode is read.
///
/// Hostile input cannot exhaust memory or the stack: the stack, the memo and
/// the nesting depth of values are bounded, every length is checked against
/// the bytes left, and unknown opcodes are refused. Mutable lists and dicts
/// are emptied when the machine finishes so that a self-referencing pickle
/// does not leak or recurse on release.
struct TorchUnpickler {
    static let maximumDepth = 100
    static let maximumStack = 1 << 20
    static let maximumMemo = 1 << 20
    static let maximumIntegerBytes = 1 << 12

    private let bytes: UnsafeRawBufferPointer
    private(set) var position: Int
    private var stack: [(value: TorchPickleValue, depth: Int)] = []
    private var marks: [Int] = []
    private var memo: [Int: (value: TorchPickleValue, depth: Int)] = [:]
    private var lists: [TorchPickleList] = []
    private var dicts: [TorchPickleDict] = []

    /// Unpickles one pickle from `bytes` starting at `start`, giving its value
    /// and the offset just after its STOP (where the legacy format's next
    /// pickle begins). `finish` is called with the value before lists and
    /// dicts are emptied: it must turn it into whatever it needs.
    static func load<T>(_ bytes: UnsafeRawBufferPointer, from start: Int = 0,
                        _ finish: (TorchPickleValue) throws -> T) throws -> (result: T, end: Int) {
        var machine = TorchUnpickler(bytes: bytes, position: start)
        defer {
            for list in machine.lists { list.items = [] }
            for dict in machine.dicts { dict.items = [] }
        }
        let value = try machine.run()
        return (try finish(value), machine.position)
    }

    private init(bytes: UnsafeRawBufferPointer, position: Int) {
        self.bytes = bytes
        self.position = position
    }

    private mutating func run() throws -> TorchPickleValue {
        while true {
            let at = position
            let opcode = try byte()
            switch opcode {
            case 0x80: // PROTO
                let version = try byte()
                guard version <= 5 else { throw fail(at, "pickle protocol \(version) is not supported") }
            case 0x95: _ = try take(8) // FRAME (protocol 4): the length is only a hint
            case 0x2E: // STOP
                guard stack.count == 1, marks.isEmpty else { throw fail(at, "STOP with \(stack.count) values on the stack") }
                return stack[0].value
            case 0x28: marks.append(stack.count) // MARK
            case 0x4E: try push(.none) // NONE
            case 0x88: try push(.bool(true)) // NEWTRUE
            case 0x89: try push(.bool(false)) // NEWFALSE
            case 0x4B: try push(.int(Int(try byte()))) // BININT1
            case 0x4D: try push(.int(try unsigned(2))) // BININT2
            case 0x4A: try push(.int(Int(Int32(truncatingIfNeeded: try unsigned(4))))) // BININT
            case 0x8A: try push(try long(Int(try byte()))) // LONG1
            case 0x8B: try push(try long(try unsigned(4))) // LONG4
            case 0x47: // BINFLOAT, big-endian
                var bits: UInt64 = 0
                for b in try take(8) { bits = bits << 8 | UInt64(b) }
                try push(.float(Double(bitPattern: bits)))
            case 0x58: try push(.string(try text(try unsigned(4), at))) // BINUNICODE
            case 0x8C: try push(.string(try text(Int(try byte()), at))) // SHORT_BINUNICODE
            case 0x8D: try push(.string(try text(try unsigned(8), at))) // BINUNICODE8
            case 0x55: try push(.string(try text(Int(try byte()), at))) // SHORT_BINSTRING (Python 2 str)
            case 0x54: try push(.string(try text(try unsigned(4), at))) // BINSTRING
            case 0x43: try push(.bytes(Array(try take(Int(try byte()))))) // SHORT_BINBYTES
            case 0x42: try push(.bytes(Array(try take(try unsigned(4))))) // BINBYTES
            case 0x8E: try push(.bytes(Array(try take(try unsigned(8))))) // BINBYTES8
            case 0x29: try push(.tuple([])) // EMPTY_TUPLE
            case 0x85, 0x86, 0x87: // TUPLE1, TUPLE2, TUPLE3
                let items = try pop(Int(opcode) - 0x84, at)
                try push(.tuple(items.map(\.value)), depth: 1 + (items.map(\.depth).max() ?? 0))
            case 0x74: // TUPLE
                let items = try popMark(at)
                try push(.tuple(items.map(\.value)), depth: 1 + (items.map(\.depth).max() ?? 0))
            case 0x5D: try push(.list(newList())) // EMPTY_LIST
            case 0x6C: // LIST
                let items = try popMark(at), list = newList()
                list.items = items.map(\.value)
                try push(.list(list), depth: 1 + (items.map(\.depth).max() ?? 0))
            case 0x7D: try push(.dict(newDict())) // EMPTY_DICT
            case 0x64: // DICT
                let items = try popMark(at), dict = newDict()
                try insert(items, into: dict, at)
                try push(.dict(dict), depth: 1 + (items.map(\.depth).max() ?? 0))
            case 0x61, 0x65: // APPEND, APPENDS
                let items = opcode == 0x61 ? try pop(1, at) : try popMark(at)
                guard let top = stack.last, case .list(let list) = top.value else {
                    throw fail(at, "APPEND to a \(stack.last?.value.kindName ?? "missing value"), not a list")
                }
                list.items += items.map(\.value)
                try deepen(1 + (items.map(\.depth).max() ?? 0), at)
            case 0x73, 0x75: // SETITEM, SETITEMS
                let items = opcode == 0x73 ? try pop(2, at) : try popMark(at)
                guard let top = stack.last, case .dict(let dict) = top.value else {
                    throw fail(at, "SETITEM on a \(stack.last?.value.kindName ?? "missing value"), not a dict")
                }
                try insert(items, into: dict, at)
                try deepen(1 + (items.map(\.depth).max() ?? 0), at)
            case 0x71: try put(Int(try byte()), at) // BINPUT
            case 0x72: try put(try unsigned(4), at) // LONG_BINPUT
            case 0x94: try put(memo.count, at) // MEMOIZE
            case 0x68: try get(Int(try byte()), at) // BINGET
            case 0x6A: try get(try unsigned(4), at) // LONG_BINGET
            case 0x30: _ = try pop(1, at) // POP
            case 0x31: _ = try popMark(at) // POP_MARK
            case 0x32: // DUP
                guard let top = stack.last else { throw fail(at, "DUP on an empty stack") }
                try push(top.value, depth: top.depth)
            case 0x63: // GLOBAL: "module\nname\n"
                let module = try line(at), name = try line(at)
                try push(.global(try global(module, name, at)))
            case 0x93: // STACK_GLOBAL
                let items = try pop(2, at)
                guard case .string(let module) = items[0].value, case .string(let name) = items[1].value else {
                    throw fail(at, "STACK_GLOBAL of a \(items[0].value.kindName) and a \(items[1].value.kindName)")
                }
                try push(.global(try global(module, name, at)))
            case 0x52, 0x81: // REDUCE, NEWOBJ: call(args)
                let items = try pop(2, at)
                guard case .global(let callee) = items[0].value else {
                    throw fail(at, "call of a \(items[0].value.kindName), which is not callable")
                }
                guard case .tuple(let arguments) = items[1].value else { throw fail(at, "call with a \(items[1].value.kindName) of arguments") }
                let result = try wrapAt(at) { try TorchRebuild.call(callee, arguments) }
                if case .dict(let dict) = result { dicts.append(dict) }
                try push(result, depth: items[1].depth)
            case 0x62: // BUILD: set an object's state
                let state = try pop(1, at)[0]
                guard let top = stack.last else { throw fail(at, "BUILD on an empty stack") }
                switch top.value {
                case .dict, .tensor: break // OrderedDict's _metadata, a tensor's attributes: not needed
                default: throw fail(at, "BUILD of a \(top.value.kindName) with a \(state.value.kindName)")
                }
            case 0x51: // BINPERSID
                let id = try pop(1, at)[0]
                try push(.storage(try wrapAt(at) { try TorchRebuild.storage(id.value) }))
            default:
                throw fail(at, "opcode 0x\(String(opcode, radix: 16)) is not supported")
            }
        }
    }

    // MARK: The stack, marks and memo

    private mutating func push(_ value: TorchPickleValue, depth: Int = 0) throws {
        guard stack.count < Self.maximumStack else { throw fail(position, "more than \(Self.maximumStack) values on the stack") }
        guard depth <= Self.maximumDepth else { throw fail(position, "values nested more than \(Self.maximumDepth) deep") }
        stack.append((value, depth))
    }

    private mutating func pop(_ count: Int, _ at: Int) throws -> [(value: TorchPickleValue, depth: Int)] {
        guard stack.count - count >= (marks.last ?? 0) else { throw fail(at, "stack underflow") }
        defer { stack.removeLast(count) }
        return Array(stack.suffix(count))
    }

    private mutating func popMark(_ at: Int) throws -> [(value: TorchPickleValue, depth: Int)] {
        guard let mark = marks.popLast() else { throw fail(at, "no MARK to pop to") }
        defer { stack.removeSubrange(mark...) }
        return Array(stack[mark...])
    }

    /// Raises the depth of the container on top after items went into it.
    private mutating func deepen(_ depth: Int, _ at: Int) throws {
        guard depth <= Self.maximumDepth else { throw fail(at, "values nested more than \(Self.maximumDepth) deep") }
        stack[stack.count - 1].depth = max(stack[stack.count - 1].depth, depth)
    }

    private mutating func put(_ key: Int, _ at: Int) throws {
        guard let top = stack.last else { throw fail(at, "PUT on an empty stack") }
        guard memo.count < Self.maximumMemo || memo[key] != nil else { throw fail(at, "more than \(Self.maximumMemo) memo entries") }
        memo[key] = top
    }

    private mutating func get(_ key: Int, _ at: Int) throws {
        guard let entry = memo[key] else { throw fail(at, "GET of memo entry \(key), which was never PUT") }
        try push(entry.value, depth: entry.depth)
    }

    private func insert(_ items: [(value: TorchPickleValue, depth: Int)], into dict: TorchPickleDict, _ at: Int) throws {
        guard items.count % 2 == 0 else { throw fail(at, "SETITEMS with an odd number of values") }
        for i in stride(from: 0, to: items.count, by: 2) { dict.items.append((items[i].value, items[i + 1].value)) }
    }

    private mutating func newList() -> TorchPickleList { let list = TorchPickleList(); lists.append(list); return list }
    private mutating func newDict() -> TorchPickleDict { let dict = TorchPickleDict(); dicts.append(dict); return dict }

    private func global(_ module: String, _ name: String, _ at: Int) throws -> TorchGlobal {
        guard let global = TorchGlobal(module: module, name: name) else {
            throw fail(at, "refuses to load \(quotedForMessage(module + "." + name)): only tensors, storages and plain containers are allowed")
        }
        return global
    }

    // MARK: Reading bytes

    private mutating func byte() throws -> UInt8 {
        guard position < bytes.count else { throw fail(position, "the pickle ends before its STOP (truncated?)") }
        defer { position += 1 }
        return bytes[position]
    }

    private mutating func take(_ count: Int) throws -> UnsafeRawBufferPointer.SubSequence {
        guard count >= 0, count <= bytes.count - position else {
            throw fail(position, "a \(count)-byte field runs past the end (truncated?)")
        }
        defer { position += count }
        return bytes[position..<(position + count)]
    }

    /// A little-endian unsigned field, refused beyond Int.max.
    private mutating func unsigned(_ width: Int) throws -> Int {
        var value: UInt64 = 0
        for b in try take(width).reversed() { value = value << 8 | UInt64(b) }
        guard value <= UInt64(Int.max) else { throw fail(position, "a length of \(value) is out of range") }
        return Int(value)
    }

    private mutating func long(_ count: Int) throws -> TorchPickleValue {
        guard count <= Self.maximumIntegerBytes else { throw fail(position, "a \(count)-byte integer is too long") }
        let digits = Array(try take(count))
        guard count <= 8 else { return .bigInt(digits) }
        var value: UInt64 = digits.last.map { $0 & 0x80 != 0 ? UInt64.max : 0 } ?? 0
        for b in digits.reversed() { value = value << 8 | UInt64(b) }
        return .int(Int(Int64(bitPattern: value)))
    }

    private mutating func text(_ count: Int, _ at: Int) throws -> String {
        guard let string = String(validating: UnsafeRawBufferPointer(rebasing: try take(count)), as: UTF8.self) else {
            throw fail(at, "a string is not UTF-8")
        }
        return string
    }

    private mutating func line(_ at: Int) throws -> String {
        guard let newline = bytes[position...].prefix(256).firstIndex(of: 0x0A) else {
            throw fail(at, "GLOBAL without a newline-terminated name")
        }
        let string = try text(newline - position, at)
        position += 1
        return string
    }

    private func fail(_ at: Int, _ reason: String) -> RefvisError { RefvisError("pickle byte \(at): \(reason)") }

    private func wrapAt<T>(_ at: Int, _ body: () throws -> T) throws -> T {
        do { return try body() } catch let error as RefvisError { throw fail(at, error.message) }
    }
}
