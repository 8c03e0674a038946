import Foundation

/// One part of a `multipart/form-data` body.
package struct MultipartPart: Sendable {
    package var name: String
    package var filename: String?
    package var contentType: String?
    package var data: Data
}

/// A `multipart/form-data` parser (RFC 7578), enough for the Files API.
package enum MultipartParser {
    /// The parts of `body`, or `nil` when the content type has no boundary or the body is malformed.
    package static func parse(_ body: Data, contentType: String) -> [MultipartPart]? {
        guard contentType.lowercased().hasPrefix("multipart/form-data"),
            let boundary = parameter("boundary", in: contentType)
        else { return nil }
        let bytes = [UInt8](body)
        let delimiter = Array("--\(boundary)".utf8)
        var positions: [Int] = []
        var index = 0
        while let found = find(delimiter, in: bytes, from: index) {
            positions.append(found)
            index = found + delimiter.count
        }
        guard positions.count >= 2 else { return nil }
        var parts: [MultipartPart] = []
        for (start, end) in zip(positions, positions.dropFirst()) {
            var partStart = start + delimiter.count
            if partStart + 1 < bytes.count, bytes[partStart] == 0x0D, bytes[partStart + 1] == 0x0A { partStart += 2 }
            var partEnd = end
            if partEnd >= 2, bytes[partEnd - 2] == 0x0D, bytes[partEnd - 1] == 0x0A { partEnd -= 2 }
            guard partStart <= partEnd else { return nil }
            let part = Array(bytes[partStart..<partEnd])
            guard let headerEnd = find([0x0D, 0x0A, 0x0D, 0x0A], in: part, from: 0) else { return nil }
            let headerText = String(decoding: part[..<headerEnd], as: UTF8.self)
            var name: String?
            var filename: String?
            var type: String?
            for line in headerText.components(separatedBy: "\r\n") {
                let pieces = line.split(separator: ":", maxSplits: 1).map {
                    $0.trimmingCharacters(in: .whitespaces)
                }
                guard pieces.count == 2 else { continue }
                switch pieces[0].lowercased() {
                case "content-disposition":
                    name = parameter("name", in: pieces[1])
                    filename = parameter("filename", in: pieces[1])
                case "content-type": type = pieces[1]
                default: break
                }
            }
            guard let name else { return nil }
            parts.append(
                MultipartPart(name: name, filename: filename, contentType: type, data: Data(part[(headerEnd + 4)...])))
        }
        return parts
    }

    private static func parameter(_ key: String, in header: String) -> String? {
        for piece in header.split(separator: ";") {
            let pair = piece.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2, pair[0].lowercased() == key else { continue }
            var value = pair[1]
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 {
                value = String(value.dropFirst().dropLast())
            }
            return value
        }
        return nil
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard !needle.isEmpty, haystack.count >= needle.count, start <= haystack.count - needle.count else {
            return nil
        }
        let first = needle[0]
        var index = start
        let last = haystack.count - needle.count
        while index <= last {
            if haystack[index] == first, Array(haystack[index..<(index + needle.count)]) == needle { return index }
            index += 1
        }
        return nil
    }
}

extension SimulatorEngine {
    static let maximumFileSize = 100 * 1024 * 1024

    func createFile(_ request: Request, owner: String) -> SimulatorResponse {
        let body = request.body ?? Data()
        guard body.count <= Self.maximumFileSize + 64 * 1024 else {
            return .problem(413, title: "Payload Too Large", detail: "The file exceeds the maximum size of 100 MB.")
        }
        guard let parts = MultipartParser.parse(body, contentType: request.header("content-type") ?? "") else {
            return .problem(
                400, title: "Bad Request", detail: "The request must be multipart/form-data with a \"content\" part.")
        }
        guard let content = parts.first(where: { $0.name == "content" }) else {
            return .validationFailed([
                InvalidField(type: "required", field: "(root)", description: "content is required")
            ])
        }
        guard content.data.count <= Self.maximumFileSize else {
            return .problem(413, title: "Payload Too Large", detail: "The file exceeds the maximum size of 100 MB.")
        }
        var metadata: JSONValue = [:]
        if let part = parts.first(where: { $0.name == "metadata" }) {
            guard let value = try? JSONValue.parse(part.data), value.objectValue != nil else {
                return .validationFailed([
                    InvalidField(type: "invalid_type", field: "metadata", description: "metadata must be a JSON object")
                ])
            }
            metadata = value
        }
        let typeOverride = parts.first { $0.name == "type" }.map { String(decoding: $0.data, as: UTF8.self) }
        let now = clock.now
        let file = FileRecord(
            id: newID(), owner: owner, name: content.filename ?? "file",
            contentType: typeOverride ?? content.contentType ?? "application/octet-stream", data: content.data,
            metadata: metadata, createdAt: now, expiresAt: now.addingTimeInterval(configuration.fileRetention),
            sha256: SimulatorHash.sha256Hex(content.data), md5: SimulatorHash.md5Hex(content.data))
        files[file.id] = file
        return .json(201, fileJSON(file))
    }

