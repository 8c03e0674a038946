import PostgresNIO
import PostgresTestServer
import SelfieModelKitPostgres

let server = try await PostgresTestServer.shared()
let db = try await server.makeDatabase(prefix: "dbg")
do {
    try await withClient(db.ownerConfiguration) { client in
        try await PostgresSelfieModelStore(client: client).migrate()
    }
} catch {
    print(String(reflecting: error))
}
