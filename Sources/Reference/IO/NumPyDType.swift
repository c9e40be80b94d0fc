import ReferenceCore
/// The element types refvis can read from `.npy` files, parsed from the
/// header's `descr` string (e.g. `'<f8'`), and their conversion to Double.
///
/// A descr is a byte-order character, a kind and a size in bytes:
/// `<` little-endian, `>` big-endian, `|` not applicable (single bytes) and
/// `=` native. NumPy's writer always resolves native order to `<` or `>`, so a
/// multi-byte `=` (or `|`) would leave the byte order unknown: refvis accepts
/// `|` and `=` only for one-byte types, and `<`/`>` for every type.
///
/// Supported: float `f2 f4 f8`, signed `i1 i2 i4 i8`, unsigned `u1 u2 u4 u8`,
/// and bool `b1`. Conversion to Double is exact except for 64-bit integers
/// beyond ±2^53, which round to the nearest Double (ties to even, as NumPy's
/// `astype(float64)`). A bool byte reads as 1 if nonzero, else 0.
struct NumPyDType: Equatable {
    enum Kind: Equatable { case float, signed, unsigned, bool }

    var kind: Kind
    /// Bytes per element.
    var size: Int
    var bigEndian: Bool

    /// The NumPy name, e.g. "float64", with ", big-endian" where it applies.
    var description: String {
        let base: String
        switch kind {
        case .float: base = "float\(size * 8)"
        case .signed: base = "int\(size * 8)"
        case .unsigned: base = "uint\(size * 8)"
        case .bool: base = "bool"
        }
        return bigEndian && size > 1 ? "big-endian \(base)" : base
    }

    /// Parses a descr such as `<f8`, or explains why it is not supported
    /// (the returned string is the reason, to be prefixed with the file name).
    static func parse(_ descr: String) -> Result<NumPyDType, DescrError> {
        let characters = Array(descr.unicodeScalars)
        guard let order = characters.first else { return .failure(DescrError("empty dtype descr ''")) }
        var body = characters[...]
        var explicitOrder: Unicode.Scalar? = nil
        if "<>|=".unicodeScalars.contains(order) {
            explicitOrder = order
            body = characters.dropFirst()
        }
        if body.first == "O" {
            return .failure(DescrError("object arrays (dtype '\(descr)') are not supported: they hold pickled Python objects"))
        }
        let sizeDigits = body.dropFirst()
        guard let kindCharacter = body.first, !sizeDigits.isEmpty, sizeDigits.count <= 3,
              sizeDigits.allSatisfy({ $0.isASCII && ("0"..."9").contains($0) }),
              let size = Int(String(String.UnicodeScalarView(sizeDigits)))
        else {
            return .failure(DescrError("unknown dtype '\(descr)'"))
        }
        let kind: Kind
        let sizes: [Int]
        switch kindCharacter {
        case "f": kind = .float; sizes = [2, 4, 8]
        case "i": kind = .signed; sizes = [1, 2, 4, 8]
        case "u": kind = .unsigned; sizes = [1, 2, 4, 8]
        case "b": kind = .bool; sizes = [1]
        default:
            return .failure(DescrError("unsupported dtype '\(descr)' (refvis reads float16/32/64, int8..64, uint8..64 and bool)"))
        }
        guard sizes.contains(size) else {
            return .failure(DescrError("unsupported dtype '\(descr)' (refvis reads float16/32/64, int8..64, uint8..64 and bool)"))
        }
        switch explicitOrder {
        case "<", ">": break
        case "|", "=", nil:
            guard size == 1 else {
                let shown = explicitOrder.map { "'\($0)'" } ?? "no byte-order character"
                return .failure(DescrError("dtype '\(descr)' has \(shown), so its byte order is unknown; expected '<' or '>'"))
            }
        default: break
        }
        return .success(NumPyDType(kind: kind, size: size, bigEndian: explicitOrder == ">"))
    }

    struct DescrError: Error {
        var reason: String
        init(_ reason: String) { self.reason = reason }
    }

    /// Converts `count` elements stored from `offset` in `bytes` (which the
    /// caller has checked holds them all) to Doubles, in storage order.
    func decode(_ bytes: UnsafeRawBufferPointer, offset: Int, count: Int) -> [Double] {
        switch (kind, size) {
        case (.float, 8): return load(UInt64.self, bytes, offset, count) { Double(bitPattern: $0) }
        case (.float, 4): return load(UInt32.self, bytes, offset, count) { Double(Float(bitPattern: $0)) }
        case (.float, _): return load(UInt16.self, bytes, offset, count) { NumPyDType.halfToDouble($0) }
        case (.signed, 8): return load(UInt64.self, bytes, offset, count) { Double(Int64(bitPattern: $0)) }
        case (.signed, 4): return load(UInt32.self, bytes, offset, count) { Double(Int32(bitPattern: $0)) }
        case (.signed, 2): return load(UInt16.self, bytes, offset, count) { Double(Int16(bitPattern: $0)) }
        case (.signed, _): return load(UInt8.self, bytes, offset, count) { Double(Int8(bitPattern: $0)) }
        case (.unsigned, 8): return load(UInt64.self, bytes, offset, count) { Double($0) }
        case (.unsigned, 4): return load(UInt32.self, bytes, offset, count) { Double($0) }
        case (.unsigned, 2): return load(UInt16.self, bytes, offset, count) { Double($0) }
        case (.unsigned, _): return load(UInt8.self, bytes, offset, count) { Double($0) }
        case (.bool, _): return load(UInt8.self, bytes, offset, count) { $0 == 0 ? 0 : 1 }
        }
    }

    /// Reads raw unsigned words in the file's byte order and converts each.
    private func load<Word: FixedWidthInteger & UnsignedInteger>(
        _: Word.Type, _ bytes: UnsafeRawBufferPointer, _ offset: Int, _ count: Int,
        _ convert: (Word) -> Double
    ) -> [Double] {
        let bigEndian = self.bigEndian
        return [Double](unsafeUninitializedCapacity: count) { buffer, initialized in
            for i in 0..<count {
                let raw = bytes.loadUnaligned(fromByteOffset: offset + i * MemoryLayout<Word>.size, as: Word.self)
                buffer[i] = convert(bigEndian ? Word(bigEndian: raw) : Word(littleEndian: raw))
            }
            initialized = count
        }
    }

    /// Decodes an IEEE 754 binary16 value: 1 sign bit, 5 exponent bits (bias 15),
    /// 10 fraction bits. Exponent 0 is zero or subnormal (fraction · 2^-24),
    /// exponent 31 is infinity (fraction 0) or NaN; otherwise
    /// (1 + fraction/1024) · 2^(exponent - 15). Every binary16 value is exact in Double.
    static func halfToDouble(_ bits: UInt16) -> Double {
        let negative = bits & 0x8000 != 0
        let exponent = Int((bits >> 10) & 0x1F)
        let fraction = Double(bits & 0x3FF)
        let magnitude: Double
        switch exponent {
        case 0: magnitude = fraction * 0x1p-24
        case 31: magnitude = fraction == 0 ? .infinity : .nan
        default: magnitude = (1 + fraction / 1024) * Double(sign: .plus, exponent: exponent - 15, significand: 1)
        }
        return negative ? -magnitude : magnitude
    }
}
