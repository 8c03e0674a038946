import Foundation
import PostgresNIO
import SelfieModelKit
import SelfieModelKitPostgres
import SelfieModelKitPostgresTesting
import Testing

@Suite("PostgreSQL migrations")
struct MigrationTests {
    @Test("a fresh database and one upgraded step by step end identical; running again changes nothing")
    func freshAndUpgradedAreIdentical() async throws {
        let versions = PostgresMigration.all(for: PostgresStoreConfiguration()).map(\.version)
        #expect(versions == Array(1...versions.count))

        let fresh = try await PostgresFixture.with("fresh", migrate: false) { fixture in
            let migrator = fixture.store.migrator
            #expect(try await migrator.migrate() == versions)
            #expect(try await migrator.migrate() == [])
            #expect(try await migrator.appliedVersions() == versions)
            return try await fixture.catalog()
        }
        let upgraded = try await PostgresFixture.with("upgraded", migrate: false) { fixture in
            for version in versions {
                // A new client per step, as separate deployments would have.
                let applied = try await withRunningPostgresClient(fixture.database.ownerConfiguration) { client in
                    let migrator = PostgresMigrator(client: client)
                    let applied = try await migrator.migrate(upTo: version)
                    #expect(try await migrator.migrate(upTo: version) == [])
                    return applied
                }
                #expect(applied == [version])
            }
            #expect(try await fixture.store.migrate() == [])
            return try await fixture.catalog()
        }
        #expect(fresh.count > 100)
        #expect(fresh == upgraded)
        for (left, right) in zip(fresh, upgraded) where left != right {
            Issue.record("catalogs differ: \(left) ≠ \(right)")
            break
        }
    }

    @Test("the schema has what the specification asks for")
    func schemaShape() async throws {
        try await PostgresFixture.with("shape") { fixture in
            let catalog = try await fixture.catalog()
            let text = catalog.joined(separator: "\n")
            #expect(text.contains("constraint user_models user_models_user_id_key UNIQUE (user_id)"))
            #expect(
                text.contains(
                    "constraint user_models user_models_user_id_fkey FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE CASCADE"
                ))
            #expect(
                text.contains(
                    "CHECK (((training_status <> 'completed'::text) OR (replicate_version_id IS NOT NULL)))"))
            for column in ["replicate_model_id", "replicate_version_id", "trigger_word", "training_status"] {
                #expect(text.contains("column user_models.\(column) "))
            }
            for table in ["user_models", "training_attempts", "generations", "photos", "webhook_receipts"] {
                #expect(text.contains("table \(table) owner=<owner> rls=true force=true"), "\(table)")
            }
            #expect(text.contains("function selfie_system_complete_training("))
            #expect(!text.contains("definer=true config= "), "every SECURITY DEFINER function pins search_path")
        }
    }

    @Test("the database refuses a completed model without a version, and unknown statuses")
    func checkConstraints() async throws {
        try await PostgresFixture.with("checks") { fixture in
            try await fixture.asSuperuser { client in
                try await client.query("INSERT INTO users (id) VALUES ('u1')")
                await #expect(throws: PSQLError.self) {
                    try await client.query(
                        """
                        INSERT INTO user_models (user_id, replicate_model_id, trigger_word, training_status)
                        VALUES ('u1', 'sandrasocial/u1-selfie-lora', 'useru1', 'completed')
                        """)
                }
                await #expect(throws: PSQLError.self) {
                    try await client.query(
                        """
                        INSERT INTO user_models (user_id, replicate_model_id, trigger_word, training_status)
                        VALUES ('u1', 'sandrasocial/u1-selfie-lora', 'useru1', 'done')
                        """)
                }
                await #expect(throws: PSQLError.self) {
                    try await client.query(
                        """
                        INSERT INTO user_models (user_id, replicate_model_id, trigger_word, training_status)
                        VALUES ('u1', 'sandrasocial/u2-selfie-lora', 'useru1', 'pending')
                        """)
                }
                try await client.query(
                    """
                    INSERT INTO user_models (user_id, replicate_model_id, trigger_word, training_status)
                    VALUES ('u1', 'sandrasocial/u1-selfie-lora', 'useru1', 'pending')
                    """)
                try await client.query("DELETE FROM users WHERE id = 'u1'")
                #expect(try await client.strings("SELECT count(*)::text FROM user_models") == ["0"])
            }
        }
    }

    @Test("identifiers in the configuration are validated")
    func identifiersAreValidated() throws {
        // Runtime strings: a literal argument would be taken as a (trapping) literal identifier instead.
        for bad in ["users; DROP TABLE x", "Users", "", "1users", String(repeating: "a", count: 64)] {
            #expect(throws: SelfieModelKitError.self) { try SQLIdentifier(bad) }
        }
        #expect(throws: SelfieModelKitError.self) { try SQLTableName(parsing: "a.b.c") }
        #expect(try SQLTableName(parsing: "auth.accounts").quoted == "\"auth\".\"accounts\"")
    }
}

