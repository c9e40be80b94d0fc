import ReferenceCore
/// The header dict of a `.npy` file: what the data is and how it is laid out.
///
/// The header is a Python dict literal with exactly the keys `'descr'` (the
/// dtype string), `'fortran_order'` (a bool) and `'shape'` (a tuple of
/// integers), in any order, e.g.
/// `{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }`.
/// NumPy refuses headers with missing or extra keys, and so does refvis.
struct NumPyHeader: Equatable {
    var dtype: NumPyDType
    var fortranOrder: Bool
    /// As written; may contain negative entries (the caller checks sizes).
    var shape: [Int]

    /// Parses the header text of the file `name` (used in error messages).
    static func parse(_ text: String, name: String) throws -> NumPyHeader {
        let literal: PythonLiteral
        do {
            literal = try PythonLiteral.parse(text)
        } catch {
            throw RefvisError("\(name): malformed .npy header at character \(error.position): \(error.reason) "
                + "(header: \(excerpt(text)))")
        }
        guard case .dict(let pairs) = literal else {
            throw RefvisError("\(name): malformed .npy header: expected a dict, found \(literal.summary) "
                + "(header: \(excerpt(text)))")
        }

        var values: [String: PythonLiteral] = [:]
        for (key, value) in pairs {
            guard case .string(let keyName) = key else {
                throw RefvisError("\(name): malformed .npy header: dict key \(key.summary) is not a string")
            }
            guard ["descr", "fortran_order", "shape"].contains(keyName) else {
                throw RefvisError("\(name): .npy header has unexpected key '\(keyName)' "
                    + "(expected exactly 'descr', 'fortran_order' and 'shape')")
            }
            guard values[keyName] == nil else {
                throw RefvisError("\(name): .npy header has the key '\(keyName)' twice")
            }
            values[keyName] = value
        }
        for key in ["descr", "fortran_order", "shape"] where values[key] == nil {
            throw RefvisError("\(name): .npy header has no '\(key)' key (header: \(excerpt(text)))")
        }

        return NumPyHeader(
            dtype: try parseDescr(values["descr"]!, name: name),
            fortranOrder: try parseFortranOrder(values["fortran_order"]!, name: name),
            shape: try parseShape(values["shape"]!, name: name))
    }

    private static func parseDescr(_ value: PythonLiteral, name: String) throws -> NumPyDType {
        switch value {
        case .string(let descr):
            switch NumPyDType.parse(descr) {
            case .success(let dtype): return dtype
            case .failure(let error): throw RefvisError("\(name): \(error.reason)")
            }
        case .list:
            throw RefvisError("\(name): structured dtypes (a 'descr' list of fields) are not supported")
        default:
            throw RefvisError("\(name): .npy header 'descr' must be a dtype string, found \(value.summary)")
        }
    }

    private static func parseFortranOrder(_ value: PythonLiteral, name: String) throws -> Bool {
        guard case .boolean(let flag) = value else {
            throw RefvisError("\(name): .npy header 'fortran_order' must be True or False, found \(value.summary)")
        }
        return flag
    }

    private static func parseShape(_ value: PythonLiteral, name: String) throws -> [Int] {
        guard case .tuple(let entries) = value else {
            throw RefvisError("\(name): .npy header 'shape' must be a tuple of integers, found \(value.summary)")
        }
        // NumPy's own limit (NPY_MAXDIMS is 64 since NumPy 2), as for safetensors.
        guard entries.count <= 64 else {
            throw RefvisError("\(name): .npy header 'shape' has \(entries.count) dimensions, more than the 64 NumPy allows")
        }
        return try entries.map { entry in
            guard case .integer(let number, let text) = entry else {
                throw RefvisError("\(name): .npy header 'shape' entries must be integers, found \(entry.summary)")
            }
            guard let number else {
                throw RefvisError("\(name): .npy header 'shape' entry \(text) is too large")
            }
            return number
        }
    }

    /// At most 120 characters of the header, on one line.
    static func excerpt(_ text: String) -> String {
        let trimmed = text.trimmingTrailingWhitespace()
        let short = trimmed.unicodeScalars.count > 120
            ? String(String.UnicodeScalarView(trimmed.unicodeScalars.prefix(117))) + "..."
            : trimmed
        return escapingControls(short)
    }
}

extension String {
    fileprivate func trimmingTrailingWhitespace() -> String {
        var scalars = Array(unicodeScalars)
        while let last = scalars.last, last == " " || last == "\n" || last == "\t" || last == "\r" {
            scalars.removeLast()
        }
        return String(String.UnicodeScalarView(scalars))
    }
}
