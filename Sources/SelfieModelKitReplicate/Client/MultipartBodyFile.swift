import Foundation

/// Writes a multipart body to a temporary file: the head, a file's contents copied in bounded chunks,
/// and the tail, so a large upload is never held in memory whole.
enum MultipartBodyFile {
    /// The largest chunk held in memory while copying.
    static let chunkSize = 1 << 20

    /// Writes `head`, the contents of `source` and `tail` to a new file (mode 0600) in `directory` and
    /// returns its URL; the caller deletes it. Nothing is left behind when this throws.
    ///
    /// - Throws: ``ReplicateError`` `.localFile`, or `CancellationError` when the task is cancelled
    ///   while copying.
    static func write(
        head: Data, contentsOf source: URL, tail: Data,
        in directory: URL = FileManager.default.temporaryDirectory
    ) throws -> URL {
        let input: FileHandle
        do {
            input = try FileHandle(forReadingFrom: source)
        } catch {
            throw ReplicateError(
                .localFile, detail: "The file to upload (\(source.lastPathComponent)) could not be opened.")
        }
        defer { try? input.close() }

        let bodyFile = directory.appendingPathComponent("selfiemodelkit-upload-\(UUID().uuidString.lowercased())")
        guard
            FileManager.default.createFile(
                atPath: bodyFile.path, contents: nil, attributes: [.posixPermissions: 0o600])
        else {
            throw ReplicateError(
                .localFile, detail: "The upload's temporary body could not be created in \(directory.path).")
        }
        do {
            let output = try FileHandle(forWritingTo: bodyFile)
            defer { try? output.close() }
            try output.write(contentsOf: head)
            while let chunk = try input.read(upToCount: chunkSize), !chunk.isEmpty {
                try Task.checkCancellation()
                try output.write(contentsOf: chunk)
            }
            try output.write(contentsOf: tail)
        } catch {
            try? FileManager.default.removeItem(at: bodyFile)
            if error is CancellationError { throw error }
            throw ReplicateError(
                .localFile,
                detail:
                    "Copying \(source.lastPathComponent) into the upload's temporary body failed: \(type(of: error)).")
        }
        return bodyFile
    }
}
