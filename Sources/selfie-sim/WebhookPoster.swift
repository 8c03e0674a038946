import Foundation
import HTTPTypes
import SelfieModelKit
import SelfieModelKitTesting

/// Delivers the simulator's webhooks over HTTP, as Replicate does: one `POST` with the signed headers.
struct WebhookPoster: Sendable {
    let transport: URLSessionTransport

    init(timeout: TimeInterval = 10) {
        self.transport = URLSessionTransport(timeout: timeout)
    }

    func post(_ delivery: SimulatorWebhookDelivery) async throws -> Int {
        guard let url = URL(string: delivery.url), let scheme = url.scheme, let host = url.host else {
            throw HTTPTransportError(requestMayHaveBeenSent: false, reason: "invalid webhook URL")
        }
        var fields = HTTPFields()
        for header in delivery.headers {
            if let name = HTTPField.Name(header.name) { fields.append(HTTPField(name: name, value: header.value)) }
        }
        let authority = url.port.map { "\(host):\($0)" } ?? host
        var path = url.path.isEmpty ? "/" : url.path
        if let query = url.query { path += "?" + query }
        let request = HTTPRequest(method: .post, scheme: scheme, authority: authority, path: path, headerFields: fields)
        let (response, _) = try await transport.send(request, body: delivery.body)
        return response.status.code
    }
}
