/// An RGB colour.
package struct RGB: Sendable, Hashable {
    package var r: UInt8
    package var g: UInt8
    package var b: UInt8

    package init(_ r: UInt8, _ g: UInt8, _ b: UInt8) {
        self.r = r
        self.g = g
        self.b = b
    }

    /// A colour from three bytes of `bytes` starting at `offset` (wrapping), lifted into a pleasant range.
    package init(bytes: [UInt8], offset: Int, floor: UInt8 = 40) {
        let span = 255 - Int(floor)
        func channel(_ index: Int) -> UInt8 {
            UInt8(Int(floor) + Int(bytes[(offset + index) % bytes.count]) * span / 255)
        }
        self.init(channel(0), channel(1), channel(2))
    }

    /// Linear mix of `self` and `other` (`t` = 0 is self).
    package func mixed(with other: RGB, _ t: Double) -> RGB {
        func lerp(_ a: UInt8, _ b: UInt8) -> UInt8 {
            UInt8(max(0, min(255, (Double(a) + (Double(b) - Double(a)) * t).rounded())))
        }
        return RGB(lerp(r, other.r), lerp(g, other.g), lerp(b, other.b))
    }
}

extension RGBImage {
    /// Sets one pixel (ignored outside the image).
    package mutating func set(_ x: Int, _ y: Int, _ color: RGB) {
        guard x >= 0, y >= 0, x < width, y < height else { return }
        let index = (y * width + x) * 3
        pixels[index] = color.r
        pixels[index + 1] = color.g
        pixels[index + 2] = color.b
    }

    /// Fills a rectangle, clipped to the image.
    package mutating func fillRect(x: Int, y: Int, width rectWidth: Int, height rectHeight: Int, _ color: RGB) {
        let x0 = max(0, x)
        let y0 = max(0, y)
        let x1 = min(width, x + rectWidth)
        let y1 = min(height, y + rectHeight)
        guard x0 < x1, y0 < y1 else { return }
        for row in y0..<y1 {
            var index = (row * width + x0) * 3
            for _ in x0..<x1 {
                pixels[index] = color.r
                pixels[index + 1] = color.g
                pixels[index + 2] = color.b
                index += 3
            }
        }
    }

    /// Fills an axis-aligned ellipse centred at (`cx`, `cy`) with radii `rx`, `ry`.
    package mutating func fillEllipse(cx: Double, cy: Double, rx: Double, ry: Double, _ color: RGB) {
        guard rx > 0, ry > 0 else { return }
        let y0 = max(0, Int(cy - ry))
        let y1 = min(height - 1, Int(cy + ry))
        guard y0 <= y1 else { return }
        for row in y0...y1 {
            let dy = (Double(row) + 0.5 - cy) / ry
            let span = 1 - dy * dy
            guard span > 0 else { continue }
            let half = rx * span.squareRoot()
            let start = Int((cx - half).rounded())
            let end = Int((cx + half).rounded())
            fillRect(x: start, y: row, width: end - start, height: 1, color)
        }
    }

    /// A vertical gradient from `top` to `bottom` over the whole image.
    package mutating func fillVerticalGradient(_ top: RGB, _ bottom: RGB) {
        for row in 0..<height {
            let color = top.mixed(with: bottom, Double(row) / Double(max(1, height - 1)))
            fillRect(x: 0, y: row, width: width, height: 1, color)
        }
    }

    /// Draws `text` in the built-in 5x7 font, each font pixel `scale` pixels wide, top-left at (`x`, `y`).
    package mutating func drawText(_ text: String, x: Int, y: Int, scale: Int, _ color: RGB) {
        var cursor = x
        for character in text.uppercased() {
            let glyph = BitmapFont.glyph(character)
            for (row, bits) in glyph.enumerated() {
                for column in 0..<5 where bits & (0x10 >> UInt8(column)) != 0 {
                    fillRect(x: cursor + column * scale, y: y + row * scale, width: scale, height: scale, color)
                }
            }
            cursor += 6 * scale
        }
    }

    /// The width `text` takes in ``drawText(_:x:y:scale:_:)``.
    package static func textWidth(_ text: String, scale: Int) -> Int {
        max(0, text.count * 6 * scale - scale)
    }
}

/// A 5x7 bitmap font: capital letters, digits and a little punctuation.
private enum BitmapFont {
    static func glyph(_ character: Character) -> [UInt8] {
        glyphs[character] ?? glyphs["?"]!
    }

