#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// File-system helpers for the workload tools (POSIX only, no Foundation).
enum WorkloadFiles {
    /// Creates `path` and any missing parents (like `mkdir -p`).
    static func makeDirectory(_ path: String) throws(WorkloadError) {
        guard !path.isEmpty else { return }
        var prefix = path.hasPrefix("/") ? "/" : ""
        for component in path.split(separator: "/") {
            prefix += component
            if mkdir(prefix, 0o755) != 0 && errno != EEXIST {
                throw WorkloadError(.io, "cannot create the directory \(prefix): \(errnoText(errno))")
            }
            var info = stat()
            if stat(prefix, &info) == 0, info.st_mode & S_IFMT != S_IFDIR {
                throw WorkloadError(.io, "\(prefix) exists and is not a directory")
            }
            prefix += "/"
        }
    }

    /// Writes `text` to `path` atomically (a temporary file renamed over the target).
    static func write(_ text: String, to path: String) throws(WorkloadError) {
        do throws(DataFileError) {
            try AtomicFile.write(to: path) { (sink) throws(DataFileError) in try sink.append(Array(text.utf8)) }
        } catch {
            throw WorkloadError(.io, error.description)
        }
    }

    /// The whole file at `path`.
    static func read(_ path: String) throws(WorkloadError) -> [UInt8] {
        do throws(DataFileError) {
            let reader = try FileReader(path: path)
            return try reader.bytes(at: 0, count: reader.size)
        } catch {
            throw WorkloadError(error.code == .fileNotFound ? .invalidRunbook : .io, error.description)
        }
    }

    /// `directory/name`.
    static func join(_ directory: String, _ name: String) -> String {
        directory.hasSuffix("/") || directory.isEmpty ? directory + name : directory + "/" + name
    }
}
