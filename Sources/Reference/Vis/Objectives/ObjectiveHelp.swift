import ReferenceCore

/// The objective language's functions, one line each, for `refvis help render`.
public enum ObjectiveHelp {
    public static var lines: [String] {
        ObjectiveCatalog.signatures.map { signature in
            let parameters = signature.parameters.map { $0.defaultValue == nil ? $0.name : "\($0.name)=\(ObjectiveCatalog.describe($0.defaultValue!))" }
            return "\(signature.name)(\(parameters.joined(separator: ", ")))  \(signature.summary)"
        }
    }
}
