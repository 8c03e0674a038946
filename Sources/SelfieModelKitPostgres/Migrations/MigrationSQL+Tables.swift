extension MigrationSQL {
    /// Version 1: the minimal `users` table, or, for a host's own table, a check that its key is text.
    var usersTable: [String] {
        if managedUsers {
            return [
                """
                CREATE TABLE IF NOT EXISTS \(users) (
                    \(usersKey) text PRIMARY KEY,
                    created_at timestamptz NOT NULL DEFAULT now(),
                    CONSTRAINT users_id_format CHECK (\(usersKey) ~ '^[a-z0-9]{1,40}$')
                )
                """
            ]
        }
        return [
            """
            DO $check$
            BEGIN
                IF NOT EXISTS (
                    SELECT 1 FROM information_schema.columns
                     WHERE table_schema = \(usersSchemaLiteral) AND table_name = \(usersTableLiteral)
                       AND column_name = \(usersKeyLiteral) AND data_type IN ('text', 'character varying')
                ) THEN
                    RAISE EXCEPTION 'SelfieModelKit needs the users table %.% with a text or varchar key column %',
                        \(usersSchemaLiteral), \(usersTableLiteral), \(usersKeyLiteral)
                        USING HINT = 'Create the table first, or configure the store with the managed users table.';
                END IF;
            END
            $check$
            """
        ]
    }

    /// Version 2: `user_models` (one per user) and `training_attempts`.
    var userModelsAndTrainingAttempts: [String] {
        [
            """
            CREATE TABLE IF NOT EXISTS user_models (
                id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                user_id text NOT NULL,
                replicate_model_id text NOT NULL,
                replicate_version_id text,
                trigger_word text NOT NULL,
                training_status text NOT NULL DEFAULT 'pending',
                training_progress double precision,
                failure_provider_error text,
                failure_user_message text,
                version_schema_json json,
                created_at timestamptz NOT NULL DEFAULT now(),
                updated_at timestamptz NOT NULL DEFAULT now(),
                completed_at timestamptz,
                CONSTRAINT user_models_user_id_key UNIQUE (user_id),
                CONSTRAINT user_models_user_id_fkey FOREIGN KEY (user_id)
                    REFERENCES \(users) (\(usersKey)) ON DELETE CASCADE,
                CONSTRAINT user_models_training_status_check
                    CHECK (training_status IN (\(Self.trainingStatuses))),
                CONSTRAINT user_models_completed_has_version
                    CHECK (training_status <> 'completed' OR replicate_version_id IS NOT NULL),
                CONSTRAINT user_models_version_format
                    CHECK (replicate_version_id IS NULL OR replicate_version_id ~ '^[0-9a-f]{64}$'),
                CONSTRAINT user_models_progress_range
                    CHECK (training_progress IS NULL OR (training_progress >= 0 AND training_progress <= 1)),
                CONSTRAINT user_models_failure_pair
                    CHECK ((failure_provider_error IS NULL) = (failure_user_message IS NULL)),
                CONSTRAINT user_models_trigger_word_derived CHECK (trigger_word = 'user' || user_id),
                CONSTRAINT user_models_model_name_derived
                    CHECK (replicate_model_id LIKE '%/' || user_id || '-selfie-lora')
            )
            """,
            """
            CREATE TABLE IF NOT EXISTS training_attempts (
                id uuid PRIMARY KEY,
                seq bigint GENERATED ALWAYS AS IDENTITY,
                user_id text NOT NULL,
                training_id text,
                status text NOT NULL,
                progress double precision,
                photo_count integer NOT NULL,
                archive_sha256 text NOT NULL,
                input_images_url text,
                output_version_id text,
                failure_provider_error text,
                failure_user_message text,
                created_at timestamptz NOT NULL,
                updated_at timestamptz NOT NULL,
                completed_at timestamptz,
                CONSTRAINT training_attempts_training_id_key UNIQUE (training_id),
                CONSTRAINT training_attempts_user_model_fkey FOREIGN KEY (user_id)
                    REFERENCES user_models (user_id) ON DELETE CASCADE,
                CONSTRAINT training_attempts_status_check CHECK (status IN (\(Self.jobStatuses))),
                CONSTRAINT training_attempts_photo_count_check CHECK (photo_count >= 0),
                CONSTRAINT training_attempts_progress_range
                    CHECK (progress IS NULL OR (progress >= 0 AND progress <= 1)),
                CONSTRAINT training_attempts_failure_pair
                    CHECK ((failure_provider_error IS NULL) = (failure_user_message IS NULL)),
                CONSTRAINT training_attempts_version_format
                    CHECK (output_version_id IS NULL OR output_version_id ~ '^[0-9a-f]{64}$')
            )
            """,
            """
            CREATE UNIQUE INDEX IF NOT EXISTS training_attempts_one_active
                ON training_attempts (user_id) WHERE status IN (\(Self.activeJobStatuses))
            """,
            """
            CREATE INDEX IF NOT EXISTS training_attempts_user_created
                ON training_attempts (user_id, created_at DESC, seq DESC)
            """,
        ]
    }

    /// Version 3: `generations` and `photos`.
    var generationsAndPhotos: [String] {
        [
            """
            CREATE TABLE IF NOT EXISTS generations (
                id uuid PRIMARY KEY,
                seq bigint GENERATED ALWAYS AS IDENTITY,
                user_id text NOT NULL,
                source text NOT NULL,
                look_id text,
                prompt text NOT NULL,
                seed bigint NOT NULL,
                request_body bytea NOT NULL,
                prediction_id text,
                status text NOT NULL,
                failure_provider_error text,
                failure_user_message text,
                created_at timestamptz NOT NULL,
                updated_at timestamptz NOT NULL,
                completed_at timestamptz,
                CONSTRAINT generations_prediction_id_key UNIQUE (prediction_id),
                CONSTRAINT generations_id_user_key UNIQUE (id, user_id),
                CONSTRAINT generations_user_id_fkey FOREIGN KEY (user_id)
                    REFERENCES \(users) (\(usersKey)) ON DELETE CASCADE,
                CONSTRAINT generations_source_check CHECK (source IN (\(Self.generationSources))),
                CONSTRAINT generations_status_check CHECK (status IN (\(Self.jobStatuses))),
                CONSTRAINT generations_failure_pair
                    CHECK ((failure_provider_error IS NULL) = (failure_user_message IS NULL))
            )
            """,
            """
            CREATE INDEX IF NOT EXISTS generations_user_created ON generations (user_id, created_at DESC, seq DESC)
            """,
            """
            CREATE TABLE IF NOT EXISTS photos (
                id uuid PRIMARY KEY,
                seq bigint GENERATED ALWAYS AS IDENTITY,
                user_id text NOT NULL,
                kind text NOT NULL,
                generation_id uuid,
                output_index integer,
                sha256 text NOT NULL,
                byte_count bigint NOT NULL,
                width integer NOT NULL,
                height integer NOT NULL,
                content_type text NOT NULL,
                is_favourite boolean NOT NULL DEFAULT false,
                created_at timestamptz NOT NULL,
                CONSTRAINT photos_user_id_fkey FOREIGN KEY (user_id)
                    REFERENCES \(users) (\(usersKey)) ON DELETE CASCADE,
                CONSTRAINT photos_generation_fkey FOREIGN KEY (generation_id, user_id)
                    REFERENCES generations (id, user_id) ON DELETE CASCADE,
                CONSTRAINT photos_kind_check CHECK (kind IN (\(Self.photoKinds))),
                CONSTRAINT photos_generation_output_key UNIQUE (generation_id, output_index),
                CONSTRAINT photos_sizes_check CHECK (byte_count >= 0 AND width >= 0 AND height >= 0)
            )
            """,
            """
            CREATE INDEX IF NOT EXISTS photos_user_kind_created ON photos (user_id, kind, created_at, seq)
            """,
        ]
    }

    /// Version 4: delivered webhook ids, so a replayed delivery does nothing.
    var webhookReceipts: [String] {
        [
            """
            CREATE TABLE IF NOT EXISTS webhook_receipts (
                webhook_id text PRIMARY KEY,
                received_at timestamptz NOT NULL
            )
            """,
            """
            CREATE INDEX IF NOT EXISTS webhook_receipts_received_at ON webhook_receipts (received_at)
            """,
        ]
    }

    /// Version 5: leases on in-flight trainings and generations, so several instances never work the same
    /// job at once.
    var leases: [String] {
        ["training_attempts", "generations"].flatMap { table in
            [
                """
                ALTER TABLE \(table)
                    ADD COLUMN IF NOT EXISTS lease_holder text,
                    ADD COLUMN IF NOT EXISTS lease_expires_at timestamptz
                """,
                """
                ALTER TABLE \(table)
                    DROP CONSTRAINT IF EXISTS \(table)_lease_pair,
                    ADD CONSTRAINT \(table)_lease_pair CHECK ((lease_holder IS NULL) = (lease_expires_at IS NULL))
                """,
                """
                CREATE INDEX IF NOT EXISTS \(table)_in_flight
                    ON \(table) (created_at, seq) WHERE status IN (\(Self.activeJobStatuses))
                """,
            ]
        }
    }
}
