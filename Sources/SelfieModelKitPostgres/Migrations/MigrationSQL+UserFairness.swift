extension MigrationSQL {
    /// The table of each user's place in line for a shared rate bucket.
    static let userTagTable = "rate_budget_user_tags"

    /// The per-user fair permit function with its argument types, for `REVOKE`/`GRANT`.
    static let userFairnessFunctionSignatures = [
        "selfie_system_take_user_fair_rate_permit(text, text, text[], bigint, bigint, bigint, bigint, bigint)"
    ]

    /// Version 13: one fair order of users across instances (ADR 0408).
    ///
    /// Start-time fair queuing per user, fleet-wide: `rate_budget_user_tags` keeps each user's virtual
    /// finish time per bucket, under the SHA-256 of the user's key (no user id in clear), and the bucket's
    /// row keeps the bucket's virtual time `v` (the start tag of the last permit). A user first named
    /// while waiting gets a row at `v`, which holds its place while `v` moves on; a user's next request
    /// starts at its finish, but never before `v - 1`, so a user back after a quiet spell banks at most one
    /// round of credit. A waiting user of an active instance never lags more than a round behind `v`, so
    /// rows whose finish is further behind belong to users who stopped waiting, and are pruned as permits
    /// go. Row-level security is FORCED with a policy for the system role only; one SECURITY DEFINER
    /// function is the only way in.
    var userFairness: [String] {
        let table = Self.userTagTable
        return systemOnlyTable(
            table,
            privileges: "SELECT, INSERT, UPDATE, DELETE",
            creating: [
                "ALTER TABLE \(Self.rateBudgetTable) ADD COLUMN IF NOT EXISTS virtual_time double precision NOT NULL DEFAULT 0",
                """
                CREATE TABLE IF NOT EXISTS \(table) (
                    bucket text NOT NULL,
                    user_hash bytea NOT NULL,
                    virtual_finish double precision NOT NULL,
                    PRIMARY KEY (bucket, user_hash),
                    CONSTRAINT \(table)_hash_length CHECK (octet_length(user_hash) = 32)
                )
                """,
                "CREATE INDEX IF NOT EXISTS \(table)_finish ON \(table) (bucket, virtual_finish)",
            ],
            functions: [Self.takeUserFairRatePermit],
            signatures: Self.userFairnessFunctionSignatures)
    }

    /// Statements for a table that holds no user's data and is reached only through SECURITY DEFINER
    /// functions of the system role: the table (`creating`), `privileges` for the system role, row-level
    /// security FORCED with a policy for the system role only, the `functions` created as the system role,
    /// and EXECUTE on them (`signatures`) for the migrating role alone.
    func systemOnlyTable(
        _ table: String, privileges: String, creating: [String], functions: [String], signatures: [String]
    ) -> [String] {
        var statements =
            creating + [
                "GRANT \(privileges) ON \(table) TO \(system)",
                "ALTER TABLE \(table) ENABLE ROW LEVEL SECURITY",
                "ALTER TABLE \(table) FORCE ROW LEVEL SECURITY",
                "DROP POLICY IF EXISTS \(table)_system ON \(table)",
                "CREATE POLICY \(table)_system ON \(table) TO \(system) USING (true) WITH CHECK (true)",
                "SET LOCAL ROLE \(system)",
            ]
        statements += functions
        for signature in signatures {
            statements.append("REVOKE ALL ON FUNCTION \(signature) FROM PUBLIC")
            statements.append("GRANT EXECUTE ON FUNCTION \(signature) TO SESSION_USER")
        }
        statements.append("RESET ROLE")
        return statements
    }

    /// Takes one permit for `p_instance`, whose waiting users' keys are `p_waiting` in its round-robin
    /// order, and answers how many nanoseconds to wait (`wait_ns`, 0 means granted) and which of them the
    /// permit serves (`serve`, 0-based; `NULL` when refused).
    ///
    /// Under the bucket's row lock (so every instance's decision on the bucket is taken one after another):
    /// a waiting user named for the first time is given a finish tag at the bucket's virtual time; each
    /// waiting user's start tag is its finish tag, but not before the virtual time less one round; the
    /// instance's head is the smallest (ties go to the round-robin order), and is written to its share row
    /// with the time it asked. When the head is more than one round (1.0) after the smallest head of the
    /// other instances seen within `p_active_ns`, the instance waits one interval, so no user is served a
    /// round ahead of a user waiting elsewhere; otherwise the ordinary permit function decides (the clock
    /// check included), and a granted permit moves the user's finish tag to its start plus one and the
    /// bucket's virtual time to that start.
    private static let takeUserFairRatePermit = """
        CREATE OR REPLACE FUNCTION selfie_system_take_user_fair_rate_permit(
            p_bucket text, p_instance text, p_waiting text[], p_now_ns bigint, p_interval_ns bigint,
            p_tolerance_ns bigint, p_max_skew_ns bigint, p_active_ns bigint, OUT wait_ns bigint, OUT serve integer)
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
        AS $fn$
        DECLARE
            v_count integer := coalesce(cardinality(p_waiting), 0);
            v_time double precision;
            v_head double precision;
            v_floor double precision;
            v_pick integer;
        BEGIN
            IF p_instance IS NULL OR length(p_instance) NOT BETWEEN 1 AND 200 OR v_count NOT BETWEEN 1 AND 1000
               OR array_position(p_waiting, NULL) IS NOT NULL OR p_now_ns IS NULL OR p_active_ns IS NULL
               OR p_active_ns <= 0 OR p_interval_ns IS NULL OR p_interval_ns <= 0 THEN
                RAISE EXCEPTION 'a fair rate permit needs an instance, 1 to 1000 waiting users, a time, a positive interval and window'
                    USING ERRCODE = '22023';
            END IF;
            SELECT virtual_time INTO v_time FROM rate_budget_buckets WHERE bucket = p_bucket FOR UPDATE;
            v_time := coalesce(v_time, 0);
            WITH named AS (
                SELECT w.ord::integer AS ord, t.virtual_finish AS finish, sha256(convert_to(w.k, 'UTF8')) AS hash
                  FROM unnest(p_waiting) WITH ORDINALITY AS w(k, ord)
                  LEFT JOIN rate_budget_user_tags t
                    ON t.bucket = p_bucket AND t.user_hash = sha256(convert_to(w.k, 'UTF8'))
            ), arrived AS (
                INSERT INTO rate_budget_user_tags (bucket, user_hash, virtual_finish)
                SELECT p_bucket, hash, v_time FROM named WHERE finish IS NULL
                ON CONFLICT (bucket, user_hash) DO NOTHING
            )
            SELECT ord, greatest(coalesce(finish, v_time), v_time - 1.0) INTO v_pick, v_head
              FROM named
             ORDER BY 2, 1
             LIMIT 1;
            SELECT min(virtual_finish) INTO v_floor FROM rate_budget_shares
             WHERE bucket = p_bucket AND instance <> p_instance AND seen_ns >= p_now_ns - p_active_ns;
            INSERT INTO rate_budget_shares AS s (bucket, instance, virtual_finish, waiting_users, seen_ns)
            VALUES (p_bucket, p_instance, v_head, v_count, p_now_ns)
            ON CONFLICT (bucket, instance) DO UPDATE
               SET virtual_finish = excluded.virtual_finish, waiting_users = excluded.waiting_users,
                   seen_ns = greatest(s.seen_ns, excluded.seen_ns);
            IF v_floor IS NOT NULL AND v_head > v_floor + 1.0 THEN
                wait_ns := p_interval_ns;
                RETURN;
            END IF;
            wait_ns := selfie_system_take_rate_permit(
                p_bucket, p_now_ns, p_interval_ns, p_tolerance_ns, p_max_skew_ns);
            IF wait_ns = 0 THEN
                INSERT INTO rate_budget_user_tags AS t (bucket, user_hash, virtual_finish)
                VALUES (p_bucket, sha256(convert_to(p_waiting[v_pick], 'UTF8')), v_head + 1.0)
                ON CONFLICT (bucket, user_hash) DO UPDATE SET virtual_finish = excluded.virtual_finish;
                UPDATE rate_budget_buckets SET virtual_time = greatest(virtual_time, v_head)
                 WHERE bucket = p_bucket;
                DELETE FROM rate_budget_user_tags WHERE ctid = ANY (ARRAY(
                    SELECT ctid FROM rate_budget_user_tags
                     WHERE bucket = p_bucket AND virtual_finish < greatest(v_time, v_head) - 1.0
                     LIMIT 16));
                serve := v_pick - 1;
            END IF;
        END
        $fn$
        """
}
