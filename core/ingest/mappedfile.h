#pragma once

#include "util/textdecode.h"

#include <cstdint>
#include <string>
#include <string_view>

namespace mp {

// A read-only memory map of a file. Large exports are read through it so that memory use does not
// grow with the file: release() hands pages that were already read back to the kernel.
class MappedFile
{
public:
    MappedFile() = default;
    ~MappedFile();
    MappedFile(const MappedFile &) = delete;
    MappedFile &operator=(const MappedFile &) = delete;

    bool open(const std::string &path, std::string *error);
    // Maps the UTF-8 of a UTF-16 file (its BOM dropped), written to an unnamed temporary file in
    // directory: the text of a 2 GB export is then read, and released, like any other mapped
    // file instead of being held in memory whole. The source's pages are released as they are
    // decoded. False with *error when the temporary file cannot be written (a full disk).
    bool openDecoded(MappedFile &source, TextEncoding encoding, const std::string &directory, std::string *error);
    // Maps an open file and takes it over: fd is closed whatever happens.
    bool adopt(int fd, std::string *error);
    std::string_view bytes() const { return {m_data, m_size}; }
    std::uint64_t size() const { return m_size; }
    // Drops resident pages below offset (they are read again from the file if touched). Calls
    // may come from several passes: each drops what lies between its last call and upTo.
    void release(std::uint64_t upTo);

private:
    const char *m_data = nullptr;
    std::size_t m_size = 0;
    std::size_t m_released = 0;
};

std::string sha256Hex(const MappedFile &file);

// An unnamed temporary file in directory, open for reading and writing (O_TMPFILE, or a named
// file unlinked at once where the file system has none): it disappears with its last descriptor
// or mapping, even after a crash. -1 with *error when it cannot be made.
int createUnnamedFile(const std::string &directory, std::string *error);
// Writes all of data to fd; false (errno set, ENOSPC for a write that takes nothing) if not.
bool writeAll(int fd, std::string_view data);

} // namespace mp
