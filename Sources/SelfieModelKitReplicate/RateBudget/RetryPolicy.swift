import Foundation
import HTTPTypes

/// When and how long the client waits before sending a request again.
///
/// Which requests may be repeated is fixed by the client, not by the policy: a `GET` after a 5xx or a
/// network failure; any request refused with 429; any request whose transport proved it never left
/// (`SelfieModelKit/HTTPTransportError/requestMayHaveBeenSent` is `false`). A `POST` that failed with
/// a 5xx or a network error after it may have reached Replicate is never repeated: it may have created
/// a training or a prediction already.
public struct RetryPolicy: Sendable {
    /// Attempts in all (the first included) for 5xx and network failures.
    public var maxAttempts: Int
    /// The total time a request may spend waiting on 429s before the 429 is reported. While it lasts,
    /// a 429 never reaches the caller.
    public var maxRateLimitWait: Duration
    /// The first backoff delay; each further attempt doubles it.
    public var baseDelay: Duration
    /// The longest single backoff delay.
    public var maxDelay: Duration
    /// A random number in `0..<1`, for jitter; injectable so tests are deterministic.
    public var random: @Sendable () -> Double

    /// Creates a policy.
    public init(
        maxAttempts: Int = 5, maxRateLimitWait: Duration = .seconds(300), baseDelay: Duration = .milliseconds(500),
        maxDelay: Duration = .seconds(30), random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }
    ) {
        self.maxAttempts = max(1, maxAttempts)
        self.maxRateLimitWait = maxRateLimitWait
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.random = random
    }

    /// The default policy: 5 attempts, up to 5 minutes of 429 waiting, 0.5 s doubling to 30 s.
    public static let `default` = RetryPolicy()

    /// The delay before attempt `attempt + 1` (attempt 1 is the first retry): exponential with "equal
    /// jitter", so it lies in `[d/2, d)` where `d = min(maxDelay, baseDelay × 2^(attempt-1))`.
    public func backoff(attempt: Int) -> Duration {
        let exponent = Double(max(0, attempt - 1))
        let full = min(maxDelay.seconds, baseDelay.seconds * pow(2, min(exponent, 30)))
        return .clampedSeconds(full / 2 + full / 2 * random())
    }

    /// The delay after a response that said how long to wait (`hint`), or the backoff when it said
    /// nothing. A hint gets up to 10 % (at most 1 s) of jitter on top, so many clients released by the
    /// same reset do not arrive in the same instant.
    public func delay(hint: Duration?, attempt: Int) -> Duration {
        guard let hint else { return backoff(attempt: attempt) }
        let jitter = min(1.0, hint.seconds * 0.1) * random()
        return .clampedSeconds(hint.seconds + jitter)
    }
}

/// Reads how long a response asks the caller to wait.
enum RetryHint {
    /// The longest of `Retry-After` (seconds or an HTTP date), `ratelimit-reset` (seconds) and, for a
    /// 429 body, Replicate's "resets in ~30s"; `nil` when none is present.
    static func wait(in response: HTTPResponse, body: Data, now: Date) -> Duration? {
        var hints: [Double] = []
        if let value = response.headerFields[.retryAfter]?.trimmingCharacters(in: .whitespaces) {
            if let seconds = Double(value) {
                hints.append(seconds)
            } else if let date = httpDate(value) {
                hints.append(date.timeIntervalSince(now))
            }
        }
        if let name = HTTPField.Name("ratelimit-reset"), let value = response.headerFields[name],
            let seconds = Double(value.trimmingCharacters(in: .whitespaces))
        {
            hints.append(seconds)
        }
        if response.status.code == 429, let seconds = secondsInThrottleBody(body) {
            hints.append(seconds)
        }
        guard let longest = hints.filter({ $0.isFinite && $0 >= 0 }).max() else { return nil }
        return .clampedSeconds(min(longest, 3600))
    }

    /// Reads `~30s` out of `{"detail":"Request was throttled. Your rate limit resets in ~30s."}`.
    static func secondsInThrottleBody(_ body: Data) -> Double? {
        guard body.count < 4096, let text = String(data: body, encoding: .utf8),
            let marker = text.range(of: "resets in ~")
        else { return nil }
        let digits = text[marker.upperBound...].prefix { $0.isNumber }
        guard !digits.isEmpty, text[marker.upperBound...].dropFirst(digits.count).first == "s" else { return nil }
        return Double(digits)
    }

    private static func httpDate(_ text: String) -> Date? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        return formatter.date(from: text)
    }
}
