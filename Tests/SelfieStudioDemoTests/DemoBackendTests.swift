import Foundation
import PostgresNIO
import SelfieModelKitPostgresTesting
import SelfieModelKitValidation
import Testing

/// The demo on its other back ends: a throwaway PostgreSQL (`DATABASE_URL`) and `selfie-sim` over HTTP
/// (`REPLICATE_API_BASE_URL`).
@Suite("selfie-studio demo on PostgreSQL and over HTTP")
struct DemoBackendTests {
    @Test("the demo runs on PostgreSQL with a non-superuser role")
    func postgres() async throws {
        let server = try await PostgresTestServer.shared()
        let database = try await server.makeDatabase(prefix: "demo")
        let port = try await withRunningPostgresClient(database.superuserConfiguration) { client in
            let rows = try await client.query("SHOW port").collect()
            return try rows.first?.decode(String.self) ?? "5432"
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("demo-pg-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try Executable.run(
            "selfie-studio",
            arguments: ["demo", "--output", folder.appendingPathComponent("photos").path, "--data", folder.path],
            environment: [
                "DATABASE_URL":
                    "postgres://\(database.ownerRole):\(database.ownerPassword)@127.0.0.1:\(port)/\(database.name)"
                    + "?sslmode=disable",
                "REPLICATE_API_TOKEN": "",
            ])
        #expect(result.status == 0, "demo on PostgreSQL failed:\n\(result.output)")
        #expect(result.output.contains("Store:     PostgreSQL"))
        #expect(!result.output.contains(database.ownerPassword), "the password is redacted")
        #expect(result.output.contains("Result: COMPLIANT"))
    }

    @Test("the demo runs against selfie-sim over HTTP")
    func overHTTP() async throws {
        let simulator = try SimulatorProcess.start()
        defer { simulator.stop() }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("demo-http-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try Executable.run(
            "selfie-studio",
            arguments: ["demo", "--output", folder.appendingPathComponent("photos").path, "--data", folder.path],
            environment: [
                "REPLICATE_API_TOKEN": SimulatorProcess.token, "REPLICATE_API_BASE_URL": "\(simulator.baseURL)/v1",
                "DATABASE_URL": "", "PUBLIC_URL": "",
            ])
        #expect(result.status == 0, "demo over HTTP failed:\n\(result.output)")
        #expect(result.output.contains("Replicate: Replicate at \(simulator.baseURL)/v1"))
        #expect(result.output.contains("Result: COMPLIANT"))
        #expect(!result.output.contains(SimulatorProcess.token))
        let photos = try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("photos").path)
        #expect(photos.filter { $0.hasSuffix(".png") }.count == 6)
    }
}

/// `selfie-sim` started as a child process on a free port.
final class SimulatorProcess: @unchecked Sendable {
    static let token = "r8_demo_over_http_token"
    let process: Process
    let baseURL: String

    private init(process: Process, baseURL: String) {
        self.process = process
        self.baseURL = baseURL
    }

    static func start() throws -> SimulatorProcess {
        let process = Process()
        process.executableURL = try Executable.productsDirectory().appendingPathComponent("selfie-sim")
        process.arguments = ["--port", "0", "--owner", "sandrasocial", "--token", token, "--time-scale", "0.002"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        var buffer = Data()
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            buffer.append(chunk)
            let text = String(decoding: buffer, as: UTF8.self)
            if let range = text.range(of: "listening on ") {
                let url = text[range.upperBound...].prefix { !$0.isWhitespace }
                return SimulatorProcess(process: process, baseURL: String(url))
            }
        }
        process.terminate()
        throw CocoaError(.fileReadUnknown)
    }

    func stop() {
        process.terminate()
        process.waitUntilExit()
    }
}
