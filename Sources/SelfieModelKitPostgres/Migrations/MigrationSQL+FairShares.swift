extension MigrationSQL {
    /// The table of each instance's share of a shared rate bucket.
    static let fairShareTable = "rate_budget_shares"

    /// The fair-share permit function with its argument types, for `REVOKE`/`GRANT`.
    static let fairShareFunctionSignatures = [
        "selfie_system_take_fair_rate_permit(text, text, integer, bigint, bigint, bigint, bigint, bigint)"
    ]

    /// Version 12: fair shares of the shared rate budget between instances (ADR 0407).
    ///
    /// One row per bucket and instance: how many users wait in the instance, when it last asked, and its
    /// virtual finish time (start-time fair queuing: each permit costs an instance `1 / waiting users`). An
    /// instance more than one round ahead of the slowest instance that asked recently is told to wait, so
    /// the budget is shared by waiting users, not by instances. Like `rate_budget_buckets` it holds no
    /// user's data: row-level security is FORCED with a policy for the system role only, and one SECURITY
    /// DEFINER function is the only way in.
    var fairShares: [String] {
        let table = Self.fairShareTable
        return systemOnlyTable(
            table,
            privileges: "SELECT, INSERT, UPDATE, DELETE",
            creating: [
                """
                CREATE TABLE IF NOT EXISTS \(table) (
                    bucket text NOT NULL,
                    instance text NOT NULL,
                    virtual_finish double precision NOT NULL,
                    waiting_users integer NOT NULL,
                    seen_ns bigint NOT NULL,
                    PRIMARY KEY (bucket, instance),
                    CONSTRAINT \(table)_instance_length CHECK (length(instance) BETWEEN 1 AND 200),
                    CONSTRAINT \(table)_waiting CHECK (waiting_users >= 1)
                )
                """
            ],
            functions: [Self.takeFairRatePermit],
            signatures: Self.fairShareFunctionSignatures)
    }

    /// Takes one permit for `p_instance`, which has `p_waiting` users waiting, or answers how many
    /// nanoseconds to wait (0 means granted).
    ///
    /// Under the bucket's row lock (so every instance's decision on the bucket is taken one after another):
    /// the instance's share row is written (waiting users, last seen; an instance back after a quiet spell
    /// starts at the slowest active instance's virtual time, so it banks no credit while away); when it is
    /// more than one round (1.0) ahead of the slowest other instance seen within `p_active_ns`, it waits
    /// one interval; otherwise the ordinary permit function decides, and a granted permit moves the
    /// instance's virtual time on by `1 / waiting users`.
    private static let takeFairRatePermit = """
        CREATE OR REPLACE FUNCTION selfie_system_take_fair_rate_permit(
            p_bucket text, p_instance text, p_waiting integer, p_now_ns bigint, p_interval_ns bigint,
            p_tolerance_ns bigint, p_max_skew_ns bigint, p_active_ns bigint)
        RETURNS bigint LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
        AS $fn$
        DECLARE
            v_weight integer := greatest(coalesce(p_waiting, 1), 1);
            v_floor double precision;
            v_finish double precision;
            v_seen bigint;
            v_skew_ns bigint;
            v_wait bigint;
        BEGIN
            IF p_instance IS NULL OR length(p_instance) NOT BETWEEN 1 AND 200 OR p_now_ns IS NULL
               OR p_active_ns IS NULL OR p_active_ns <= 0 OR p_interval_ns IS NULL OR p_interval_ns <= 0 THEN
                RAISE EXCEPTION 'a fair rate permit needs an instance, a time, a positive interval and window'
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
            PERFORM 1 FROM rate_budget_buckets WHERE bucket = p_bucket FOR UPDATE;
            SELECT min(virtual_finish) INTO v_floor FROM rate_budget_shares
             WHERE bucket = p_bucket AND instance <> p_instance AND seen_ns >= p_now_ns - p_active_ns;
            SELECT virtual_finish, seen_ns INTO v_finish, v_seen FROM rate_budget_shares
             WHERE bucket = p_bucket AND instance = p_instance FOR UPDATE;
            IF NOT FOUND OR v_seen < p_now_ns - p_active_ns THEN
                v_finish := greatest(coalesce(v_finish, v_floor, 0), coalesce(v_floor, v_finish, 0));
            END IF;
            INSERT INTO rate_budget_shares AS s (bucket, instance, virtual_finish, waiting_users, seen_ns)
            VALUES (p_bucket, p_instance, v_finish, v_weight, p_now_ns)
            ON CONFLICT (bucket, instance) DO UPDATE
               SET virtual_finish = excluded.virtual_finish, waiting_users = excluded.waiting_users,
                   seen_ns = greatest(s.seen_ns, excluded.seen_ns);
            IF v_floor IS NOT NULL AND v_finish > v_floor + 1.0 THEN
                RETURN p_interval_ns;
            END IF;
            v_wait := selfie_system_take_rate_permit(p_bucket, p_now_ns, p_interval_ns, p_tolerance_ns, NULL);
            IF v_wait = 0 THEN
                UPDATE rate_budget_shares SET virtual_finish = virtual_finish + 1.0 / v_weight
                 WHERE bucket = p_bucket AND instance = p_instance;
            END IF;
            RETURN v_wait;
        END
        $fn$
        """
}
