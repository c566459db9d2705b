#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

#if !_endian(little)
#error("ShoalData copies file bytes straight into memory and assumes a little-endian host")
#endif

/// Read-only access to one regular file through a POSIX descriptor (open/fstat/pread).
///
/// Reads go straight into caller-provided memory in as few system calls as the kernel allows,
/// so a 500 MB file costs one pass and no intermediate copies.
struct FileReader: ~Copyable {
    let path: String
    /// The file size in bytes at open time.
    let size: Int
    private let descriptor: Int32

    init(path: String) throws(DataFileError) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            let code = errno
            if code == ENOENT || code == ENOTDIR {
                throw DataFileError(
                    code: .fileNotFound, path: path,
                    message: "no such file (\(errnoText(code))); check the path and the working directory \(currentDirectory())")
            }
            throw DataFileError(
                code: .unreadable, path: path,
                message: "cannot open the file for reading: \(errnoText(code)); check its permissions")
        }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let code = errno
            close(fd)
            throw DataFileError(code: .unreadable, path: path, message: "cannot inspect the file: \(errnoText(code))")
        }
        let kind = info.st_mode & S_IFMT
        guard kind == S_IFREG else {
            close(fd)
            let what = kind == S_IFDIR ? "a directory" : "not a regular file"
            throw DataFileError(
                code: .unreadable, path: path,
                message: "is \(what); pass the path of an .fvecs, .ivecs, .bvecs or .npy file")
        }
        self.path = path
        self.size = Int(info.st_size)
        self.descriptor = fd
    }

    deinit {
        close(descriptor)
    }

    /// Fills `buffer` with the file's bytes starting at `offset`.
    ///
    /// Throws `.unreadable` on an I/O error and `.truncated` if the file shrank since it was opened.
    func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int) throws(DataFileError) {
        guard let base = buffer.baseAddress else { return }
        var done = 0
        while done < buffer.count {
            let count = pread(descriptor, base + done, buffer.count - done, off_t(offset + done))
            if count > 0 {
                done += count
            } else if count == 0 {
                throw DataFileError(
                    code: .truncated, path: path, offset: offset + done,
                    message: "the file ended at byte offset \(offset + done) while reading \(buffer.count) bytes from offset \(offset); it was shortened while being read")
            } else if errno != EINTR {
                let code = errno
                throw DataFileError(
                    code: .unreadable, path: path, offset: offset + done,
                    message: "reading failed at byte offset \(offset + done): \(errnoText(code))")
            }
        }
    }

    /// Returns `count` bytes starting at `offset` (the caller checks that they exist).
    func bytes(at offset: Int, count: Int) throws(DataFileError) -> [UInt8] {
        try [UInt8].filled(capacity: count) { (buffer) throws(DataFileError) -> Int in
            try read(into: buffer, at: offset)
            return count
        }
    }

    /// Reads `count` elements stored at `offset` straight into a new array (one copy, from the kernel).
    func elements<Element: BitwiseCopyable>(_: Element.Type, count: Int, at offset: Int) throws(DataFileError) -> [Element] {
        try [Element].filled(capacity: count) { (buffer) throws(DataFileError) -> Int in
            try read(into: buffer, at: offset)
            return count
        }
    }
}

extension Array where Element: BitwiseCopyable {
    /// Creates an array of `capacity` uninitialized elements and lets `body` fill their bytes.
    ///
    /// `body` returns how many leading elements it initialized (at most `capacity`).
    static func filled(
        capacity: Int,
        _ body: (UnsafeMutableRawBufferPointer) throws(DataFileError) -> Int
    ) throws(DataFileError) -> [Element] {
        var failure: DataFileError?
        let array = [Element](unsafeUninitializedCapacity: capacity) { buffer, initialized in
            do throws(DataFileError) {
                let byteCount = capacity * MemoryLayout<Element>.stride
                let raw = UnsafeMutableRawBufferPointer(start: buffer.baseAddress, count: buffer.baseAddress == nil ? 0 : byteCount)
                initialized = try body(raw)
            } catch {
                failure = error
                initialized = 0
            }
        }
        if let failure { throw failure }
        return array
    }
}

/// `strerror` text plus the number, e.g. `Permission denied (errno 13)`.
func errnoText(_ code: Int32) -> String {
    guard let text = strerror(code) else { return "errno \(code)" }
    return "\(String(cString: text)) (errno \(code))"
}

/// The process's working directory, for messages about relative paths.
func currentDirectory() -> String {
    var buffer = [CChar](repeating: 0, count: 4096)
    guard getcwd(&buffer, buffer.count) != nil else { return "(unknown)" }
    return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}
