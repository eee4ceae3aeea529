import Dispatch
import Synchronization

/// `[body(0), body(1), …, body(count − 1)]`, computed on up to `workers`
/// threads: the one way the library runs work in parallel.
///
/// Indices are handed out one at a time, in increasing order, to whichever
/// worker is free (so long and short items balance out), and each result is
/// kept at its own index. So when `body(i)` depends on i alone (its random
/// draws seeded by i, its BLAS calls on one thread), the result is bit-for-bit
/// the same for any number of workers.
///
/// Every index runs even when some throw; then the error of the lowest index
/// that threw is thrown, whichever failed first in time. With one worker, or at
/// most one index, the work runs on the calling thread.
func parallelMap<T: Sendable, E: Error>(count: Int, workers: Int,
                                        _ body: @Sendable (Int) throws(E) -> T) throws(E) -> [T] {
    precondition(count >= 0)
    @Sendable func outcome(_ index: Int) -> Result<T, E> {
        do throws(E) { return .success(try body(index)) } catch { return .failure(error) }
    }
    let workers = min(max(workers, 1), count)
    let outcomes: [Result<T, E>]
    if workers <= 1 {
        outcomes = (0..<count).map(outcome)
    } else {
        let state = Mutex((next: 0, outcomes: [Result<T, E>?](repeating: nil, count: count)))
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            while true {
                let index: Int? = state.withLock { state in
                    guard state.next < count else { return nil }
                    defer { state.next += 1 }
                    return state.next
                }
                guard let index else { return }
                let result = outcome(index)
                state.withLock { $0.outcomes[index] = result }
            }
        }
        outcomes = state.withLock { $0.outcomes.map { $0! } }
    }
    var values = [T]()
    values.reserveCapacity(count)
    for outcome in outcomes { values.append(try outcome.get()) }
    return values
}

/// A value handed to `parallelMap`'s workers that Swift cannot prove safe to
/// share: a workspace whose items each touch only their own part of its memory.
struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
