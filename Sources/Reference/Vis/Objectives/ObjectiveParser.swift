import ReferenceCore
import ReferenceIO
// Objective expressions for the command line:
//
//     mixed4a:476                                    channel(mixed4a, 476), Lucid's shorthand
//     channel(mixed4a, 476) - 0.05*total_variation()
//     neuron(conv3, 5, x=3, y=4) + 2*deepdream(conv2)
//     channel(mixed4a, 476, batch=1) - 1e2*diversity(mixed4a)
//     direction(mixed4a, [0.5, -1, 2])
//
// Grammar (usual precedence, left associative):
//
//     expression := product (('+' | '-') product)*
//     product    := unary (('*' | '/') unary)*
//     unary      := ('+' | '-') unary | primary
//     primary    := number | '(' expression ')' | NAME ':' INTEGER | NAME '(' arguments? ')'
//     arguments  := argument (',' argument)*
//     argument   := (NAME '=')? (signed number | '[' signed numbers ']' | NAME | 'quoted name' | none)
//
// Objectives may be added and subtracted, and multiplied or divided by
// numbers; every objective takes the keyword `batch=` as well. Layer names
// are not checked here (see `Objective.requiredLayers` and `validate`).

/// Parses objective expressions; every error is a usage error with the column.
public enum ObjectiveParser {
    /// The most tokens an expression may have, and the deepest nesting of
    /// parentheses and signs: far beyond any real objective, and low enough
    /// that parsing and evaluating the (recursive) objective tree cannot
    /// exhaust the stack.
    public static let maximumTokens = 4096
    public static let maximumNesting = 200

    /// The objective an expression denotes.
    public static func parse(_ source: String) throws -> Objective {
        // Messages quote names and tokens; a quoted name may hold any
        // character, and control characters must not break the one line.
        do {
            return try parseExpression(source)
        } catch let error as RefvisError {
            throw RefvisError(escapingControls(error.message), kind: error.kind)
        }
    }

    private static func parseExpression(_ source: String) throws -> Objective {
        let tokens = try ObjectiveLexer.tokens(source)
        guard tokens.count <= maximumTokens + 1 else {  // + the end token
            throw RefvisError.usage("objective: the expression has \(tokens.count - 1) tokens, more than the \(maximumTokens) refvis accepts")
        }
        var parser = Parser(tokens: tokens)
        if case .end = parser.current.kind { throw RefvisError.usage("objective: the expression is empty") }
        let value = try parser.expression()
        if parser.current.kind != .end { throw parser.unexpected() }
        guard case .objective(let objective) = value.value else {
            throw RefvisError.usage("objective: the expression is a number, not an objective (name a layer's channel, e.g. mixed4a:476)")
        }
        return objective
    }

    /// One line per known objective with its parameters and defaults.
    public static var help: [String] { ObjectiveCatalog.help }
}

/// A parsed subexpression: a number or an objective, and where it starts.
private struct Located {
    enum Value { case number(Double), objective(Objective) }
    let value: Value
    let column: Int
}

private struct Parser {
    let tokens: [ObjectiveToken]
    var position = 0
    /// How many `unary` calls are open: every nesting of parentheses or signs passes through one.
    var depth = 0

    init(tokens: [ObjectiveToken]) { self.tokens = tokens }

    var current: ObjectiveToken { tokens[position] }
    var next: ObjectiveToken { tokens[min(position + 1, tokens.count - 1)] }

    mutating func advance() -> ObjectiveToken {
        let token = current
        if position < tokens.count - 1 { position += 1 }
        return token
    }

    func error(_ message: String, at column: Int) -> RefvisError {
        RefvisError.usage("objective: \(message) at column \(column)")
    }

    func unexpected(_ token: ObjectiveToken? = nil) -> RefvisError {
        let token = token ?? current
        if case .end = token.kind { return error("unexpected end of expression", at: token.column) }
        return error("unexpected '\(token.text)'", at: token.column)
    }

    func isSymbol(_ token: ObjectiveToken, _ symbol: Character) -> Bool {
        if case .symbol(let s) = token.kind { return s == symbol }
        return false
    }

    mutating func expect(_ symbol: Character) throws {
        guard isSymbol(current, symbol) else { throw unexpected() }
        _ = advance()
    }

    // MARK: Arithmetic

