import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Reads a pipe to its end with `read(2)`, retrying when a signal interrupts the call (EINTR):
/// Foundation's `readDataToEndOfFile()` traps on EINTR, which child processes' SIGCHLD can cause
/// while tests run in parallel.
/// ```
/// let (stdout, stderr) = PipeReader.readBoth(out, err)   // both drained, neither pipe can fill up
/// ```
public enum PipeReader {
    /// Everything the pipe's writers send until they close it.
    public static func readAll(_ pipe: Pipe) -> Data {
        let descriptor = pipe.fileHandleForReading.fileDescriptor
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count > 0 {
                data.append(contentsOf: buffer[0..<count])
            } else if count < 0 && errno == EINTR {
                continue
            } else {
                return data
            }
        }
    }

    /// Both pipes read to their ends at once (the second on another thread), so a child that
    /// fills one pipe while the other is being read cannot deadlock.
    public static func readBoth(_ first: Pipe, _ second: Pipe) -> (Data, Data) {
        let box = DataBox()
        let group = DispatchGroup()
        DispatchQueue.global().async(group: group) { box.data = readAll(second) }
        let firstData = readAll(first)
        group.wait()
        return (firstData, box.data)
    }

    private final class DataBox: @unchecked Sendable {
        var data = Data()
    }
}
