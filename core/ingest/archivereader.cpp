#include "ingest/archivereader.h"

#include "ingest/mappedfile.h"

#include <archive.h>
#include <archive_entry.h>

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <memory>
#include <vector>

namespace mp {

namespace {

bool startsWithBytes(std::string_view head, std::string_view magic)
{
    return head.size() >= magic.size() && head.substr(0, magic.size()) == magic;
}

// A name to leave out: a hidden file or folder anywhere in the path, or macOS's resource forks.
bool hiddenMember(std::string_view name)
{
    std::size_t start = 0;
    while (start < name.size()) {
        const std::size_t end = std::min(name.find('/', start), name.size());
        const std::string_view part = name.substr(start, end - start);
        if ((part.starts_with('.') && part != "." && part != "..") || part == "__MACOSX")
            return true;
        start = end + 1;
    }
    return false;
}

std::string archiveError(archive *a)
{
    const char *text = archive_error_string(a);
    return text ? text : "unknown error";
}

} // namespace

bool looksLikeArchive(std::string_view head)
{
    using namespace std::string_view_literals;
    return startsWithBytes(head, "PK\x03\x04"sv) || startsWithBytes(head, "PK\x05\x06"sv) // zip, empty zip
        || startsWithBytes(head, "\x1F\x8B"sv)                                           // gzip
        || startsWithBytes(head, "BZh"sv)                                                // bzip2
        || startsWithBytes(head, "\xFD" "7zXZ\x00"sv)                                     // xz
        || startsWithBytes(head, "\x28\xB5\x2F\xFD"sv)                                   // zstd
        || startsWithBytes(head, "7z\xBC\xAF\x27\x1C"sv)                                 // 7z
        || (head.size() >= 262 && head.substr(257, 5) == "ustar");                       // tar
}

ArchiveResult readArchive(const std::string &path, const std::string &tempDir,
                          const std::function<bool(const std::string &name, MappedFile *file, const std::string &why)> &member)
{
    ArchiveResult result;
    const std::unique_ptr<archive, decltype(&archive_read_free)> a(archive_read_new(), &archive_read_free);
    archive_read_support_filter_all(a.get());
    // Archive formats by name, not all of them: some (mtree, WARC) bid on plain text, and would
    // take the lines of a compressed export for the names of files.
    archive_read_support_format_zip(a.get());
    archive_read_support_format_tar(a.get());
    archive_read_support_format_7zip(a.get());
    archive_read_support_format_rar(a.get());
    archive_read_support_format_rar5(a.get());
    archive_read_support_format_raw(a.get()); // a compressed single file: export.csv.gz
    if (archive_read_open_filename(a.get(), path.c_str(), 1 << 16) != ARCHIVE_OK) {
        result.status = ArchiveResult::Status::Unreadable;
        result.error = "cannot read the archive: " + archiveError(a.get());
        return result;
    }
    std::vector<char> buffer(1 << 20);
    archive_entry *entry = nullptr;
    for (;;) {
        const int r = archive_read_next_header(a.get(), &entry);
        if (r == ARCHIVE_EOF)
            break;
        if (r != ARCHIVE_OK && r != ARCHIVE_WARN) {
            result.status = ArchiveResult::Status::Unreadable;
            result.error = (result.members ? "the archive is damaged after " + std::to_string(result.members)
                                    + (result.members == 1 ? " file: " : " files: ")
                                           : std::string("cannot read the archive: "))
                + archiveError(a.get());
            return result;
        }
        if (archive_entry_filetype(entry) != AE_IFREG)
            continue;
        std::string name;
        if (archive_format(a.get()) == ARCHIVE_FORMAT_RAW) {
            name = std::filesystem::path(path).stem().string(); // export.csv.gz -> export.csv
        } else {
            const char *p = archive_entry_pathname_utf8(entry);
            if (!p)
                p = archive_entry_pathname(entry);
            name = p ? p : "";
            while (name.starts_with("./")) // tar -C folder . writes ./audit.csv
                name.erase(0, 2);
        }
        if (result.members == 0 && name == "[Content_Types].xml") {
            result.status = ArchiveResult::Status::OfficeDocument;
            result.error = "an Office document (.xlsx, .docx), not a log export: open it and save the sheet as CSV";
            return result;
        }
        if (name.empty() || hiddenMember(name))
            continue;
        ++result.members;
        std::string why;
        const int fd = createUnnamedFile(tempDir, &why);
        bool ok = fd >= 0;
        while (ok) {
            const la_ssize_t n = archive_read_data(a.get(), buffer.data(), buffer.size());
            if (n == 0)
                break;
            if (n < 0) {
                why = "cannot read it from the archive: " + archiveError(a.get());
                ok = false;
            } else if (!writeAll(fd, std::string_view(buffer.data(), static_cast<std::size_t>(n)))) {
                why = "cannot write it to a temporary file in " + tempDir + ": " + std::strerror(errno);
                ok = false;
            }
        }
        MappedFile file;
        if (ok)
            ok = file.adopt(fd, &why);
        else if (fd >= 0)
            ::close(fd);
        if (!member(name, ok ? &file : nullptr, why))
            break;
    }
    return result;
}

} // namespace mp
