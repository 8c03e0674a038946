extension MigrationSQL {
    /// The table of the shared rate budget: one row per `RateBucket` name, not per user.
    static let rateBudgetTable = "rate_budget_buckets"

    /// The SQLSTATE the permit function raises when the caller's clock is too far from the database's.
    static let clockSkewState = "SK002"

    /// The rate budget's functions with their argument types, for `REVOKE`/`GRANT`.
    static let rateBudgetFunctionSignatures = [
        "selfie_system_take_rate_permit(text, bigint, bigint, bigint, bigint)",
        "selfie_system_pause_rate_bucket(text, bigint)",
    ]

    /// Version 9: the shared rate budget of ``PostgresRateBudgetStore``.
    ///
    /// The table holds no user's data and has no per-user policy: row-level security is ENABLED and FORCED
    /// with a policy for the system role only, so the owner and runtime roles can neither read nor write it
    /// directly (as with `webhook_receipts`). Two SECURITY DEFINER functions owned by the system role are
    /// the only way in, each one statement's worth of work under the bucket's row lock: take a permit
    /// (generic cell rate algorithm on integer nanoseconds, the same arithmetic as
    /// `InMemoryRateBudgetStore`), and extend a pause.
    var rateBudget: [String] {
        let table = Self.rateBudgetTable
        return systemOnlyTable(
            table,
            privileges: "SELECT, INSERT, UPDATE",
            creating: [
                """
                CREATE TABLE IF NOT EXISTS \(table) (
                    bucket text PRIMARY KEY,
                    theoretical_arrival_ns bigint,
                    paused_until_ns bigint,
                    CONSTRAINT \(table)_bucket_length CHECK (length(bucket) BETWEEN 1 AND 200)
                )
                """
            ],
            functions: [Self.takeRatePermit, Self.pauseRateBucket],
            signatures: Self.rateBudgetFunctionSignatures)
    }

    /// Takes one permit, or answers how many nanoseconds to wait (0 means granted).
    ///
    /// `SELECT … FOR UPDATE` locks the bucket's row, so concurrent callers on any connection decide one
    /// after another on the row as the previous one left it. A new bucket is inserted already holding its
    /// first permit; when another caller inserted it first, `ON CONFLICT DO NOTHING` waits for that
    /// caller's commit and the second `SELECT … FOR UPDATE` (a new snapshot under READ COMMITTED) finds
    /// its row (under a stricter isolation level, where that row may be invisible, the call fails with a
    /// serialization error instead of granting). A pause is kept after it ends (it is compared with `now`
    /// every time), so a caller whose clock lags can never get a permit inside another caller's pause. A
    /// refusal writes nothing.
    ///
    /// With `p_max_skew_ns` set, a `p_now_ns` further than that from the database's clock is refused with
    /// ``clockSkewState`` before anything is read: one instance with a wrong clock would otherwise push the
    /// bucket's arrival time (and so every instance's next permit) as far as its clock is wrong.
    private static let takeRatePermit = """
        CREATE OR REPLACE FUNCTION selfie_system_take_rate_permit(
            p_bucket text, p_now_ns bigint, p_interval_ns bigint, p_tolerance_ns bigint, p_max_skew_ns bigint)
        RETURNS bigint LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
        AS $fn$
        DECLARE
            v_row rate_budget_buckets;
            v_arrival bigint;
            v_skew_ns bigint;
        BEGIN
            IF p_interval_ns IS NULL OR p_interval_ns <= 0 OR p_tolerance_ns IS NULL OR p_tolerance_ns < 0
               OR p_now_ns IS NULL THEN
                RAISE EXCEPTION 'a rate permit needs a time, a positive interval and a non-negative tolerance'
                    USING ERRCODE = '22023';
            END IF;
            IF p_max_skew_ns IS NOT NULL THEN
                v_skew_ns := p_now_ns - (extract(epoch FROM clock_timestamp()) * 1000000000)::bigint;
                IF abs(v_skew_ns) > p_max_skew_ns THEN
                    RAISE EXCEPTION 'the rate budget''s clock is % ms from the database''s (at most % ms allowed)',
                        v_skew_ns / 1000000, p_max_skew_ns / 1000000
                        USING ERRCODE = '\(clockSkewState)';
                END IF;
            END IF;
            SELECT * INTO v_row FROM rate_budget_buckets WHERE bucket = p_bucket FOR UPDATE;
            IF NOT FOUND THEN
                INSERT INTO rate_budget_buckets (bucket, theoretical_arrival_ns)
                VALUES (p_bucket, p_now_ns + p_interval_ns)
                ON CONFLICT (bucket) DO NOTHING;
                IF FOUND THEN
                    RETURN 0;
                END IF;
                SELECT * INTO v_row FROM rate_budget_buckets WHERE bucket = p_bucket FOR UPDATE;
                IF NOT FOUND THEN
                    RAISE EXCEPTION 'the rate bucket % was inserted concurrently and is not visible', p_bucket
                        USING ERRCODE = '40001', HINT = 'Call again; this runs under READ COMMITTED.';
                END IF;
            END IF;
            IF v_row.paused_until_ns > p_now_ns THEN
                RETURN v_row.paused_until_ns - p_now_ns;
            END IF;
            v_arrival := greatest(v_row.theoretical_arrival_ns, p_now_ns);
            IF v_arrival - p_now_ns > p_tolerance_ns THEN
                RETURN v_arrival - p_now_ns - p_tolerance_ns;
            END IF;
            UPDATE rate_budget_buckets SET theoretical_arrival_ns = v_arrival + p_interval_ns
             WHERE bucket = p_bucket;
            RETURN 0;
        END
        $fn$
        """

    /// Grants nothing from the bucket before `p_until_ns`: extends an existing pause, never shortens it
    /// (`greatest` ignores a missing one). A new bucket is inserted with no permit taken yet.
    private static let pauseRateBucket = """
        CREATE OR REPLACE FUNCTION selfie_system_pause_rate_bucket(p_bucket text, p_until_ns bigint)
        RETURNS void LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp
        AS $fn$
            INSERT INTO rate_budget_buckets AS b (bucket, paused_until_ns) VALUES (p_bucket, p_until_ns)
            ON CONFLICT (bucket) DO UPDATE SET paused_until_ns = greatest(b.paused_until_ns, excluded.paused_until_ns)
        $fn$
        """
}