    mutating func expression() throws -> Located {
        var left = try product()
        while isSymbol(current, "+") || isSymbol(current, "-") {
            let op = advance()
            let right = try product()
            let sign = isSymbol(op, "+") ? 1.0 : -1.0
            switch (left.value, right.value) {
            case let (.number(a), .number(b)): left = Located(value: .number(a + sign * b), column: left.column)
            case let (.objective(a), .number(b)): left = Located(value: .objective(a + sign * b), column: left.column)
            case let (.number(a), .objective(b)): left = Located(value: .objective(a + sign * b), column: left.column)
            case let (.objective(a), .objective(b)):
                left = Located(value: .objective(sign > 0 ? a + b : a - b), column: left.column)
            }
        }
        return left
    }

    mutating func product() throws -> Located {
        var left = try unary()
        while isSymbol(current, "*") || isSymbol(current, "/") {
            let op = advance()
            let right = try unary()
            if isSymbol(op, "*") {
                switch (left.value, right.value) {
                case let (.number(a), .number(b)): left = Located(value: .number(a * b), column: left.column)
                case let (.number(a), .objective(b)): left = Located(value: .objective(a * b), column: left.column)
                case let (.objective(a), .number(b)): left = Located(value: .objective(a * b), column: left.column)
                case (.objective, .objective):
                    throw error("cannot multiply two objectives (only by numbers)", at: op.column)
                }
            } else {
                guard case .number(let divisor) = right.value else {
                    throw error("cannot divide by an objective (only by numbers)", at: op.column)
                }
                guard divisor != 0 else { throw error("division by zero", at: op.column) }
                switch left.value {
                case .number(let a): left = Located(value: .number(a / divisor), column: left.column)
                case .objective(let a): left = Located(value: .objective(a / divisor), column: left.column)
                }
            }
        }
        return left
    }

    mutating func unary() throws -> Located {
        depth += 1
        defer { depth -= 1 }
        guard depth <= ObjectiveParser.maximumNesting else {
            throw error("the expression nests more than \(ObjectiveParser.maximumNesting) levels deep", at: current.column)
        }
        if isSymbol(current, "-") || isSymbol(current, "+") {
            let op = advance()
            let operand = try unary()
            guard isSymbol(op, "-") else { return Located(value: operand.value, column: op.column) }
            switch operand.value {
            case .number(let a): return Located(value: .number(-a), column: op.column)
            case .objective(let a): return Located(value: .objective(-a), column: op.column)
            }
        }
        return try primary()
    }

    mutating func primary() throws -> Located {
        let token = current
        switch token.kind {
        case .number(let value, _):
            _ = advance()
            return Located(value: .number(value), column: token.column)
        case .symbol("("):
            _ = advance()
            let inner = try expression()
            try expect(")")
            return Located(value: inner.value, column: token.column)
        case .name(let name), .quoted(let name):
            if isSymbol(next, ":") { return try shorthand(layer: name, at: token.column) }
            if case .name = token.kind, isSymbol(next, "(") { return try call(name, at: token.column) }
            _ = advance()
            throw error("expected '(' or ':' after '\(token.text)'", at: current.column)
        default:
            throw unexpected()
        }
    }

    /// layer:channel, Lucid's `as_objective` string form of channel(layer, channel).
    mutating func shorthand(layer: String, at column: Int) throws -> Located {
        _ = advance()  // the layer
        _ = advance()  // ':'
        let token = advance()
        guard case .number(let value, true) = token.kind, let channel = Int(exactly: value) else {
            throw error("expected a channel number after '\(layer):'", at: token.column)
        }
        return Located(value: .objective(.channel(layer, channel)), column: column)
    }

    // MARK: Calls

    mutating func call(_ name: String, at column: Int) throws -> Located {
        guard let signature = ObjectiveCatalog.signature(named: name) else {
            let hint = ObjectiveCatalog.suggestion(for: name).map { "did you mean \($0)?" }
                ?? "known: " + ObjectiveCatalog.signatures.map(\.name).joined(separator: ", ")
            throw error("unknown objective '\(name)' (\(hint))", at: column)
        }
        _ = advance()  // the name
        try expect("(")
        var positional = [(ObjectiveArgument, ObjectiveToken)]()
        var keywords = [(String, ObjectiveArgument, ObjectiveToken)]()
        if !isSymbol(current, ")") {
            while true {
                if case .name(let keyword) = current.kind, isSymbol(next, "=") {
                    let keywordToken = advance()
                    _ = advance()
                    keywords.append((keyword, try argumentValue(), keywordToken))
                } else {
                    let start = current
                    let value = try argumentValue()
                    guard keywords.isEmpty else { throw error("positional argument after keyword argument", at: start.column) }
                    positional.append((value, start))
                }
                if isSymbol(current, ",") { _ = advance(); continue }
                break
            }
        }
        let closing = current
        try expect(")")
        return Located(value: .objective(try bind(signature, positional, keywords, closing: closing)), column: column)
    }

