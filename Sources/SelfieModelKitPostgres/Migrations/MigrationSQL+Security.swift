extension MigrationSQL {
    /// The policy expression: the row belongs to the user named by this transaction's `app.user_id`.
    ///
    /// `current_setting(…, true)` reads an unset setting as NULL, and a setting reset at the end of an
    /// earlier transaction as `''`; `NULLIF` turns `''` into NULL, and `user_id = NULL` is never true, so
    /// with no user set nothing is visible and nothing can be written.
    static let ownerExpression = "user_id = NULLIF(current_setting('app.user_id', true), '')"

    /// Version 6: the system role, its grants, and row-level security ENABLED and FORCED on every table,
    /// with per-user policies on the user-owned ones.
    var rowLevelSecurity: [String] {
        var statements = [
            """
            DO $role$
            BEGIN
                IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = \(systemLiteral)) THEN
                    BEGIN
                        CREATE ROLE \(system) NOLOGIN NOSUPERUSER NOBYPASSRLS;
                    EXCEPTION WHEN insufficient_privilege THEN
                        RAISE EXCEPTION 'SelfieModelKit needs the NOLOGIN role % and cannot create it', \(systemLiteral)
                            USING HINT = format(
                                'As a superuser run: CREATE ROLE %I NOLOGIN; GRANT %I TO %I; ALTER ROLE %I NOINHERIT;',
                                \(systemLiteral), \(systemLiteral), current_user, current_user);
                    WHEN duplicate_object OR unique_violation THEN
                        NULL;  -- created meanwhile by a migration of another database in the cluster
                    END;
                END IF;
                IF NOT pg_has_role(current_user, \(systemLiteral), 'MEMBER') THEN
                    BEGIN
                        EXECUTE format('GRANT %I TO %I', \(systemLiteral), current_user);
                    EXCEPTION WHEN insufficient_privilege THEN
                        RAISE EXCEPTION 'The migrating role % must be a member of %', current_user, \(systemLiteral)
                            USING HINT = format(
                                'As a superuser run: GRANT %I TO %I; ALTER ROLE %I NOINHERIT;',
                                \(systemLiteral), current_user, current_user);
                    END;
                END IF;
            END
            $role$
            """,
            "GRANT USAGE, CREATE ON SCHEMA public TO \(system)",
            "GRANT SELECT, INSERT, UPDATE, DELETE ON \(Self.storeTables.joined(separator: ", ")) TO \(system)",
        ]
        for table in Self.storeTables {
            statements += [
                "ALTER TABLE \(table) ENABLE ROW LEVEL SECURITY",
                "ALTER TABLE \(table) FORCE ROW LEVEL SECURITY",
                "DROP POLICY IF EXISTS \(table)_system ON \(table)",
                "CREATE POLICY \(table)_system ON \(table) TO \(system) USING (true) WITH CHECK (true)",
            ]
        }
        if managedUsers {
            // The library's own users table: each user sees only their own row (hosts guard their own table).
            let own = "\(usersKey) = NULLIF(current_setting('app.user_id', true), '')"
            statements += [
                "GRANT SELECT, INSERT, UPDATE, DELETE ON \(users) TO \(system)",
                "ALTER TABLE \(users) ENABLE ROW LEVEL SECURITY",
                "ALTER TABLE \(users) FORCE ROW LEVEL SECURITY",
                "DROP POLICY IF EXISTS users_system ON \(users)",
                "CREATE POLICY users_system ON \(users) TO \(system) USING (true) WITH CHECK (true)",
                "DROP POLICY IF EXISTS users_owner ON \(users)",
                "CREATE POLICY users_owner ON \(users) USING (\(own)) WITH CHECK (\(own))",
            ]
        }
        for table in Self.userOwnedTables {
            statements += [
                "DROP POLICY IF EXISTS \(table)_owner ON \(table)",
                """
                CREATE POLICY \(table)_owner ON \(table)
                    USING (\(Self.ownerExpression)) WITH CHECK (\(Self.ownerExpression))
                """,
            ]
        }
        return statements
    }
}
