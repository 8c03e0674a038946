import SelfieModelKit

/// A validated SQL identifier (a table, column or role name), safe to place in SQL text.
///
/// Values are bound as parameters; identifiers cannot be, so the few configurable names (the host's users
/// table and key, the system and runtime roles) are validated here: 1 to 63 bytes of lowercase ASCII letters,
/// digits and `_`, starting with a letter or `_`. They are always written double-quoted.
///
/// A string literal (`"users"`, or `SQLIdentifier("users")`, which Swift treats as a literal) is checked when
/// it is used and traps if invalid; validate names that come from configuration with the throwing
/// ``init(_:)`` on a `String` value.
public struct SQLIdentifier: Sendable, Hashable, CustomStringConvertible, ExpressibleByStringLiteral {
    /// The identifier as PostgreSQL stores it.
    public let name: String

    /// Validates `name`.
    /// - Throws: `SelfieModelKitError` with code `.configuration` when `name` is not a plain identifier.
    public init(_ name: String) throws {
        let bytes = Array(name.utf8)
        let isLetter: (UInt8) -> Bool = { ($0 >= 0x61 && $0 <= 0x7A) || $0 == 0x5F }
        let isDigit: (UInt8) -> Bool = { $0 >= 0x30 && $0 <= 0x39 }
        guard (1...63).contains(bytes.count), isLetter(bytes[0]), bytes.allSatisfy({ isLetter($0) || isDigit($0) })
        else {
            throw SelfieModelKitError(
                .configuration, rule: "postgres.identifier",
                userMessage:
                    "A PostgreSQL name in the store's configuration must be 1 to 63 lowercase letters, digits and "
                    + "underscores, starting with a letter or underscore.",
                detail: "rejected identifier: \(name.debugDescription.prefix(80))")
        }
        self.name = name
    }

    /// A literal identifier; invalid literals are a programming error and trap.
    public init(stringLiteral value: String) {
        do {
            try self.init(value)
        } catch {
            preconditionFailure("invalid SQL identifier literal \(value.debugDescription)")
        }
    }

    /// The identifier double-quoted, ready for SQL text.
    public var quoted: String { "\"\(name)\"" }

    /// The identifier as a single-quoted SQL string literal (for catalog lookups inside SQL text).
    var literal: String { "'\(name)'" }

    public var description: String { name }
}

/// A table name, optionally qualified by its schema.
public struct SQLTableName: Sendable, Hashable, CustomStringConvertible {
    /// The schema, or `nil` for the connection's search path (normally `public`).
    public let schema: SQLIdentifier?
    /// The table.
    public let table: SQLIdentifier

    /// Names `table` in `schema`.
    public init(schema: SQLIdentifier? = nil, table: SQLIdentifier) {
        self.schema = schema
        self.table = table
    }

    /// Parses `table` or `schema.table`, validating each part.
    public init(parsing string: String) throws {
        let parts = string.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        switch parts.count {
        case 1: self.init(table: try SQLIdentifier(parts[0]))
        case 2: self.init(schema: try SQLIdentifier(parts[0]), table: try SQLIdentifier(parts[1]))
        default:
            _ = try SQLIdentifier(string)
            preconditionFailure("unreachable: an identifier with dots never validates")
        }
    }

    /// The name quoted, ready for SQL text.
    public var quoted: String { schema.map { "\($0.quoted).\(table.quoted)" } ?? table.quoted }

    /// The schema used for catalog lookups: the given one, or `public`.
    var schemaForLookup: SQLIdentifier { schema ?? "public" }

    public var description: String { schema.map { "\($0.name).\(table.name)" } ?? table.name }
}
