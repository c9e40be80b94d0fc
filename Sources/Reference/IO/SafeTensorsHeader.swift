import ReferenceCore
/// One tensor as the safetensors header describes it, before any conversion.
public struct SafeTensorsEntry: Sendable, Equatable, CustomStringConvertible {
    public var name: String
    public var dtype: SafeTensorsDType
    public var shape: [Int]
    /// The tensor's bytes, relative to the start of the data section.
    public var dataOffsets: Range<Int>

    /// E.g. `'conv1.weight' (64, 3, 7, 7) F32`.
    public var description: String { "\(quotedForMessage(name)) \(formatShape(shape)) \(dtype)" }
}

/// The parsed and validated header of a safetensors file.
///
/// Validation follows the reference implementation (huggingface
/// `safetensors`, `tensor.rs`: `read_metadata` and `Metadata::validate`):
/// - at least 8 bytes; the header length N (u64 little-endian) at most
///   100,000,000 (`MAX_HEADER_SIZE`) and 8 + N within the file;
/// - the header valid UTF-8 and valid JSON;
/// - `__metadata__` absent, null, or an object of strings;
/// - each other key a tensor: `dtype` one of the known names (case-sensitive),
///   `shape` an array of non-negative integers, `data_offsets` an array of two
///   non-negative integers [begin, end];
/// - taken in order of (begin, end), each tensor begins where the previous one
///   ended (the first at 0) and ends no earlier than it begins, so that the
///   ranges neither overlap nor leave gaps; the last end is the length of the
///   data section (everything after the header), so the tensors cover it exactly;
/// - end − begin = element count × dtype size, with a whole number of bytes,
///   and no overflow.
///
/// refvis is stricter than the reference (0.8) in three places, each of which
/// the reference accepts silently: the header must start with `{` (the
/// reference has this check written but commented out, "add when we move to
/// 0.4.0", and 0.8 still accepts leading whitespace), a key may not appear
/// twice in an object (the reference keeps the last one), and a tensor entry
/// may not have keys other than the three above (the reference ignores them;
/// refvis would rather not guess what an extension means). refvis also
/// refuses tensors of more than 2^31 elements or 64 dimensions (see `HeaderJSON`).
struct SafeTensorsHeader {
    /// The reference implementation's `MAX_HEADER_SIZE`.
    static let maxHeaderSize = 100_000_000

    /// The tensors in order of their data offsets.
    var entries: [SafeTensorsEntry]
    var metadata: [String: String]
    /// Byte offset of the data section in the file: 8 + header length.
    var dataStart: Int

    /// Parses and validates the header of the file `name` (used in messages),
    /// checking the data ranges against the size of `bytes`.
    static func parse(_ bytes: UnsafeRawBufferPointer, name: String) throws -> SafeTensorsHeader {
        guard bytes.count >= 8 else {
            throw RefvisError(bytes.isEmpty
                ? "\(name): not a safetensors file (the file is empty)"
                : "\(name): not a safetensors file: \(bytes.count) bytes, too short for the 8-byte header length")
        }
        var length: UInt64 = 0
        for i in (0..<8).reversed() { length = length << 8 | UInt64(bytes[i]) }
        guard length <= UInt64(maxHeaderSize) else {
            throw RefvisError("\(name): not a safetensors file: the header length field says \(length) bytes, "
                + "more than the limit of \(maxHeaderSize)")
        }
        let headerLength = Int(length)
        let available = bytes.count - 8
        guard headerLength <= available else {
            throw RefvisError("\(name): truncated safetensors file: the header length field says \(headerLength) bytes, "
                + "but only \(available) follow")
        }
        let header = UnsafeRawBufferPointer(rebasing: bytes[8..<8 + headerLength])
        guard String(validating: header, as: UTF8.self) != nil else {
            throw RefvisError("\(name): malformed safetensors header: not valid UTF-8")
        }
        guard header.first == UInt8(ascii: "{") else {
            let found = header.isEmpty ? "an empty header" : "\(describeByte(header[0])) at byte 0"
            throw RefvisError("\(name): malformed safetensors header: expected a JSON object starting with '{', "
                + "found \(found)")
        }
        let json: HeaderJSON
        do {
            json = try HeaderJSON.parse(header)
        } catch {
            throw RefvisError("\(name): malformed safetensors header at byte \(error.position) of the JSON: \(error.reason)")
        }
        guard case .object(let members) = json else {  // cannot happen after the '{' check
            throw RefvisError("\(name): malformed safetensors header: expected a JSON object, found \(json.summary)")
        }

        var metadata: [String: String] = [:]
        var entries: [SafeTensorsEntry] = []
        for (key, value) in members {
            if key == "__metadata__" {
                metadata = try parseMetadata(value, name: name)
            } else {
                entries.append(try parseEntry(key, value, name: name))
            }
        }
        let dataStart = 8 + headerLength
        try validateLayout(&entries, dataLength: bytes.count - dataStart, name: name)
        return SafeTensorsHeader(entries: entries, metadata: metadata, dataStart: dataStart)
    }

