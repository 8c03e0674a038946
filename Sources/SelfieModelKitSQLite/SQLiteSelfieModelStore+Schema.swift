import GRDB

extension SQLiteSelfieModelStore {
    /// The versioned migrations. Each runs in a transaction and is recorded; never edit a shipped one,
    /// append a new one.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-selfie-model-store") { db in
            for statement in schemaV1 {
                try db.execute(sql: statement)
            }
        }
        migrator.registerMigration("v2-claim-turns") { db in
            for statement in schemaV2 {
                try db.execute(sql: statement)
            }
        }
        migrator.registerMigration("v3-user-erasures") { db in
            for statement in schemaV3 {
                try db.execute(sql: statement)
            }
        }
        return migrator
    }

    /// Version 3: the erasure tombstones. Deliberately without a foreign key to `users`: the tombstone
    /// outlives the user's rows, so an erased id is never silently reused and a late write is refused.
    static let schemaV3: [String] = [
        """
        CREATE TABLE user_erasures (
            user_id TEXT NOT NULL PRIMARY KEY,
            reason TEXT NOT NULL,
            started_at INTEGER NOT NULL,
            completed_at INTEGER
        ) STRICT
        """,
        "CREATE INDEX user_erasures_pending ON user_erasures (started_at) WHERE completed_at IS NULL",
    ]

    /// Version 2: the claim turn of each in-flight job, so claims give every job its turn (never-claimed
    /// jobs first, then those claimed longest ago) instead of serving the oldest jobs again and again.
    static let schemaV2: [String] = ["training_attempts", "generations"].flatMap { table in
        [
            "ALTER TABLE \(table) ADD COLUMN last_claim_turn INTEGER",
            """
            CREATE INDEX \(table)_claim_order ON \(table) (last_claim_turn, created_at)
            WHERE status IN \(activeStatuses)
            """,
        ]
    }

    static let jobStatuses = "('recorded', 'starting', 'processing', 'succeeded', 'failed', 'canceled')"
    static let activeStatuses = "('recorded', 'starting', 'processing')"

    static let schemaV1: [String] = [
        """
        CREATE TABLE users (
            id TEXT NOT NULL PRIMARY KEY,
            created_at INTEGER NOT NULL
        ) STRICT
        """,
        """
        CREATE TABLE user_models (
            user_id TEXT NOT NULL PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
            replicate_model_id TEXT NOT NULL CHECK (replicate_model_id LIKE '%/' || user_id || '-selfie-lora'),
            replicate_version_id TEXT CHECK (
                replicate_version_id IS NULL
                OR (length(replicate_version_id) = 64 AND replicate_version_id NOT GLOB '*[^0-9a-f]*')),
            trigger_word TEXT NOT NULL CHECK (trigger_word = 'user' || user_id),
            training_status TEXT NOT NULL
                CHECK (training_status IN ('pending', 'training', 'completed', 'failed', 'canceled')),
            training_progress REAL CHECK (training_progress IS NULL OR training_progress BETWEEN 0 AND 1),
            failure_provider_error TEXT,
            failure_user_message TEXT,
            version_schema_json TEXT,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL,
            completed_at INTEGER,
            CHECK (training_status <> 'completed' OR replicate_version_id IS NOT NULL),
            CHECK ((failure_provider_error IS NULL) = (failure_user_message IS NULL))
        ) STRICT
        """,
        """
        CREATE TABLE training_attempts (
            id TEXT NOT NULL PRIMARY KEY,
            user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            training_id TEXT UNIQUE,
            status TEXT NOT NULL CHECK (status IN \(jobStatuses)),
            progress REAL CHECK (progress IS NULL OR progress BETWEEN 0 AND 1),
            photo_count INTEGER NOT NULL CHECK (photo_count >= 0),
            archive_sha256 TEXT NOT NULL,
            input_images_url TEXT,
            output_version_id TEXT,
            failure_provider_error TEXT,
            failure_user_message TEXT,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL,
            completed_at INTEGER,
            lease_holder TEXT,
            lease_expires_at INTEGER,
            CHECK (status <> 'succeeded' OR output_version_id IS NOT NULL),
            CHECK ((failure_provider_error IS NULL) = (failure_user_message IS NULL)),
            CHECK ((lease_holder IS NULL) = (lease_expires_at IS NULL))
        ) STRICT
        """,
        "CREATE INDEX training_attempts_by_user ON training_attempts (user_id, created_at)",
        """
        CREATE UNIQUE INDEX training_attempts_one_active_per_user ON training_attempts (user_id)
        WHERE status IN \(activeStatuses)
        """,
        """
        CREATE INDEX training_attempts_in_flight ON training_attempts (created_at)
        WHERE status IN \(activeStatuses)
        """,
        """
        CREATE TABLE generations (
            id TEXT NOT NULL PRIMARY KEY,
            user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            source TEXT NOT NULL CHECK (source IN ('maya', 'photoshoot')),
            look_id TEXT,
            prompt TEXT NOT NULL,
            seed INTEGER NOT NULL,
            request_body BLOB NOT NULL,
            prediction_id TEXT UNIQUE,
            status TEXT NOT NULL CHECK (status IN \(jobStatuses)),
            failure_provider_error TEXT,
            failure_user_message TEXT,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL,
            completed_at INTEGER,
            lease_holder TEXT,
            lease_expires_at INTEGER,
            UNIQUE (id, user_id),
            CHECK ((failure_provider_error IS NULL) = (failure_user_message IS NULL)),
            CHECK ((lease_holder IS NULL) = (lease_expires_at IS NULL))
        ) STRICT
        """,
        "CREATE INDEX generations_by_user ON generations (user_id, created_at)",
        "CREATE INDEX generations_in_flight ON generations (created_at) WHERE status IN \(activeStatuses)",
        """
        CREATE TABLE photos (
            id TEXT NOT NULL PRIMARY KEY,
            user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            kind TEXT NOT NULL CHECK (kind IN ('selfie', 'generated')),
            generation_id TEXT,
            output_index INTEGER,
            sha256 TEXT NOT NULL,
            byte_count INTEGER NOT NULL CHECK (byte_count >= 0),
            width INTEGER NOT NULL,
            height INTEGER NOT NULL,
            content_type TEXT NOT NULL,
            is_favourite INTEGER NOT NULL DEFAULT 0 CHECK (is_favourite IN (0, 1)),
            created_at INTEGER NOT NULL,
            FOREIGN KEY (generation_id, user_id) REFERENCES generations (id, user_id) ON DELETE CASCADE
        ) STRICT
        """,
        "CREATE INDEX photos_by_user ON photos (user_id, kind, created_at)",
        "CREATE INDEX photos_by_generation ON photos (generation_id)",
        """
        CREATE TABLE webhook_receipts (
            webhook_id TEXT NOT NULL PRIMARY KEY,
            received_at INTEGER NOT NULL
        ) STRICT
        """,
        "CREATE INDEX webhook_receipts_by_time ON webhook_receipts (received_at)",
    ]
}
