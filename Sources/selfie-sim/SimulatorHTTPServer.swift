import Foundation
import HTTPTypes
import NIOCore
import NIOHTTP1
import NIOPosix
import SelfieModelKitTesting

/// Serves a `SelfieModelKitTesting.ReplicateSimulator` over HTTP/1.1 on a real socket, with keep-alive.
struct SimulatorHTTPServer: Sendable {
    let simulator: ReplicateSimulator
    let host: String
    let port: Int

    /// Binds, reports the bound address through `onBound`, then serves until cancelled.
    func run(onBound: @Sendable (SocketAddress) async -> Void) async throws {
        let group = MultiThreadedEventLoopGroup.singleton
        let server = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .bind(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    return try NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>(
                        wrappingChannelSynchronously: channel)
                }
            }
        if let address = server.channel.localAddress { await onBound(address) }
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
                for try await part in inbound {
                    switch part {
                    case .head(let requestHead):
                        head = requestHead
                        body.clear()
                    case .body(var chunk):
                        body.writeBuffer(&chunk)
                    case .end:
                        guard let requestHead = head else { continue }
                        let bytes = body.readableBytes > 0 ? Data(body.readableBytesView) : nil
                        let (response, data) = try await answer(requestHead, body: bytes)
                        var headers = HTTPHeaders()
                        for field in response.headerFields where field.name != .contentLength {
                            headers.add(name: field.name.rawName, value: field.value)
                        }
                        headers.add(name: "Content-Length", value: String(data.count))
                        let keepAlive = requestHead.isKeepAlive
                        headers.add(name: "Connection", value: keepAlive ? "keep-alive" : "close")
                        let status = HTTPResponseStatus(statusCode: response.status.code)
                        try await outbound.write(
                            .head(HTTPResponseHead(version: requestHead.version, status: status, headers: headers)))
                        if requestHead.method != .HEAD {
                            try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: data))))
                        }
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

    private func answer(_ head: HTTPRequestHead, body: Data?) async throws -> (HTTPResponse, Data) {
        if head.uri == FaultsEndpoint.path || head.uri == FaultsEndpoint.countsPath {
            let method = HTTPRequest.Method(head.method.rawValue) ?? .get
            let (status, data) =
                head.uri == FaultsEndpoint.countsPath
                ? await FaultsEndpoint.counts(simulator: simulator)
                : await FaultsEndpoint.handle(method: method, body: body, simulator: simulator)
            let response = HTTPResponse(status: .init(code: status), headerFields: [.contentType: "application/json"])
            return (response, data)
        }
        var fields = HTTPFields()
        for header in head.headers {
            if let name = HTTPField.Name(header.name) { fields.append(HTTPField(name: name, value: header.value)) }
        }
        let authority = head.headers.first(name: "host") ?? "\(host):\(port)"
        let request = HTTPRequest(
            method: HTTPRequest.Method(head.method.rawValue) ?? .get, scheme: "http", authority: authority,
            path: head.uri, headerFields: fields)
        return try await simulator.send(request, body: body)
    }
}
