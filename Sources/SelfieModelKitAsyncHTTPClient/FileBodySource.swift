import Foundation
import NIOCore
import NIOPosix
import SelfieModelKit

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A request body read from a file in chunks, on NIO's blocking-I/O thread pool, as AsyncHTTPClient asks
/// for them: at most a few chunks are in memory at a time, whatever the file's size.
///
/// The file is opened once, its size fixed at that moment (it becomes the `Content-Length`), and read
/// with `pread`, so no seek position is shared. ``close()`` may come while AsyncHTTPClient still holds
/// the sequence (a server can answer before it has read the whole body); reads and the close take the
/// same lock, so a read never touches a closed (or reused) descriptor.
final class FileBodySource: @unchecked Sendable {
    // `@unchecked` because `descriptor` is only read, and `isClosed` only touched, under `lock`.
    /// The size of one chunk.
    static let chunkSize = 256 << 10

    /// The file's size when it was opened.
    let size: Int64
    private let descriptor: CInt
    private let lock = NSLock()
    private var isClosed = false

    /// Opens the file at `url` for reading.
    /// - Throws: `HTTPTransportError` (not sent) when it is not a readable regular file.
    init(url: URL) throws {
        guard url.isFileURL else {
            throw HTTPTransportError(requestMayHaveBeenSent: false, reason: "the body file URL is not a file URL")
        }
        let fd = url.withUnsafeFileSystemRepresentation { path in
            path.map { open($0, O_RDONLY | O_CLOEXEC) } ?? -1
        }
        guard fd >= 0 else {
            throw HTTPTransportError(
                requestMayHaveBeenSent: false, reason: "the body file could not be opened (errno \(errno))")
        }
        var status = stat()
        guard fstat(fd, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else {
            _ = Self.closeDescriptor(fd)
            throw HTTPTransportError(requestMayHaveBeenSent: false, reason: "the body file is not a regular file")
        }
        descriptor = fd
        size = Int64(status.st_size)
    }

    deinit { close() }

    /// Closes the file; later reads fail.
    func close() {
        lock.withLock {
            guard !isClosed else { return }
            isClosed = true
            _ = Self.closeDescriptor(descriptor)
        }
    }

    /// The file's bytes, ``size`` of them, in chunks of at most ``chunkSize``.
    func chunks() -> Chunks { Chunks(source: self) }

    /// Reads up to `count` bytes at `offset`.
    private func read(at offset: Int64, count: Int) throws -> ByteBuffer {
        try lock.withLock {
            guard !isClosed else { throw FileBodyError(reason: "the body file was closed") }
            var buffer = ByteBufferAllocator().buffer(capacity: count)
            var failed = false
            let bytesRead = buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: count) { raw in
                var result: Int
                repeat {
                    result = pread(descriptor, raw.baseAddress, count, off_t(offset))
                } while result < 0 && errno == EINTR
                failed = result < 0
                return max(result, 0)
            }
            guard !failed, bytesRead > 0 else {
                throw FileBodyError(reason: "the body file ended early or could not be read")
            }
            return buffer
        }
    }

    private static func closeDescriptor(_ fd: CInt) -> CInt {
        #if canImport(Darwin)
            Darwin.close(fd)
        #elseif canImport(Musl)
            Musl.close(fd)
        #else
            Glibc.close(fd)
        #endif
    }

    /// The chunks of a ``FileBodySource``.
    struct Chunks: AsyncSequence, Sendable {
        typealias Element = ByteBuffer
        let source: FileBodySource

        func makeAsyncIterator() -> Iterator { Iterator(source: source) }

        /// Reads the next chunk on the thread pool.
        struct Iterator: AsyncIteratorProtocol {
            let source: FileBodySource
            var offset: Int64 = 0

            mutating func next() async throws -> ByteBuffer? {
                guard offset < source.size else { return nil }
                let count = Int(Swift.min(Int64(FileBodySource.chunkSize), source.size - offset))
                let (source, offset) = (self.source, self.offset)
                let chunk = try await NIOThreadPool.singleton.runIfActive {
                    try source.read(at: offset, count: count)
                }
                self.offset += Int64(chunk.readableBytes)
                return chunk
            }
        }
    }
}

/// Reading a body file failed while the request was under way.
struct FileBodyError: Error, Sendable {
    let reason: String
}
