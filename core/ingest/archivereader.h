#pragma once

#include <functional>
#include <string>
#include <string_view>

namespace mp {

class MappedFile;

// Whether the head of a file (its first 512 bytes will do) is a compressed file or an archive:
// zip, gzip, bzip2, xz, zstd, 7z or tar. Customers hand exports over in these.
bool looksLikeArchive(std::string_view head);

struct ArchiveResult
{
    enum class Status {
        Read,           // every member was offered (or the callback stopped it)
        Unreadable,     // the archive could not be opened, or is damaged: error says where
        OfficeDocument, // a zip that is an .xlsx/.docx: a workbook, not an archive of exports
    };
    Status status = Status::Read;
    std::string error;
    int members = 0; // regular files offered
};

// Offers each regular file of the archive at path, in archive order, to `member`: its name
// within the archive and its content decompressed into an unnamed temporary file in tempDir and
// mapped (nullptr, with why, when that member alone could not be read, e.g. encrypted). A
// compressed single file (export.csv.gz) is one member named after it (export.csv). Hidden files
// and macOS resource forks are left out; member names are only reported, never used as paths.
// `member` returns false to stop.
ArchiveResult readArchive(const std::string &path, const std::string &tempDir,
                          const std::function<bool(const std::string &name, MappedFile *file, const std::string &why)> &member);

} // namespace mp
