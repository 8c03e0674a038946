import Foundation
import GRDB
import SelfieModelKit

/// One account: the user's id (what the library knows), their email and their bcrypt password hash.
public struct Account: Sendable, Hashable {
    /// The user's id, generated at sign-up; the library derives the model name and trigger word from it.
    public let userID: UserID
    /// The email the user signs in with, lowercased.
    public let email: String
    /// The bcrypt hash of the password (never the password).
    public let passwordHash: String
}

/// Where the host keeps accounts. SelfieModelKit keeps no passwords: authentication is the host's job.
public protocol AccountStore: Sendable {
    /// Adds an account; returns `false` when the email is taken.
    func create(_ account: Account) async throws -> Bool
    /// The account with this email.
    func account(email: String) async throws -> Account?
    /// The account with this user id.
    func account(userID: UserID) async throws -> Account?
    /// Deletes the account with this user id (its email and password hash); deleting a missing one does
    /// nothing.
    func delete(userID: UserID) async throws
}

/// Accounts in memory, for tests.
public actor InMemoryAccountStore: AccountStore {
    private var byEmail: [String: Account] = [:]

    /// An empty store.
    public init() {}

    public func create(_ account: Account) -> Bool {
        guard byEmail[account.email] == nil else { return false }
        byEmail[account.email] = account
        return true
    }

    public func account(email: String) -> Account? { byEmail[email] }

    public func account(userID: UserID) -> Account? { byEmail.values.first { $0.userID == userID } }

    public func delete(userID: UserID) {
        byEmail = byEmail.filter { $0.value.userID != userID }
    }
}

/// Accounts in an SQLite file (`accounts.sqlite`) beside the library's own database.
public final class SQLiteAccountStore: AccountStore {
    private let queue: DatabaseQueue

    /// Opens (creating when missing) `accounts.sqlite` in `directory`.
    public init(directory: URL) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        queue = try DatabaseQueue(path: directory.appendingPathComponent("accounts.sqlite").path)
        try queue.write { db in
            try db.execute(
                sql: """
                    CREATE TABLE IF NOT EXISTS accounts (
                        user_id TEXT NOT NULL PRIMARY KEY,
                        email TEXT NOT NULL UNIQUE,
                        password_hash TEXT NOT NULL
                    ) STRICT
                    """)
        }
    }

    /// Closes the database.
    public func close() throws { try queue.close() }

    public func create(_ account: Account) async throws -> Bool {
        try await queue.write { db in
            try db.execute(
                sql: "INSERT OR IGNORE INTO accounts (user_id, email, password_hash) VALUES (?, ?, ?)",
                arguments: [account.userID.rawValue, account.email, account.passwordHash])
            return db.changesCount == 1
        }
    }

    public func account(email: String) async throws -> Account? {
        try await fetch(sql: "SELECT user_id, email, password_hash FROM accounts WHERE email = ?", email)
    }

    public func account(userID: UserID) async throws -> Account? {
        try await fetch(sql: "SELECT user_id, email, password_hash FROM accounts WHERE user_id = ?", userID.rawValue)
    }

    public func delete(userID: UserID) async throws {
        try await queue.write { db in
            try db.execute(sql: "DELETE FROM accounts WHERE user_id = ?", arguments: [userID.rawValue])
        }
    }

    private func fetch(sql: String, _ value: String) async throws -> Account? {
        try await queue.read { db in
            guard let row = try Row.fetchOne(db, sql: sql, arguments: [value]) else { return nil }
            return Account(userID: try UserID(row[0]), email: row[1], passwordHash: row[2])
        }
    }
}
