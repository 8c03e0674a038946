import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// One request as the fleet's host server hands it to its router.
struct FleetRequest: Sendable {
    /// `GET`, `POST`, …
    var method: String
    /// The path, without the query.
    var path: String
    /// The request's headers (names as sent).
    var headers: [(name: String, value: String)]
    /// The body, exactly as received.
    var body: Data

    /// The first value of header `name` (case-insensitive).
    func header(_ name: String) -> String? {
        headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }
}

/// What the router answers.
struct FleetResponse: Sendable {
    var status: Int
    var contentType: String
    var body: Data

    static func json(_ status: Int, _ object: Any) -> FleetResponse {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        return FleetResponse(status: status, contentType: "application/json", body: data)
    }
}

/// A small HTTP/1.1 server with keep-alive on a real loopback socket (SwiftNIO), for the fleet's hosts.
struct FleetHTTPServer: Sendable {
    let host: String
    let port: Int
    let maximumBodyBytes: Int
    let handler: @Sendable (FleetRequest) async -> FleetResponse

    /// Binds, reports the bound port through `onBound`, then serves until cancelled.
    func run(onBound: @Sendable (Int) async throws -> Void) async throws {
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 512)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .bind(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    return try NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>(
                        wrappingChannelSynchronously: channel)
                }
            }
        try await onBound(server.channel.localAddress?.port ?? port)
        try await server.executeThenClose { connections in
            try await withThrowingDiscardingTaskGroup { group in
                for try await connection in connections {
                    group.addTask { await serve(connection) }
                }
            }
        }
    }

    private func serve(_ connection: NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>) async {
        do {
            try await connection.executeThenClose { inbound, outbound in
                var head: HTTPRequestHead?
                var body = ByteBuffer()
                var tooLarge = false
                for try await part in inbound {
                    switch part {
                    case .head(let requestHead):
                        head = requestHead
                        body.clear()
                        tooLarge = false
                    case .body(var chunk):
                        if body.readableBytes + chunk.readableBytes > maximumBodyBytes {
                            tooLarge = true
                        } else {
                            body.writeBuffer(&chunk)
                        }
                    case .end:
                        guard let requestHead = head else { continue }
                        let response: FleetResponse
                        if tooLarge {
                            response = .json(413, ["error": "too-large"])
                        } else {
                            let path = String(requestHead.uri.split(separator: "?", maxSplits: 1).first ?? "/")
                            response = await handler(
                                FleetRequest(
                                    method: requestHead.method.rawValue, path: path,
                                    headers: requestHead.headers.map { ($0.name, $0.value) },
                                    body: Data(body.readableBytesView)))
                        }
                        var headers = HTTPHeaders()
                        headers.add(name: "Content-Type", value: response.contentType)
                        headers.add(name: "Content-Length", value: String(response.body.count))
                        let keepAlive = requestHead.isKeepAlive && !tooLarge
                        headers.add(name: "Connection", value: keepAlive ? "keep-alive" : "close")
                        try await outbound.write(
                            .head(
                                HTTPResponseHead(
                                    version: requestHead.version, status: .init(statusCode: response.status),
                                    headers: headers)))
                        try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: response.body))))
                        try await outbound.write(.end(nil))
                        head = nil
                        if !keepAlive { return }
                    }
                }
            }
        } catch {
            // The client went away mid-request; nothing to answer.
        }
    }
}