    static let glyphs: [Character: [UInt8]] = [
        "A": [0x0E, 0x11, 0x11, 0x1F, 0x11, 0x11, 0x11], "B": [0x1E, 0x11, 0x11, 0x1E, 0x11, 0x11, 0x1E],
        "C": [0x0E, 0x11, 0x10, 0x10, 0x10, 0x11, 0x0E], "D": [0x1E, 0x11, 0x11, 0x11, 0x11, 0x11, 0x1E],
        "E": [0x1F, 0x10, 0x10, 0x1E, 0x10, 0x10, 0x1F], "F": [0x1F, 0x10, 0x10, 0x1E, 0x10, 0x10, 0x10],
        "G": [0x0E, 0x11, 0x10, 0x17, 0x11, 0x11, 0x0F], "H": [0x11, 0x11, 0x11, 0x1F, 0x11, 0x11, 0x11],
        "I": [0x0E, 0x04, 0x04, 0x04, 0x04, 0x04, 0x0E], "J": [0x07, 0x02, 0x02, 0x02, 0x02, 0x12, 0x0C],
        "K": [0x11, 0x12, 0x14, 0x18, 0x14, 0x12, 0x11], "L": [0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x1F],
        "M": [0x11, 0x1B, 0x15, 0x15, 0x11, 0x11, 0x11], "N": [0x11, 0x11, 0x19, 0x15, 0x13, 0x11, 0x11],
        "O": [0x0E, 0x11, 0x11, 0x11, 0x11, 0x11, 0x0E], "P": [0x1E, 0x11, 0x11, 0x1E, 0x10, 0x10, 0x10],
        "Q": [0x0E, 0x11, 0x11, 0x11, 0x15, 0x12, 0x0D], "R": [0x1E, 0x11, 0x11, 0x1E, 0x14, 0x12, 0x11],
        "S": [0x0F, 0x10, 0x10, 0x0E, 0x01, 0x01, 0x1E], "T": [0x1F, 0x04, 0x04, 0x04, 0x04, 0x04, 0x04],
        "U": [0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x0E], "V": [0x11, 0x11, 0x11, 0x11, 0x11, 0x0A, 0x04],
        "W": [0x11, 0x11, 0x11, 0x15, 0x15, 0x15, 0x0A], "X": [0x11, 0x11, 0x0A, 0x04, 0x0A, 0x11, 0x11],
        "Y": [0x11, 0x11, 0x0A, 0x04, 0x04, 0x04, 0x04], "Z": [0x1F, 0x01, 0x02, 0x04, 0x08, 0x10, 0x1F],
        "0": [0x0E, 0x11, 0x13, 0x15, 0x19, 0x11, 0x0E], "1": [0x04, 0x0C, 0x04, 0x04, 0x04, 0x04, 0x0E],
        "2": [0x0E, 0x11, 0x01, 0x02, 0x04, 0x08, 0x1F], "3": [0x1F, 0x02, 0x04, 0x02, 0x01, 0x11, 0x0E],
        "4": [0x02, 0x06, 0x0A, 0x12, 0x1F, 0x02, 0x02], "5": [0x1F, 0x10, 0x1E, 0x01, 0x01, 0x11, 0x0E],
        "6": [0x06, 0x08, 0x10, 0x1E, 0x11, 0x11, 0x0E], "7": [0x1F, 0x01, 0x02, 0x04, 0x08, 0x08, 0x08],
        "8": [0x0E, 0x11, 0x11, 0x0E, 0x11, 0x11, 0x0E], "9": [0x0E, 0x11, 0x11, 0x0F, 0x01, 0x02, 0x0C],
        " ": [0, 0, 0, 0, 0, 0, 0], "-": [0, 0, 0, 0x1F, 0, 0, 0], ".": [0, 0, 0, 0, 0, 0x0C, 0x0C],
        ":": [0, 0x0C, 0x0C, 0, 0x0C, 0x0C, 0], "#": [0x0A, 0x0A, 0x1F, 0x0A, 0x1F, 0x0A, 0x0A],
        "/": [0x01, 0x01, 0x02, 0x04, 0x08, 0x10, 0x10], "?": [0x0E, 0x11, 0x01, 0x02, 0x04, 0, 0x04],
    ]
}
