import Foundation

extension SimulatorEngine {
    /// How many results one page of a list endpoint holds, as at Replicate.
    static let listPageSize = 100

    /// Where a list page starts: after (older than) or before (newer than) one item's sort key.
    private enum PageCursor {
        case olderThan(Date, String)
        case newerThan(Date, String)

        /// The cursor as it travels in `?cursor=`: opaque to clients (base64url of the direction and the key).
        var token: String {
            let (direction, date, id) =
                switch self {
                case .olderThan(let date, let id): ("o", date, id)
                case .newerThan(let date, let id): ("n", date, id)
                }
            // The time's exact bits (as `Date` keeps it): a rounded time could put a page's last item on the
            // next page too, or skip one.
            let text = "\(direction)|\(String(date.timeIntervalSinceReferenceDate.bitPattern, radix: 16))|\(id)"
            return Data(text.utf8).base64EncodedString()
                .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
                .replacingOccurrences(of: "=", with: "")
        }

        init?(token: String) {
            var base64 = token.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
            while base64.count % 4 != 0 { base64 += "=" }
            guard let data = Data(base64Encoded: base64), let text = String(data: data, encoding: .utf8) else {
                return nil
            }
            let parts = text.split(separator: "|", maxSplits: 2, omittingEmptySubsequences: false)
            guard parts.count == 3, let bits = UInt64(parts[1], radix: 16), !parts[2].isEmpty else { return nil }
            let date = Date(timeIntervalSinceReferenceDate: Double(bitPattern: bits))
            switch parts[0] {
            case "o": self = .olderThan(date, String(parts[2]))
            case "n": self = .newerThan(date, String(parts[2]))
            default: return nil
            }
        }
    }

    /// One page of a list endpoint, as Replicate paginates: `{"previous": url|null, "next": url|null,
    /// "results": [...]}`, newest first, ``listPageSize`` a page. `next` and `previous` are absolute URLs on
    /// the API base with an opaque `cursor` query parameter (a position in the list, so items created
    /// meanwhile never shift a page); `next` is `null` on the last page and `previous` on the first.
    ///
    /// - Parameters:
    ///   - items: every item the caller may see, newest first by `(createdAt, id)`.
    ///   - key: an item's sort key.
    ///   - request: the list request (its `cursor` query parameter picks the page).
    ///   - path: the endpoint's path under the API base, such as `/predictions`.
    ///   - render: an item's JSON.
    func page<Item>(
        _ items: [Item], key: (Item) -> (Date, String), request: Request, path: String,
        render: (Item) -> JSONValue
    ) -> SimulatorResponse {
        let size = Self.listPageSize
        let slice: ArraySlice<Item>
        let token = URLComponents(string: request.url)?.queryItems?.last { $0.name == "cursor" }?.value
        if let token {
            guard let cursor = PageCursor(token: token) else {
                return .problem(400, title: "Invalid cursor", detail: "The cursor is not valid.")
            }
            switch cursor {
            case .olderThan(let date, let id):
                let start = items.firstIndex { key($0) < (date, id) } ?? items.endIndex
                slice = items[start..<min(start + size, items.endIndex)]
            case .newerThan(let date, let id):
                let end = items.firstIndex { key($0) <= (date, id) } ?? items.endIndex
                slice = items[max(items.startIndex, end - size)..<end]
            }
        } else {
            slice = items.prefix(size)
        }
        func link(_ cursor: PageCursor) -> JSONValue { .string("\(apiBase)\(path)?cursor=\(cursor.token)") }
        var next = JSONValue.null
        var previous = JSONValue.null
        if let last = slice.last, slice.endIndex < items.endIndex {
            let (date, id) = key(last)
            next = link(.olderThan(date, id))
        }
        if let first = slice.first, slice.startIndex > items.startIndex {
            let (date, id) = key(first)
            previous = link(.newerThan(date, id))
        }
        return .json(200, ["previous": previous, "next": next, "results": .array(slice.map(render))])
    }
}