    /// "1 byte", "3 bytes".
    private static func byteCount(_ count: Int) -> String { count == 1 ? "1 byte" : "\(count) bytes" }

    private static func describeByte(_ byte: UInt8) -> String {
        (0x21..<0x7F).contains(byte)
            ? "'\(Character(Unicode.Scalar(byte)))'"
            : "byte 0x" + String(byte, radix: 16, uppercase: true)
    }

    private static func parseMetadata(_ value: HeaderJSON, name: String) throws -> [String: String] {
        switch value {
        case .null:
            return [:]
        case .object(let members):
            var result: [String: String] = [:]
            for (key, item) in members {
                guard case .string(let text) = item else {
                    throw RefvisError("\(name): safetensors __metadata__ value for \(quotedForMessage(key)) must be a string, "
                        + "found \(item.summary)")
                }
                result[key] = text
            }
            return result
        default:
            throw RefvisError("\(name): safetensors __metadata__ must be an object of strings, found \(value.summary)")
        }
    }

    private static func parseEntry(_ key: String, _ value: HeaderJSON, name: String) throws -> SafeTensorsEntry {
        // Messages are built only when needed: headers can hold millions of entries.
        func tensor() -> String { "\(name): tensor \(quotedForMessage(key))" }
        guard case .object(let members) = value else {
            throw RefvisError("\(tensor()): expected an object with dtype, shape and data_offsets, found \(value.summary)")
        }
        var dtypeValue: HeaderJSON? = nil, shapeValue: HeaderJSON? = nil, offsetsValue: HeaderJSON? = nil
        for (field, item) in members {
            switch field {
            case "dtype": dtypeValue = item
            case "shape": shapeValue = item
            case "data_offsets": offsetsValue = item
            default:
                throw RefvisError("\(tensor()) has the unexpected key \(quotedForMessage(field)) "
                    + "(expected exactly dtype, shape and data_offsets)")
            }
        }
        guard let dtypeValue else { throw RefvisError("\(tensor()) has no 'dtype'") }
        guard let shapeValue else { throw RefvisError("\(tensor()) has no 'shape'") }
        guard let offsetsValue else { throw RefvisError("\(tensor()) has no 'data_offsets'") }

        guard case .string(let dtypeName) = dtypeValue else {
            throw RefvisError("\(tensor()): dtype must be a string, found \(dtypeValue.summary)")
        }
        guard let dtype = SafeTensorsDType(rawValue: dtypeName) else {
            let known = SafeTensorsDType.allCases.map(\.rawValue).joined(separator: ", ")
            throw RefvisError("\(tensor()) has the unknown dtype \(quotedForMessage(dtypeName)) (known: \(known))")
        }
        let shape = try integers(shapeValue, what: "shape", context: tensor())
        let offsets = try integers(offsetsValue, what: "data_offsets", context: tensor())
        guard offsets.count == 2 else {
            throw RefvisError("\(tensor()): data_offsets must be [begin, end], found \(offsets.count) numbers")
        }
        guard offsets[0] <= offsets[1] else {
            throw RefvisError("\(tensor()): data_offsets [\(offsets[0]), \(offsets[1])] end before they begin")
        }
        return SafeTensorsEntry(name: key, dtype: dtype, shape: shape, dataOffsets: offsets[0]..<offsets[1])
    }

