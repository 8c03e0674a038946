extension MigrationSQL {
    /// The erasure functions with their argument types, for `REVOKE`/`GRANT`.
    static let userErasureFunctionSignatures = ["selfie_system_pending_user_erasures(integer)"]

    /// The tables added after version 6 that runtime roles need DML on (``storeTables`` is part of the
    /// shipped version 6 and stays as it was).
    static let laterStoreTables = ["user_erasures"]

    /// Version 14 (`user_erasures`): the erasure tombstones, under row-level security like every user-owned
    /// table, and one SECURITY DEFINER function through which the reconciler finds erasures a crash
    /// interrupted. The tombstone has no foreign key to the users table: it outlives the user's rows, so a
    /// late write for an erased id is refused and the id is never silently reused.
    var userErasures: [String] {
        var statements = [
            """
            CREATE TABLE IF NOT EXISTS user_erasures (
                user_id text PRIMARY KEY,
                reason text NOT NULL,
                started_at timestamptz NOT NULL,
                completed_at timestamptz
            )
            """,
            "CREATE INDEX IF NOT EXISTS user_erasures_pending ON user_erasures (started_at) WHERE completed_at IS NULL",
            "GRANT SELECT, INSERT, UPDATE, DELETE ON user_erasures TO \(system)",
            "ALTER TABLE user_erasures ENABLE ROW LEVEL SECURITY",
            "ALTER TABLE user_erasures FORCE ROW LEVEL SECURITY",
            "DROP POLICY IF EXISTS user_erasures_system ON user_erasures",
            "CREATE POLICY user_erasures_system ON user_erasures TO \(system) USING (true) WITH CHECK (true)",
            "DROP POLICY IF EXISTS user_erasures_owner ON user_erasures",
            """
            CREATE POLICY user_erasures_owner ON user_erasures
                USING (\(Self.ownerExpression)) WITH CHECK (\(Self.ownerExpression))
            """,
            "SET LOCAL ROLE \(system)",
            """
            CREATE OR REPLACE FUNCTION selfie_system_pending_user_erasures(p_limit integer)
            RETURNS SETOF user_erasures LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
            AS $fn$
                SELECT * FROM user_erasures WHERE completed_at IS NULL ORDER BY started_at, user_id LIMIT p_limit
            $fn$
            """,
        ]
        for signature in Self.userErasureFunctionSignatures {
            statements.append("REVOKE ALL ON FUNCTION \(signature) FROM PUBLIC")
            statements.append("GRANT EXECUTE ON FUNCTION \(signature) TO SESSION_USER")
        }
        statements.append("RESET ROLE")
        return statements
    }
}
