import Foundation
import ZIPFoundation

/// A message of the trainer's, as it appears in a failed training's `error`.
package struct TrainerFailure: Error, Sendable {
    package var message: String

    package init(_ message: String) { self.message = message }
}

/// The trainer's view of `input_images`: a zip of images with optional `.txt` captions.
package struct TrainingArchive: Sendable {
    /// The images: archive path and bytes, in archive order.
    package var images: [(path: String, data: Data)]
    /// How many captions were found.
    package var captionCount: Int

    static let imageExtensions: Set<String> = ["jpg", "jpeg", "png", "webp"]

    /// Reads a zip the way the trainer does; the error is the trainer's message.
    package static func read(_ data: Data) -> Result<TrainingArchive, TrainerFailure> {
        let archive: Archive
        do {
            archive = try Archive(data: data, accessMode: .read)
        } catch {
            return .failure(TrainerFailure("zipfile.BadZipFile: File is not a zip file"))
        }
        var images: [(String, Data)] = []
        var captions = 0
        for entry in archive where entry.type == .file {
            let path = entry.path
            let name = (path as NSString).lastPathComponent
            guard !path.hasPrefix("__MACOSX/"), !name.hasPrefix(".") else { continue }
            let fileExtension = (name as NSString).pathExtension.lowercased()
            if fileExtension == "txt" {
                captions += 1
                continue
            }
            guard imageExtensions.contains(fileExtension) else { continue }
            var bytes = Data()
            do {
                _ = try archive.extract(entry, consumer: { bytes.append($0) })
            } catch {
                return .failure(TrainerFailure("zipfile.BadZipFile: Bad CRC-32 for file '\(path)'"))
            }
            if !bytes.isEmpty { images.append((path, bytes)) }
        }
        guard !images.isEmpty else {
            return .failure(
                TrainerFailure(
                    "ValueError: No images found in input_images. The zip file must contain at least one image "
                        + "(.jpg, .jpeg, .png or .webp)."))
        }
        return .success(TrainingArchive(images: images, captionCount: captions))
    }

    /// The look a version trained on these images inherits.
    package func look(triggerWord: String) -> TrainingLook {
        let digests = images.map { SimulatorHash.sha256($0.data) }
        return TrainingLook(
            imageDigests: digests, identity: SimulatorHash.sha256(digests.flatMap { $0 }), triggerWord: triggerWord)
    }
}

/// The trained weights file: a `.tar` holding a small `lora.safetensors`, like the trainer's output.
package enum TrainedWeights {
    /// A tar archive with `lora.safetensors` whose header records the training's provenance.
    package static func tar(versionID: String, destination: String, triggerWord: String, rank: Int) -> Data {
        let tensor = [UInt8](repeating: 0, count: 64)
        let header: JSONValue = [
            "__metadata__": [
                "format": "pt", "simulator": "selfie-sim", "destination": .string(destination),
                "version": .string(versionID), "trigger_word": .string(triggerWord), "lora_rank": .string(String(rank)),
            ],
            "transformer.single_transformer_blocks.0.attn.to_q.lora_A.weight": [
                "dtype": "F32", "shape": [4, 4], "data_offsets": [0, 64],
            ],
        ]
        var headerBytes = [UInt8](header.encoded())
        while (headerBytes.count + 8) % 8 != 0 { headerBytes.append(0x20) }
        var safetensors = [UInt8]()
        var length = UInt64(headerBytes.count)
        for _ in 0..<8 {
            safetensors.append(UInt8(length & 0xFF))
            length >>= 8
        }
        safetensors += headerBytes + tensor
        return Data(
            tarEntry(name: "output/flux_train_replicate/lora.safetensors", contents: safetensors)
                + [UInt8](repeating: 0, count: 1024))
    }

    private static func tarEntry(name: String, contents: [UInt8]) -> [UInt8] {
        var header = [UInt8](repeating: 0, count: 512)
        func put(_ string: String, at offset: Int, length: Int) {
            for (index, byte) in string.utf8.prefix(length).enumerated() { header[offset + index] = byte }
        }
        put(name, at: 0, length: 100)
        put("0000644", at: 100, length: 8)
        put("0000000", at: 108, length: 8)
        put("0000000", at: 116, length: 8)
        put(String(format: "%011o", contents.count), at: 124, length: 12)
        put(String(format: "%011o", 1_767_225_600), at: 136, length: 12)
        put("        ", at: 148, length: 8)
        header[156] = UInt8(ascii: "0")
        put("ustar", at: 257, length: 6)
        put("00", at: 263, length: 2)
        let checksum = header.reduce(0) { $0 + Int($1) }
        put(String(format: "%06o", checksum), at: 148, length: 6)
        header[154] = 0
        header[155] = 0x20
        var padded = contents
        while padded.count % 512 != 0 { padded.append(0) }
        return header + padded
    }
}
