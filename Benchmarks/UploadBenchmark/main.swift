// Peak memory of uploading a ~90 MB training archive through URLSessionTransport to a loopback sink:
// (a) the Data path (`Data(contentsOf:)` then `uploadFile(_:)`, what training did before) and (b) the
// file path (`uploadFile(contentsOf:)`, streamed from disk). Each is measured in a fresh child process
// of this program: the growth of its peak resident set (VmHWM in /proc/self/status) over the upload,
// after a small warm-up upload has loaded everything else. Linux only.
// Run in release: `swift run -c release UploadBenchmark [megabytes]`.

import Foundation
import SelfieModelKit
import SelfieModelKitReplicate

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif
#if canImport(Glibc)
    import Glibc
#endif

/// A field of /proc/self/status in bytes, such as `VmHWM` (peak resident set) or `VmRSS`.
func status(_ field: String) -> Int {
    let text = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
    for line in text.split(separator: "\n") where line.hasPrefix(field + ":") {
        let kilobytes = line.split(separator: " ").dropFirst().first { Int($0) != nil }.flatMap { Int($0) }
        return (kilobytes ?? 0) * 1024
    }
    return 0
}

func megabytes(_ bytes: Int) -> String { String(format: "%7.1f MB", Double(bytes) / 1_048_576) }

struct BenchmarkFailure: Error {
    let message: String
}

/// The Files API's answer, whatever was uploaded.
let fileJSON = Data(
    #"{"id":"f1","name":"selfies.zip","content_type":"application/zip","size":1,"urls":{"get":"http://x/v1/files/f1"}}"#
        .utf8)

/// An HTTP/1.1 sink on a loopback socket: reads each request's head, discards `Content-Length` bytes of
/// body in 64 KB reads, answers 201 with `fileJSON` and closes. Runs in the parent, outside what is measured.
enum SinkServer {
    /// Starts listening on an OS-chosen port and returns it.
    static func start() throws -> UInt16 {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ready = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(listener, $0, length) == 0 && listen(listener, 8) == 0 && getsockname(listener, $0, &length) == 0
            }
        }
        guard ready else { throw BenchmarkFailure(message: "the sink could not listen on 127.0.0.1") }
        Thread {
            while true {
                let client = accept(listener, nil, nil)
                guard client >= 0 else { return }
                Thread { serve(client) }.start()
            }
        }.start()
        return UInt16(bigEndian: address.sin_port)
    }

    private static func serve(_ client: Int32) {
        defer { close(client) }
        var buffer = [UInt8](repeating: 0, count: 65536)
        var head = Data()
        var bodyStart = 0
        while bodyStart == 0 {
            let count = read(client, &buffer, buffer.count)
            guard count > 0 else { return }
            head.append(contentsOf: buffer[0..<count])
            if let end = head.range(of: Data("\r\n\r\n".utf8)) { bodyStart = end.upperBound }
        }
        let fields = String(decoding: head[..<bodyStart], as: UTF8.self).lowercased()
        let declared = fields.split(separator: "\r\n").first { $0.hasPrefix("content-length:") }
        var remaining = (declared.flatMap { Int($0.dropFirst(15).trimmingCharacters(in: .whitespaces)) } ?? 0)
        remaining -= head.count - bodyStart
        while remaining > 0 {
            let count = read(client, &buffer, min(buffer.count, remaining))
            guard count > 0 else { return }
            remaining -= count
        }
        var response = Data(
            "HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nContent-Length: \(fileJSON.count)\r\nConnection: close\r\n\r\n"
                .utf8)
        response.append(fileJSON)
        _ = response.withUnsafeBytes { write(client, $0.baseAddress, $0.count) }
    }
}

/// In a child: uploads `file` once by `path` ("data" or "file") and prints `growth seconds`.
func child(path: String, file: URL, warmUp: URL, port: UInt16) async throws {
    let client = try ReplicateClient(
        token: APIToken("r8_upload_benchmark"), baseURL: URL(string: "http://127.0.0.1:\(port)/v1")!,
        transport: URLSessionTransport(timeout: 300))
    func upload(_ url: URL) async throws {
        if path == "data" {
            _ = try await client.uploadFile(
                try Data(contentsOf: url), filename: "selfies.zip", contentType: "application/zip")
        } else {
            _ = try await client.uploadFile(contentsOf: url, filename: "selfies.zip", contentType: "application/zip")
        }
    }
    try await upload(warmUp)
    let before = status("VmHWM")
    let start = ContinuousClock.now
    try await upload(file)
    let elapsed = ContinuousClock.now - start
    let after = status("VmHWM")
    print(after - before, before, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
}

/// Runs this program as a child measuring `path`; returns (growth, baseline, seconds).
func measure(_ path: String, file: URL, warmUp: URL, port: UInt16) throws -> (Int, Int, Double) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
    process.arguments = ["--child", path, file.path, warmUp.path, String(port)]
    let output = Pipe()
    process.standardOutput = output
    try process.run()
    let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    let fields = text.split(whereSeparator: \.isWhitespace)
    guard process.terminationStatus == 0, fields.count == 3, let growth = Int(fields[0]), let base = Int(fields[1]),
        let seconds = Double(fields[2])
    else { throw BenchmarkFailure(message: "the \(path) child failed: \(text)") }
    return (growth, base, seconds)
}

let arguments = CommandLine.arguments
if arguments.count == 6, arguments[1] == "--child", let port = UInt16(arguments[5]) {
    try await child(
        path: arguments[2], file: URL(fileURLWithPath: arguments[3]), warmUp: URL(fileURLWithPath: arguments[4]),
        port: port)
    exit(0)
}

let size = (arguments.count > 1 ? Int(arguments[1]) : nil).map { $0 << 20 } ?? 90 << 20
let directory = FileManager.default.temporaryDirectory.appendingPathComponent("upload-benchmark-\(getpid())")
try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: directory) }
let archive = directory.appendingPathComponent("selfies.zip")
let warmUp = directory.appendingPathComponent("warm-up.zip")
// Incompressible bytes, written in 1 MB pieces so the parent never holds the archive either.
guard FileManager.default.createFile(atPath: archive.path, contents: nil) else {
    throw BenchmarkFailure(message: "cannot create \(archive.path)")
}
let writer = try FileHandle(forWritingTo: archive)
var generator = SystemRandomNumberGenerator()
var piece = Data(count: 1 << 20)
for _ in 0..<(size >> 20) {
    piece.withUnsafeMutableBytes { raw in
        for index in raw.bindMemory(to: UInt64.self).indices {
            raw.storeBytes(of: generator.next(), toByteOffset: index * 8, as: UInt64.self)
        }
    }
    try writer.write(contentsOf: piece)
}
try writer.close()
try Data(repeating: 0x5A, count: 64 << 10).write(to: warmUp)

let sinkPort = try SinkServer.start()
print("Uploading a \(megabytes(size)) archive through URLSessionTransport to a loopback sink (one child process each):")
let streamed = try measure("file", file: archive, warmUp: warmUp, port: sinkPort)
let inMemory = try measure("data", file: archive, warmUp: warmUp, port: sinkPort)
for (label, (growth, base, seconds)) in [
    ("(a) Data path: Data(contentsOf:) + uploadFile(_:)", inMemory),
    ("(b) file path: uploadFile(contentsOf:)           ", streamed),
] {
    print(
        "\(label)  peak RSS growth \(megabytes(growth))  (baseline \(megabytes(base)), \(String(format: "%.2f", seconds)) s)"
    )
}
print(String(format: "ratio (a)/(b): %.1fx", Double(inMemory.0) / Double(max(streamed.0, 1))))
