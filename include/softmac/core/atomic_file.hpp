// SPDX-License-Identifier: MIT
/// @file Defines write_file_atomically (a temporary file, fsync, rename, directory fsync) and
/// read_file, for small configuration files.
#pragma once

#include <cerrno>
#include <cstddef>
#include <string>
#include <string_view>

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <softmac/core/result.hpp>

namespace softmac {

/// @brief The largest file read_file reads.
inline constexpr std::size_t max_file_size = std::size_t{1} << 20;

namespace detail {
/// The directory a path names its file in ("." for a bare name).
inline std::string directory_of(const std::string& path) {
    const auto slash = path.rfind('/');
    if (slash == std::string::npos) return ".";
    if (slash == 0) return "/";
    return path.substr(0, slash);
}
/// Writes all of `data`, again after EINTR and short writes.
inline bool write_all(int fd, std::string_view data) noexcept {
    while (!data.empty()) {
        const ssize_t n = ::write(fd, data.data(), data.size());
        if (n < 0) {
            if (errno == EINTR) continue;
            return false;
        }
        data.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
}
}  // namespace detail

/// @brief Replaces the file at `path` by `content` so that a reader, or the file system after a
/// crash, sees the old file or the new one, never a mixture: the content goes to `<path>.tmp` in
/// the same directory, which is synced, renamed over `path`, and the directory synced so the
/// rename itself is durable.
/// @param mode the new file's permissions, set with fchmod too, so neither the umask nor an
/// older `<path>.tmp` with other permissions decides them.
/// @return errc::io on any failure; `<path>.tmp` is removed then, and `path` is the old file
/// (unless only the directory sync failed: the new file is in place, maybe not yet durable).
/// The temporary file is opened with O_NOFOLLOW: a symbolic link planted at `<path>.tmp` makes
/// the write fail instead of writing through the link.
inline result<void> write_file_atomically(const std::string& path, std::string_view content,
                                          mode_t mode = 0600) {
    const std::string tmp = path + ".tmp";
    int fd = ::open(tmp.c_str(), O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, mode);
    if (fd < 0) return make_error(errc::io, "cannot create the temporary file");
    auto fail = [&](const char* what) {
        if (fd >= 0) ::close(fd);
        ::unlink(tmp.c_str());
        return make_error(errc::io, what);
    };
    if (::fchmod(fd, mode) != 0) return fail("cannot set the temporary file's mode");
    if (!detail::write_all(fd, content)) return fail("cannot write the temporary file");
    if (::fsync(fd) != 0) return fail("cannot sync the temporary file");
    const int closed = ::close(fd);
    fd = -1;
    if (closed != 0) return fail("cannot close the temporary file");
    if (::rename(tmp.c_str(), path.c_str()) != 0)
        return fail("cannot rename the temporary file over the file");

    const int dir = ::open(detail::directory_of(path).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir < 0) return make_error(errc::io, "cannot open the file's directory to sync it");
    const bool synced = ::fsync(dir) == 0;
    ::close(dir);
    if (!synced) return make_error(errc::io, "cannot sync the file's directory");
    return {};
}

/// @brief The whole content of the file at `path`.
/// @return errc::not_found when it does not exist, errc::bad_length when it is larger than
/// max_file_size (1 MiB), errc::io on any other failure.
inline result<std::string> read_file(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT) return make_error(errc::not_found, "no such file");
        return make_error(errc::io, "cannot open the file");
    }
    auto fail = [&](errc code, const char* what) {
        ::close(fd);
        return make_error(code, what);
    };
    struct stat st {};
    if (::fstat(fd, &st) != 0) return fail(errc::io, "cannot stat the file");
    if (st.st_size < 0 || static_cast<std::size_t>(st.st_size) > max_file_size)
        return fail(errc::bad_length, "the file is larger than 1 MiB");
    std::string out;
    out.reserve(static_cast<std::size_t>(st.st_size));
    char buf[4096];
    for (;;) {
        const ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0) {
            if (errno == EINTR) continue;
            return fail(errc::io, "cannot read the file");
        }
        if (n == 0) break;
        // A file that grows while it is read, or one whose size stat cannot tell (a pipe).
        if (out.size() + static_cast<std::size_t>(n) > max_file_size)
            return fail(errc::bad_length, "the file is larger than 1 MiB");
        out.append(buf, static_cast<std::size_t>(n));
    }
    ::close(fd);
    return out;
}

}  // namespace softmac
