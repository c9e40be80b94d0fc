import ReferenceCore
/// The element types of the safetensors format, named as in the file
/// (`"F32"`, `"BF16"`, ...), with their sizes and their conversion to Double.
///
/// Every dtype of the reference implementation (huggingface `safetensors`
/// 0.8) is known, so that any valid file can be listed and validated. refvis
/// converts these to Double:
/// - `F64`, `F32`, `F16` (IEEE 754 binary64/32/16) and `BF16` (bfloat16: the
///   upper 16 bits of a binary32) — exactly;
/// - `F8_E4M3` (PyTorch `float8_e4m3fn`: bias 7, no infinities, S.1111.111 is
///   NaN) and `F8_E5M2` (`float8_e5m2`: the upper byte of a binary16) — exactly;
/// - `I8`…`I64`, `U8`…`U64` — exactly, except 64-bit integers beyond ±2^53,
///   which round to the nearest Double (ties to even, as NumPy's astype);
/// - `BOOL` — 1 for a nonzero byte, else 0.
/// The micro-scaling and packed types (`F8_E8M0`, `F8_E4M3FNUZ`,
/// `F8_E5M2FNUZ`, `F6_E2M3`, `F6_E3M2`, `F4`) and complex `C64` are listed but
/// not converted. All data is little-endian.
public enum SafeTensorsDType: String, Sendable, CaseIterable, CustomStringConvertible {
    case bool = "BOOL"
    case f4 = "F4"
    case f6E2M3 = "F6_E2M3"
    case f6E3M2 = "F6_E3M2"
    case u8 = "U8"
    case i8 = "I8"
    case f8E5M2 = "F8_E5M2"
    case f8E4M3 = "F8_E4M3"
    case f8E8M0 = "F8_E8M0"
    case f8E4M3FNUZ = "F8_E4M3FNUZ"
    case f8E5M2FNUZ = "F8_E5M2FNUZ"
    case i16 = "I16"
    case u16 = "U16"
    case f16 = "F16"
    case bf16 = "BF16"
    case i32 = "I32"
    case u32 = "U32"
    case f32 = "F32"
    case c64 = "C64"
    case f64 = "F64"
    case i64 = "I64"
    case u64 = "U64"

    public var description: String { rawValue }

    /// Bits per element (4 and 6 for the packed types, otherwise a whole number of bytes).
    public var bitSize: Int {
        switch self {
        case .f4: return 4
        case .f6E2M3, .f6E3M2: return 6
        case .bool, .u8, .i8, .f8E5M2, .f8E4M3, .f8E8M0, .f8E4M3FNUZ, .f8E5M2FNUZ: return 8
        case .i16, .u16, .f16, .bf16: return 16
        case .i32, .u32, .f32: return 32
        case .c64, .f64, .i64, .u64: return 64
        }
    }

    /// Whether refvis can convert this dtype to Double (see the type's documentation).
    public var isConvertible: Bool { numPyEquivalent != nil || self == .bf16 || self == .f8E4M3 || self == .f8E5M2 }

    /// The dtypes refvis converts, for error messages.
    static var convertibleNames: String {
        allCases.filter(\.isConvertible).map(\.rawValue).joined(separator: ", ")
    }

    /// The little-endian NumPy dtype with the same bytes, whose decoder is reused.
    private var numPyEquivalent: NumPyDType? {
        let kind: NumPyDType.Kind
        switch self {
        case .f16, .f32, .f64: kind = .float
        case .i8, .i16, .i32, .i64: kind = .signed
        case .u8, .u16, .u32, .u64: kind = .unsigned
        case .bool: kind = .bool
        default: return nil
        }
        return NumPyDType(kind: kind, size: bitSize / 8, bigEndian: false)
    }

    /// Converts `count` elements stored from byte `offset` of `bytes` (which the
    /// caller has checked holds them all) to Doubles. The caller has checked
    /// `isConvertible`; other dtypes give an empty array.
    func decode(_ bytes: UnsafeRawBufferPointer, offset: Int, count: Int) -> [Double] {
        if let numPy = numPyEquivalent { return numPy.decode(bytes, offset: offset, count: count) }
        switch self {
        case .bf16:
            return convert(count) { i in
                let bits = UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: offset + 2 * i, as: UInt16.self))
                return Double(Float(bitPattern: UInt32(bits) << 16))
            }
        case .f8E5M2:
            return convert(count) { i in NumPyDType.halfToDouble(UInt16(bytes[offset + i]) << 8) }
        case .f8E4M3:
            return convert(count) { i in SafeTensorsDType.float8E4M3ToDouble(bytes[offset + i]) }
        default:
            return []
        }
    }

    private func convert(_ count: Int, _ element: (Int) -> Double) -> [Double] {
        [Double](unsafeUninitializedCapacity: count) { buffer, initialized in
            for i in 0..<count { buffer[i] = element(i) }
            initialized = count
        }
    }

    /// Decodes an OCP FP8 E4M3 value (PyTorch `float8_e4m3fn`): 1 sign bit, 4
    /// exponent bits (bias 7), 3 fraction bits. Exponent 0 is zero or subnormal
    /// (fraction · 2^-9); all ones in exponent and fraction is NaN; there are no
    /// infinities, so exponent 15 with another fraction is an ordinary number
    /// (up to ±448).
    static func float8E4M3ToDouble(_ bits: UInt8) -> Double {
        let negative = bits & 0x80 != 0
        let exponent = Int((bits >> 3) & 0x0F)
        let fraction = Double(bits & 0x07)
        let magnitude: Double
        if exponent == 15 && bits & 0x07 == 7 {
            magnitude = .nan
        } else if exponent == 0 {
            magnitude = fraction * 0x1p-9
        } else {
            magnitude = (1 + fraction / 8) * Double(sign: .plus, exponent: exponent - 7, significand: 1)
        }
        return negative ? -magnitude : magnitude
    }
}
