import Foundation

/// Where a request goes: scheme, authority and path (with query), as swift-http-types wants them.
struct RequestTarget: Sendable, Hashable {
    var scheme: String
    var authority: String
    var path: String

    /// Splits an absolute `http` or `https` URL; `nil` for anything else.
    init?(url: URL) {
        guard let components = URLComponents(url: url, resolvingAgainstBaseURL: false),
            let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https",
            let host = components.host, !host.isEmpty, components.user == nil, components.password == nil
        else { return nil }
        let bracketed = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
        self.scheme = scheme
        self.authority = components.port.map { "\(bracketed.lowercased()):\($0)" } ?? bracketed.lowercased()
        var path = components.percentEncodedPath
        if path.isEmpty { path = "/" }
        if let query = components.percentEncodedQuery { path += "?" + query }
        self.path = path
    }

    init(scheme: String, authority: String, path: String) {
        self.scheme = scheme
        self.authority = authority
        self.path = path
    }

    /// Whether `other` reaches the same server (scheme and authority).
    func isSameOrigin(as other: RequestTarget) -> Bool {
        scheme == other.scheme && authority == other.authority
    }
}
