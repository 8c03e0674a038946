import Foundation

extension URLComponents {
    /// The connection URL as text with its password replaced by `redacted`, and the value of every query
    /// item that names a password or a key (`password`, `sslpassword`, `sslkey`) redacted too. For the
    /// descriptions of `DATABASE_URL`-like values, so that they can be logged.
    package func redactedConnectionString(scheme: String) -> String {
        var text = scheme + "://"
        if let user = percentEncodedUser, !user.isEmpty {
            text += user
            if percentEncodedPassword != nil { text += ":redacted" }
            text += "@"
        } else if percentEncodedPassword != nil {
            text += ":redacted@"
        }
        text += percentEncodedHost ?? ""
        if let port { text += ":\(port)" }
        text += percentEncodedPath
        if let items = queryItems, !items.isEmpty {
            let shown = items.map { item -> String in
                let isSecret = item.name.lowercased().contains("password") || item.name.lowercased() == "sslkey"
                let shownValue = isSecret ? "redacted" : (item.value ?? "")
                return "\(item.name)=\(shownValue)"
            }
            text += "?" + shown.joined(separator: "&")
        }
        return text
    }
}