    /// The caller's unexpired file `id`, or nil ("not yours", "expired" and "missing" look the same).
    func visibleFile(_ id: String, owner: String) -> FileRecord? {
        guard let file = files[id], file.owner == owner, file.expiresAt > clock.now else { return nil }
        return file
    }

    func getFile(_ id: String, owner: String) -> SimulatorResponse {
        guard let file = visibleFile(id, owner: owner) else { return .notFound }
        return .json(200, fileJSON(file))
    }

    func downloadFile(_ id: String, owner: String) -> SimulatorResponse {
        guard let file = visibleFile(id, owner: owner) else { return .notFound }
        return SimulatorResponse(status: 200, headers: [("Content-Type", file.contentType)], body: file.data)
    }

    func deleteFile(_ id: String, owner: String) -> SimulatorResponse {
        guard visibleFile(id, owner: owner) != nil else { return .notFound }
        files[id] = nil
        return SimulatorResponse(status: 204)
    }

    func listFiles(owner: String) -> SimulatorResponse {
        let now = clock.now
        let mine = files.values.filter { $0.owner == owner && $0.expiresAt > now }
            .sorted { ($0.createdAt, $0.id) > ($1.createdAt, $1.id) }
        return .json(200, ["next": .null, "previous": .null, "results": .array(mine.map(fileJSON))])
    }

    func fileJSON(_ file: FileRecord) -> JSONValue {
        [
            "id": .string(file.id), "name": .string(file.name), "content_type": .string(file.contentType),
            "size": .int(file.data.count), "etag": .string(file.md5),
            "checksums": ["sha256": .string(file.sha256), "md5": .string(file.md5)], "metadata": file.metadata,
            "created_at": .string(SimulatorDate.string(file.createdAt)),
            "expires_at": .string(SimulatorDate.string(file.expiresAt)),
            "urls": ["get": .string("\(apiBase)/files/\(file.id)")],
        ]
    }

    /// Resolves a URL given as a job input to bytes, the way Replicate fetches inputs: the caller's own
    /// Files API uploads, `data:` URIs and the simulator's delivery URLs.
    func resolveInputURL(_ url: String, owner: String) -> Result<Data, TrainerFailure> {
        if url.hasPrefix("data:") {
            guard let comma = url.firstIndex(of: ","), url[..<comma].hasSuffix(";base64"),
                let data = Data(base64Encoded: String(url[url.index(after: comma)...]))
            else { return .failure(TrainerFailure("could not decode the data URI")) }
            return .success(data)
        }
        let filesPrefix = apiBase + "/files/"
        if url.hasPrefix(filesPrefix) {
            let rest = url.dropFirst(filesPrefix.count)
            let id = String(rest.split(separator: "/").first ?? "")
            guard let file = visibleFile(id, owner: owner) else {
                return .failure(TrainerFailure("404 Client Error: Not Found for url"))
            }
            return .success(file.data)
        }
        if url.hasPrefix(deliveryBase + "/") {
            let response = serveDelivery(String(url.dropFirst(deliveryBase.count + 1)), method: "GET")
            guard response.status == 200 else {
                return .failure(TrainerFailure("\(response.status) Client Error for url"))
            }
            return .success(response.body)
        }
        return .failure(TrainerFailure("the simulator cannot reach \(url.prefix(80))"))
    }
}
