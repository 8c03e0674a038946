import Foundation

/// A `multipart/form-data` body (RFC 7578), as the Files API takes it.
struct MultipartFormData: Sendable {
    /// The boundary; random by default.
    let boundary: String
    private(set) var body = Data()

    init(boundary: String = Self.randomBoundary()) {
        self.boundary = boundary
    }

    /// A fresh random boundary.
    static func randomBoundary() -> String { "selfiemodelkit-" + UUID().uuidString.lowercased() }

    /// The `Content-Type` header value.
    var contentType: String { "multipart/form-data; boundary=\(boundary)" }

    /// Appends a part.
    mutating func append(name: String, filename: String? = nil, contentType: String? = nil, data: Data) {
        beginPart(name: name, filename: filename, contentType: contentType)
        body.append(data)
        endPart()
    }

    /// Appends a part's delimiter and headers; its content follows, then ``endPart()``. With
    /// ``takeBytes()`` in between, the content can come from elsewhere (a file) without being held here.
    mutating func beginPart(name: String, filename: String? = nil, contentType: String? = nil) {
        var head = "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(Self.escape(name))\""
        if let filename { head += "; filename=\"\(Self.escape(filename))\"" }
        head += "\r\n"
        if let contentType { head += "Content-Type: \(Self.escape(contentType))\r\n" }
        head += "\r\n"
        body.append(Data(head.utf8))
    }

    /// Ends the part begun last.
    mutating func endPart() {
        body.append(Data("\r\n".utf8))
    }

    /// Returns the bytes built so far and starts over empty (same boundary).
    mutating func takeBytes() -> Data {
        defer { body = Data() }
        return body
    }

    /// The finished body, closing delimiter included.
    func finished() -> Data {
        var result = body
        result.append(Data("--\(boundary)--\r\n".utf8))
        return result
    }

    /// Escapes a header parameter the way browsers do (HTML's form encoding): `"` and line breaks
    /// become percent escapes, so a file name cannot end the header or inject another one.
    static func escape(_ value: String) -> String {
        var result = ""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": result += "%22"
            case "\r": result += "%0D"
            case "\n": result += "%0A"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}