    /// An array of non-negative integers (`usize` in the reference): no
    /// fractions, exponents or signs.
    private static func integers(_ value: HeaderJSON, what: String, context: @autoclosure () -> String) throws -> [Int] {
        guard case .array(let items) = value else {
            throw RefvisError("\(context()): \(what) must be an array of integers, found \(value.summary)")
        }
        return try items.map { item in
            guard case .number(let text, let isInteger) = item, isInteger else {
                throw RefvisError("\(context()): \(what) entries must be non-negative integers, found \(item.summary)")
            }
            guard !text.hasPrefix("-") else {
                throw RefvisError("\(context()): \(what) has the negative entry \(text)")
            }
            guard let number = Int(text) else {
                throw RefvisError("\(context()): \(what) entry \(text) is too large")
            }
            return number
        }
    }

    /// Sorts the entries by (begin, end) and checks that they tile the data
    /// section exactly and that each holds exactly its elements' bytes.
    private static func validateLayout(_ entries: inout [SafeTensorsEntry], dataLength: Int, name: String) throws {
        entries.sort { a, b in
            (a.dataOffsets.lowerBound, a.dataOffsets.upperBound) < (b.dataOffsets.lowerBound, b.dataOffsets.upperBound)
                || (a.dataOffsets == b.dataOffsets && a.name.utf8.lexicographicallyPrecedes(b.name.utf8))
        }
        var covered = 0  // end of the previous tensor
        var previous: SafeTensorsEntry? = nil
        for entry in entries {
            func tensor() -> String { "\(name): tensor \(quotedForMessage(entry.name))" }
            func range() -> String { "data_offsets [\(entry.dataOffsets.lowerBound), \(entry.dataOffsets.upperBound)]" }
            if entry.dataOffsets.lowerBound > covered {
                throw RefvisError("\(name): bytes \(covered)..<\(entry.dataOffsets.lowerBound) of the data section "
                    + "belong to no tensor (a gap before tensor \(quotedForMessage(entry.name)) at \(range()))")
            }
            if entry.dataOffsets.lowerBound < covered, let previous {
                throw RefvisError("\(tensor()) \(range()) overlaps tensor \(quotedForMessage(previous.name)) "
                    + "[\(previous.dataOffsets.lowerBound), \(previous.dataOffsets.upperBound)]")
            }
            guard entry.dataOffsets.upperBound <= dataLength else {
                throw RefvisError("\(tensor()) \(range()) runs past the end of the data section, "
                    + "which has \(byteCount(dataLength)) (truncated file?)")
            }
            let count: Int
            do {
                // An empty context keeps the common case cheap; its message then
                // starts with ": ..." and gets the tensor's description in front.
                count = try Tensor.checkedElementCount(entry.shape, context: "")
            } catch let error as RefvisError {
                throw RefvisError(tensor() + error.message)
            }
            let bits = count * entry.dtype.bitSize  // ≤ 2^31 · 64: no overflow
            guard bits % 8 == 0 else {
                throw RefvisError("\(tensor()): \(count) \(entry.dtype) elements of \(entry.dtype.bitSize) bits "
                    + "do not fill a whole number of bytes")
            }
            guard entry.dataOffsets.count == bits / 8 else {
                throw RefvisError("\(tensor()) is \(formatShape(entry.shape)) \(entry.dtype) = \(bits / 8) bytes, "
                    + "but its \(range()) hold \(entry.dataOffsets.count)")
            }
            covered = entry.dataOffsets.upperBound
            previous = entry
        }
        guard covered == dataLength else {
            throw RefvisError("\(name): the tensors cover \(byteCount(covered)) of data, but the data section has "
                + "\(dataLength) (\(byteCount(dataLength - covered)) after the last tensor belong to no tensor)")
        }
    }
}
