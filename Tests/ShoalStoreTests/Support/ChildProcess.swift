import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The `shoal` executable run as a child process whose standard output is read line by line while
/// it runs, and which can be killed with `SIGKILL` at any moment.
final class ChildProcess {
    private(set) var pid: pid_t = 0
    private var outputFD: Int32 = -1
    private var buffer: [UInt8] = []
    /// Complete lines read so far.
    private(set) var lines: [String] = []
    private(set) var exitStatus: Int32?

    /// The built `shoal` executable (the test bundle and the products share one folder).
    static var executable: String {
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var folder = bundle.deletingLastPathComponent()
        while !FileManager.default.fileExists(atPath: folder.appendingPathComponent("shoal").path), folder.path != "/" {
            folder.deleteLastPathComponent()
        }
        return folder.appendingPathComponent("shoal").path
    }

    /// Starts `shoal` with `arguments`; standard error goes to /dev/null.
    init(_ arguments: [String]) throws {
        var pipeEnds: [Int32] = [0, 0]
        guard pipe(&pipeEnds) == 0 else { throw POSIXError(.EIO) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, pipeEnds[1], 1)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addclose(&actions, pipeEnds[0])
        let argv = ([ChildProcess.executable] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        let status = posix_spawn(&pid, ChildProcess.executable, &actions, nil, argv, environ)
        close(pipeEnds[1])
        guard status == 0 else {
            close(pipeEnds[0])
            throw POSIXError(POSIXErrorCode(rawValue: status) ?? .EIO)
        }
        outputFD = pipeEnds[0]
        _ = fcntl(outputFD, F_SETFL, fcntl(outputFD, F_GETFL) | O_NONBLOCK)
    }

    deinit {
        if exitStatus == nil { kill() }
        if outputFD >= 0 { close(outputFD) }
    }

    /// Reads what is available; returns false at end of output.
    @discardableResult
    func poll() -> Bool {
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let got = chunk.withUnsafeMutableBytes { read(outputFD, $0.baseAddress, $0.count) }
            if got > 0 {
                buffer += chunk[0..<got]
                while let newline = buffer.firstIndex(of: 10) {
                    lines.append(String(decoding: buffer[..<newline], as: UTF8.self))
                    buffer.removeSubrange(...newline)
                }
                continue
            }
            return got != 0
        }
    }

    /// Polls until `condition` holds, the output ends, or `limit` seconds pass.
    func wait(until condition: (ChildProcess) -> Bool, limit: Double = 30) {
        let deadline = Date().addingTimeInterval(limit)
        while !condition(self) && Date() < deadline {
            guard poll() else { return }
            usleep(100)
        }
    }

    /// Sends `SIGKILL`, waits for the child, and reads the rest of its output.
    func kill() {
        _ = Glibc.kill(pid, SIGKILL)
        waitForExit()
    }

    /// Waits for the child to exit and reads the rest of its output.
    func waitForExit() {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        exitStatus = status
        _ = fcntl(outputFD, F_SETFL, fcntl(outputFD, F_GETFL) & ~O_NONBLOCK)
        while poll() {}
    }

    /// The `acked FIRST LAST` lines, as pairs.
    var acknowledged: [(Int64, Int64)] {
        lines.compactMap { line in
            let parts = line.split(separator: " ")
            guard parts.count == 3, parts[0] == "acked", let first = Int64(parts[1]), let last = Int64(parts[2]) else {
                return nil
            }
            return (first, last)
        }
    }
}