extension PostgresFixture {
    /// The catalog of the database's `public` schema, one line per object, with the database's own owner
    /// role written `<owner>`: tables, columns, constraints, indexes, policies, functions, migrations.
    func catalog() async throws -> [String] {
        let lines = try await asSuperuser { client in
            try await client.stringsExplained(
                """
                SELECT line FROM (
                  SELECT 'table ' || c.relname || ' owner=' || pg_get_userbyid(c.relowner)
                         || ' rls=' || c.relrowsecurity || ' force=' || c.relforcerowsecurity
                         || ' kind=' || c.relkind::text || ' acl=' || coalesce(c.relacl::text, '') AS line
                    FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'S', 'v')
                  UNION ALL
                  SELECT 'column ' || table_name || '.' || column_name || ' #' || ordinal_position || ' ' || data_type
                         || ' null=' || is_nullable || ' default=' || coalesce(column_default, '')
                         || ' identity=' || is_identity
                    FROM information_schema.columns WHERE table_schema = 'public'
                  UNION ALL
                  SELECT 'constraint ' || conrelid::regclass || ' ' || conname || ' ' || pg_get_constraintdef(oid)
                    FROM pg_constraint WHERE connamespace = 'public'::regnamespace
                  UNION ALL
                  SELECT 'index ' || indexname || ' ' || indexdef FROM pg_indexes WHERE schemaname = 'public'
                  UNION ALL
                  SELECT 'policy ' || tablename || ' ' || policyname || ' ' || permissive || ' ' || roles::text
                         || ' ' || cmd || ' using=' || coalesce(qual, '') || ' check=' || coalesce(with_check, '')
                    FROM pg_policies WHERE schemaname = 'public'
                  UNION ALL
                  SELECT 'function ' || p.oid::regprocedure || ' owner=' || pg_get_userbyid(p.proowner)
                         || ' definer=' || p.prosecdef || ' config=' || coalesce(array_to_string(p.proconfig, ','), '')
                         || ' acl=' || coalesce(p.proacl::text, '') || ' source=' || md5(p.prosrc)
                    FROM pg_proc p WHERE p.pronamespace = 'public'::regnamespace
                  UNION ALL
                  SELECT 'schema public acl=' || coalesce(nspacl::text, '') FROM pg_namespace WHERE nspname = 'public'
                  UNION ALL
                  SELECT 'migration ' || version || ' ' || name || ' ' || checksum FROM selfie_model_migrations
                ) AS catalog ORDER BY line
                """)
        }
        return lines.map { $0.replacingOccurrences(of: database.ownerRole, with: "<owner>") }
    }
}

@Suite("PostgreSQL migrations: released versions never change")
struct MigrationChecksumTests {
    /// The checksums of the released migrations with the default configuration, as recorded in
    /// `selfie_model_migrations` by a database migrated at commit 667fa52. A changed statement in a released
    /// migration would make every existing database refuse to start, so a refactoring of the SQL builders
    /// must keep them byte for byte.
    static let released: [Int: Int64] = [
        1: 2_249_538_548, 2: 228_777_689, 3: 322_239_116, 4: 3_139_968_480, 5: 1_232_449_158,
        6: 2_955_155_657, 7: 119_936_353, 8: 1_371_282_830, 9: 515_091_981, 10: 2_215_034_927,
        11: 2_406_379_720, 12: 3_533_739_437,
    ]

    @Test("migrations 1 to 12 have the checksums they were released with")
    func releasedChecksums() {
        let migrations = PostgresMigration.all(for: PostgresStoreConfiguration())
        for (version, checksum) in Self.released {
            let migration = migrations.first { $0.version == version }
            #expect(migration?.checksum == checksum, "migration \(version) changed")
        }
        #expect(migrations.map(\.version) == Array(1...migrations.count), "versions are 1, 2, 3, … without gaps")
    }
}
