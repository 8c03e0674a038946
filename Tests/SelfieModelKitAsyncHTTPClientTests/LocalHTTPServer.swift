import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// A tiny HTTP/1.1 server on 127.0.0.1 with an OS-chosen port, for testing transports over real sockets.
///
/// Routes:
/// - `/echo…`: 200 with a JSON body describing the request (method, URI, headers, body as base64);
/// - `/status/NNN`: that status, a `Retry-After: 7` header and a problem body;
/// - `/bytes/N`: N bytes of `0x61`;
/// - `/v1/predictions/ID`: a prediction JSON for ID;
/// - `/early/…`: 413 as soon as the head arrives, the body unread, then the connection closed.
final class LocalHTTPServer: Sendable {
    private let channel: any Channel
    let port: Int

    private init(channel: any Channel) {
        self.channel = channel
        self.port = channel.localAddress?.port ?? 0
    }

    static func start() async throws -> LocalHTTPServer {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.pipeline.configureHTTPServerPipeline().flatMap {
                    channel.pipeline.addHandler(Handler())
                }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        return LocalHTTPServer(channel: channel)
    }

    func stop() async throws {
        try await channel.close()
    }

    private final class Handler: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart

        private var head: HTTPRequestHead?
        private var body = ByteBuffer()

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let head):
                self.head = head
                body.clear()
                if head.uri.hasPrefix("/early/") { refuseEarly(head, context: context) }
            case .body(var chunk):
                body.writeBuffer(&chunk)
            case .end:
                guard let head else { return }
                respond(to: head, context: context)
            }
        }

        /// Answers 413 as soon as the head arrives, without reading the body, and closes the connection.
        private func refuseEarly(_ head: HTTPRequestHead, context: ChannelHandlerContext) {
            let payload = ByteBuffer(string: #"{"detail":"File too large.","status":413}"#)
            let headers = HTTPHeaders([
                ("Content-Type", "application/json"), ("Content-Length", String(payload.readableBytes)),
                ("Connection", "close"),
            ])
            context.write(
                wrapOutboundOut(
                    .head(HTTPResponseHead(version: head.version, status: .payloadTooLarge, headers: headers))),
                promise: nil)
            context.write(wrapOutboundOut(.body(.byteBuffer(payload))), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            context.close(promise: nil)
            self.head = nil
        }

        private func respond(to head: HTTPRequestHead, context: ChannelHandlerContext) {
            var status = HTTPResponseStatus.ok
            var headers = HTTPHeaders([("Content-Type", "application/json")])
            var payload: [UInt8]
            if head.uri.hasPrefix("/echo") {
                let fields = Dictionary(head.headers.map { ($0.name.lowercased(), $0.value) }, uniquingKeysWith: { $1 })
                let echo: [String: String] = [
                    "method": head.method.rawValue, "uri": head.uri,
                    "authorization": fields["authorization"] ?? "", "user-agent": fields["user-agent"] ?? "",
                    "content-type": fields["content-type"] ?? "",
                    "content-length": fields["content-length"] ?? "",
                    "transfer-encoding": fields["transfer-encoding"] ?? "",
                    "body": Data(body.readableBytesView).base64EncodedString(),
                ]
                payload = Array(try! JSONEncoder().encode(echo))
            } else if head.uri.hasPrefix("/status/"), let code = Int(head.uri.dropFirst(8)) {
                status = HTTPResponseStatus(statusCode: code)
                headers.add(name: "Retry-After", value: "7")
                payload = Array(#"{"detail":"scripted failure","status":\#(code)}"#.utf8)
            } else if head.uri.hasPrefix("/bytes/"), let count = Int(head.uri.dropFirst(7)) {
                headers.replaceOrAdd(name: "Content-Type", value: "application/octet-stream")
                payload = Array(repeating: 0x61, count: count)
            } else if head.uri.hasPrefix("/v1/predictions/") {
                let id = head.uri.dropFirst("/v1/predictions/".count)
                let auth = head.headers.first(name: "authorization") ?? ""
                if auth != "Bearer r8_socket_test_token" {
                    status = .unauthorized
                    payload = Array(
                        #"{"title":"Unauthenticated","detail":"You did not pass a valid authentication token","status":401}"#
                            .utf8)
                } else {
                    payload = Array(
                        #"{"id":"\#(id)","status":"processing","created_at":"2025-07-16T10:00:00.5Z"}"#.utf8)
                }
            } else {
                status = .notFound
                payload = Array(#"{"detail":"The requested resource could not be found.","status":404}"#.utf8)
            }
            headers.add(name: "Content-Length", value: String(payload.count))
            context.write(
                wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: status, headers: headers))),
                promise: nil)
            context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: payload)))), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            self.head = nil
        }
    }
}
