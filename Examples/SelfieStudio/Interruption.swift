import Dispatch
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Turns Ctrl-C (`SIGINT`) and `SIGTERM` into cancellation of the running command, so that the command
/// can still save what it started: the store is closed and the in-process simulator's state written, and
/// a training or generation it started goes on where the next command can follow it.
///
/// Without it the signal ends the process at once, and on the in-process simulator the jobs of that run
/// would be lost with the simulator's unsaved state.
///
/// `@unchecked Sendable`: the sources are set once in `init` and only cancelled afterwards, which dispatch
/// sources allow from any thread; the received signal is behind a `Mutex`.
final class Interruption: @unchecked Sendable {
    private var sources: [any DispatchSourceSignal] = []
    private let received = Mutex<Int32?>(nil)

    /// The signals that interrupt a command.
    static let signals: [Int32] = [SIGINT, SIGTERM]

    /// Starts listening; `onSignal` runs on a background queue at the first signal. A second signal ends the
    /// process with that signal's default action.
    init(onSignal: @escaping @Sendable () -> Void) {
        for number in Self.signals {
            // The default action would end the process before the source sees the signal.
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [weak self] in
                guard let self else { return }
                let isFirst = received.withLock { received in
                    defer { received = received ?? number }
                    return received == nil
                }
                guard isFirst else {
                    // A second signal: the user does not want to wait for the shutdown.
                    signal(number, SIG_DFL)
                    raise(number)
                    return
                }
                onSignal()
            }
            source.resume()
            sources.append(source)
        }
    }

    /// The first signal received, if any.
    var receivedSignal: Int32? { received.withLock { $0 } }

    /// Stops listening and gives the signals their default action back.
    func stop() {
        for source in sources { source.cancel() }
        for number in Self.signals { signal(number, SIG_DFL) }
    }
}
