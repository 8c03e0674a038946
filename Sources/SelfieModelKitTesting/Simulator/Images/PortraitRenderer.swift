/// Draws the clearly synthetic "portraits" of the simulator: a head-and-shoulders figure whose colours
/// come from an identity (a hash), posed and lit by a variation seed, with a visible label.
package enum PortraitRenderer {
    private static let skinTones: [RGB] = [
        RGB(255, 219, 172), RGB(241, 194, 125), RGB(224, 172, 105), RGB(198, 134, 66), RGB(141, 85, 36),
        RGB(92, 56, 28),
    ]

    /// Renders a portrait.
    /// - Parameters:
    ///   - identity: at least 16 bytes; the same identity always gives the same person (skin, hair,
    ///     clothes, palette and the fingerprint bar along the top).
    ///   - variation: pose, background and pattern.
    ///   - label: drawn in a dark band along the bottom (for example `SIMULATED`).
    package static func render(
        width: Int, height: Int, identity: [UInt8], variation: UInt64, label: String, caption: String
    ) -> RGBImage {
        var random = SimulatorRandom(seed: variation)
        let unit = Double(min(width, height))
        let skin = skinTones[Int(identity[0]) % skinTones.count]
        let hair = RGB(bytes: identity, offset: 1, floor: 10).mixed(with: RGB(20, 12, 8), 0.55)
        let clothing = RGB(bytes: identity, offset: 4, floor: 30)
        let backgroundA = RGB(bytes: identity, offset: 7, floor: 90).mixed(
            with: RGB(bytes: identity, offset: 10), random.unit() * 0.5)
        let backgroundB = backgroundA.mixed(with: RGB(20, 20, 30), 0.35 + random.unit() * 0.3)

        var image = RGBImage(width: width, height: height)
        image.fillVerticalGradient(backgroundA, backgroundB)
        drawPattern(&image, color: backgroundA.mixed(with: RGB(255, 255, 255), 0.18), random: &random)

        let headX = Double(width) / 2 + (random.unit() - 0.5) * unit * 0.12
        let headY = Double(height) * (0.40 + (random.unit() - 0.5) * 0.06)
        let headRX = unit * (0.17 + random.unit() * 0.03)
        let headRY = headRX * 1.3
        image.fillRect(
            x: Int(headX - headRX * 0.38), y: Int(headY + headRY * 0.6), width: Int(headRX * 0.76),
            height: Int(Double(height) - headY), skin.mixed(with: RGB(0, 0, 0), 0.12))
        image.fillEllipse(
            cx: Double(width) / 2, cy: Double(height) + unit * 0.02, rx: unit * 0.48, ry: unit * 0.44, clothing)
        image.fillEllipse(
            cx: headX, cy: Double(height) - unit * 0.42, rx: headRX * 0.38, ry: unit * 0.05,
            skin.mixed(with: RGB(0, 0, 0), 0.12))
        image.fillEllipse(cx: headX, cy: headY - headRY * 0.18, rx: headRX * 1.14, ry: headRY * 1.0, hair)
        image.fillEllipse(cx: headX, cy: headY, rx: headRX, ry: headRY, skin)
        image.fillEllipse(cx: headX, cy: headY - headRY * 0.78, rx: headRX * 0.98, ry: headRY * 0.34, hair)
        let eyeY = headY - headRY * 0.08
        let eyeColor = RGB(bytes: identity, offset: 13, floor: 0).mixed(with: RGB(25, 25, 25), 0.6)
        for side in [-1.0, 1.0] {
            image.fillEllipse(
                cx: headX + side * headRX * 0.38, cy: eyeY, rx: headRX * 0.16, ry: headRY * 0.07, RGB(250, 250, 250))
            image.fillEllipse(
                cx: headX + side * headRX * 0.38, cy: eyeY, rx: headRX * 0.07, ry: headRY * 0.06, eyeColor)
        }
        image.fillRect(
            x: Int(headX - headRX * 0.3), y: Int(headY + headRY * 0.45), width: Int(headRX * 0.6),
            height: max(2, Int(headRY * 0.06)), RGB(170, 70, 80))

        drawFingerprint(&image, identity: identity)
        drawBanner(&image, label: label, caption: caption)
        return image
    }

    private static func drawPattern(_ image: inout RGBImage, color: RGB, random: inout SimulatorRandom) {
        let period = 24 + Int(random.next() % 40)
        let thickness = max(2, period / 4)
        let slope = Int(random.next() % 3) - 1
        for row in 0..<image.height {
            let shift = (row * slope) % period
            var column = ((period - shift) % period + period) % period
            while column < image.width {
                image.fillRect(x: column, y: row, width: thickness, height: 1, color)
                column += period
            }
        }
    }

    private static func drawFingerprint(_ image: inout RGBImage, identity: [UInt8]) {
        let blocks = 16
        let blockWidth = max(1, image.width / blocks)
        let barHeight = max(4, image.height / 48)
        for block in 0..<blocks {
            image.fillRect(
                x: block * blockWidth, y: 0, width: blockWidth, height: barHeight,
                RGB(bytes: identity, offset: block * 2, floor: 0))
        }
    }

    private static func drawBanner(_ image: inout RGBImage, label: String, caption: String) {
        let scale = max(2, image.width / 96)
        let captionScale = max(1, scale / 2)
        let bannerHeight = 7 * scale + 7 * captionScale + 4 * scale
        let top = image.height - bannerHeight
        image.fillRect(x: 0, y: top, width: image.width, height: bannerHeight, RGB(16, 16, 20))
        let labelWidth = RGBImage.textWidth(label, scale: scale)
        image.drawText(label, x: (image.width - labelWidth) / 2, y: top + scale, scale: scale, RGB(255, 64, 64))
        let captionWidth = RGBImage.textWidth(caption, scale: captionScale)
        image.drawText(
            caption, x: max(scale, (image.width - captionWidth) / 2), y: top + 9 * scale, scale: captionScale,
            RGB(230, 230, 230))
    }
}
