import Foundation
import Synchronization
import XCTest

/// The test helper that runs the tool: a child writing more than a pipe's
/// buffer (64 KiB) to standard error, and then to standard output, must not
/// hang it (reading standard output to its end first would wait forever).
final class ToolRunnerTests: XCTestCase {
    func testALargeStandardErrorBeforeStandardOutputDoesNotHang() throws {
        let finished = DispatchSemaphore(value: 0)
        let result = Mutex<ToolRunner.Run?>(nil)
        DispatchQueue.global().async {
            let run = try? ToolRunner.run(URL(fileURLWithPath: "/bin/sh"),
                                          ["-c", "head -c 1000000 /dev/zero | tr '\\0' e >&2; head -c 300000 /dev/zero | tr '\\0' o"])
            result.withLock { $0 = run }
            finished.signal()
        }
        guard finished.wait(timeout: .now() + 60) == .success else {
            return XCTFail("ToolRunner.run did not return within 60 s: the pipes deadlocked")
        }
        let run = try XCTUnwrap(result.withLock { $0 })
        XCTAssertEqual(run.status, 0)
        XCTAssertEqual(run.stderr.count, 1_000_000)
        XCTAssertEqual(run.stdout.count, 300_000)
        XCTAssertTrue(run.stderr.allSatisfy { $0 == "e" } && run.stdout.allSatisfy { $0 == "o" })
    }
}
