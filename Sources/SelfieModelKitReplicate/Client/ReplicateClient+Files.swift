import Foundation
import HTTPTypes
import SelfieModelKit

extension ReplicateClient {
    /// Uploads a file through the Files API: `POST /files`, `multipart/form-data` with the file in the
    /// part `content`, and the optional parts `type` and `metadata` (JSON). Files expire after 24 hours;
    /// Replicate refuses more than 100 MB (413).
    ///
    /// The whole body is built in memory; for large files prefer
    /// ``uploadFile(contentsOf:filename:contentType:metadata:for:)``.
    ///
    /// - Returns: the file; pass its ``ReplicateFile/url`` as a model input (for example `input_images`).
    public func uploadFile(
        _ data: Data, filename: String, contentType: String, metadata: JSONValue? = nil, for user: UserID? = nil
    ) async throws -> ReplicateFile {
        try await upload(.data(data), filename: filename, contentType: contentType, metadata: metadata, for: user)
    }

    /// Uploads the file at `fileURL` through the Files API, streaming it from disk: the same request,
    /// byte for byte, as ``uploadFile(_:filename:contentType:metadata:for:)`` with the file's contents.
    ///
    /// The multipart body is written to a temporary file (the multipart head, the file copied in chunks
    /// of at most 1 MB, the closing parts) and sent with `HTTPTransport.send(_:bodyFile:)`, so memory use
    /// does not grow with the file on a transport that streams (`URLSessionTransport`,
    /// the AsyncHTTPClient transport). The temporary file is deleted when the call ends, whether it
    /// succeeds, fails or is cancelled. Retries and the rate budget are those of every other call: the
    /// `POST` is sent again only when it provably did not reach Replicate.
    ///
    /// `fileURL` is read once, before anything is sent (with blocking file I/O, in chunks that check for
    /// cancellation); it may change afterwards.
    ///
    /// - Throws: ``ReplicateError``: `.localFile` when `fileURL` cannot be read or the temporary body
    ///   cannot be written, otherwise as any call.
    public func uploadFile(
        contentsOf fileURL: URL, filename: String, contentType: String, metadata: JSONValue? = nil,
        for user: UserID? = nil
    ) async throws -> ReplicateFile {
        try await upload(.file(fileURL), filename: filename, contentType: contentType, metadata: metadata, for: user)
    }

    /// Where an upload's content comes from.
    enum UploadContent: Sendable {
        case data(Data)
        case file(URL)
    }

    /// Both overloads of `uploadFile`: one multipart layout, the content spliced in from memory or a file.
    func upload(
        _ content: UploadContent, filename: String, contentType: String, metadata: JSONValue?, for user: UserID?,
        boundary: String = MultipartFormData.randomBoundary()
    ) async throws -> ReplicateFile {
        var form = MultipartFormData(boundary: boundary)
        form.beginPart(name: "content", filename: filename, contentType: contentType)
        let head = form.takeBytes()
        form.endPart()
        form.append(name: "type", data: Data(contentType.utf8))
        if let metadata {
            form.append(name: "metadata", contentType: "application/json", data: Data(metadata.canonicalJSON().utf8))
        }
        let tail = form.finished()

        var upload = endpoint(.post, "/files")
        upload.contentType = form.contentType
        switch content {
        case .data(let data):
            var body = Data(capacity: head.count + data.count + tail.count)
            body.append(head)
            body.append(data)
            body.append(tail)
            upload.body = body
            return try await send(upload, for: user, as: ReplicateFile.self)
        case .file(let fileURL):
            let bodyFile = try MultipartBodyFile.write(head: head, contentsOf: fileURL, tail: tail)
            defer { try? FileManager.default.removeItem(at: bodyFile) }
            upload.bodyFile = bodyFile
            return try await send(upload, for: user, as: ReplicateFile.self)
        }
    }
}