    /// A literal argument: a signed number, a list of numbers, a name or none.
    mutating func argumentValue() throws -> ObjectiveArgument {
        let token = current
        switch token.kind {
        case .name("none"):
            _ = advance()
            return .null
        case .name(let name), .quoted(let name):
            _ = advance()
            return .name(name)
        case .symbol("["):
            _ = advance()
            var values = [Double]()
            if !isSymbol(current, "]") {
                while true {
                    guard case .number(let value, _) = try signedNumber().kind else { throw unexpected() }
                    values.append(value)
                    if isSymbol(current, ",") { _ = advance(); continue }
                    break
                }
            }
            try expect("]")
            return .list(values)
        default:
            guard case .number(let value, let isInteger) = try signedNumber().kind else { throw unexpected(token) }
            return .number(value, isInteger: isInteger)
        }
    }

    /// A number with an optional sign, as a number token.
    mutating func signedNumber() throws -> ObjectiveToken {
        var sign = 1.0
        let start = current
        if isSymbol(current, "-") || isSymbol(current, "+") {
            sign = isSymbol(advance(), "-") ? -1 : 1
        }
        let token = current
        guard case .number(let value, let isInteger) = token.kind else { throw unexpected() }
        _ = advance()
        return ObjectiveToken(kind: .number(sign * value, isInteger: isInteger), column: start.column, text: token.text)
    }

    /// Matches arguments to parameters, checks their kinds and fills in defaults.
    func bind(_ signature: ObjectiveSignature, _ positional: [(ObjectiveArgument, ObjectiveToken)],
              _ keywords: [(String, ObjectiveArgument, ObjectiveToken)], closing: ObjectiveToken) throws -> Objective {
        let parameters = signature.parameters
        let accepted = (parameters.map(\.name) + ["batch"]).joined(separator: ", ")
        var values = [String: (ObjectiveArgument, ObjectiveToken)]()
        guard positional.count <= parameters.count else {
            throw error("\(signature.name) takes at most \(parameters.count) positional arguments (\(accepted)), got \(positional.count)",
                        at: positional[parameters.count].1.column)
        }
        for (parameter, argument) in zip(parameters, positional) { values[parameter.name] = argument }
        var batch: Int?
        for (keyword, value, token) in keywords {
            if keyword == "batch" {
                guard batch == nil else { throw error("argument 'batch' given twice", at: token.column) }
                guard case .number(let v, true) = value, let index = Int(exactly: v), index >= 0 else {
                    throw error("\(signature.name): batch expects an image index >= 0, got \(ObjectiveCatalog.describe(value))", at: token.column)
                }
                batch = index
                continue
            }
            guard parameters.contains(where: { $0.name == keyword }) else {
                throw error("\(signature.name) has no argument '\(keyword)' (arguments: \(accepted))", at: token.column)
            }
            guard values[keyword] == nil else { throw error("argument '\(keyword)' given twice", at: token.column) }
            values[keyword] = (value, token)
        }
        var resolved = [String: ObjectiveArgument]()
        for parameter in parameters {
            guard let (value, token) = values[parameter.name] else {
                guard let fallback = parameter.defaultValue else {
                    throw error("\(signature.name): missing argument '\(parameter.name)' (arguments: \(accepted))", at: closing.column)
                }
                resolved[parameter.name] = fallback
                continue
            }
            guard fits(value, parameter.kind) else {
                throw error("\(signature.name): argument '\(parameter.name)' expects \(parameter.kind.description), got \(ObjectiveCatalog.describe(value))",
                            at: token.column)
            }
            resolved[parameter.name] = value
        }
        let objective = signature.build(ObjectiveArguments(values: resolved))
        return batch.map { objective.batch($0) } ?? objective
    }

    func fits(_ value: ObjectiveArgument, _ kind: ObjectiveParameterKind) -> Bool {
        switch (value, kind) {
        case (.name, .layer), (.name, .optionalLayer), (.null, .optionalLayer): return true
        case (.number(let v, true), .int), (.number(let v, true), .optionalInt): return Int(exactly: v) != nil
        case (.null, .optionalInt): return true
        case (.number, .double): return true
        case (.list, .vector), (.list, .optionalVector), (.null, .optionalVector): return true
        default: return false
        }
    }
}
