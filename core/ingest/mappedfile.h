#pragma once

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

// SHA-256 fed in pieces, so that an import can hash the file as its parser passes over it
// instead of reading every page once more beforehand.
class Sha256
{
public:
    Sha256();
    ~Sha256();
    Sha256(const Sha256 &) = delete;
    Sha256 &operator=(const Sha256 &) = delete;

    void update(std::string_view bytes);
    std::string hex(); // the digest in lower-case hex; call once, at the end

private:
    void *m_ctx; // EVP_MD_CTX
};

} // namespace mp
