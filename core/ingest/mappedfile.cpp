#include "ingest/mappedfile.h"

#include <openssl/evp.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace mp {

namespace {
constexpr std::size_t kPage = 4096;
}

MappedFile::~MappedFile()
{
    if (m_data && m_size)
        munmap(const_cast<char *>(m_data), m_size);
}

bool MappedFile::open(const std::string &path, std::string *error)
{
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (error)
            *error = std::strerror(errno);
        return false;
    }
    struct stat st;
    const bool known = fstat(fd, &st) == 0;
    if (!known || !S_ISREG(st.st_mode)) {
        if (error)
            *error = !known ? std::strerror(errno) : S_ISDIR(st.st_mode) ? "is a directory" : "not a regular file";
        ::close(fd);
        return false;
    }
    return adopt(fd, error);
}

bool MappedFile::adopt(int fd, std::string *error)
{
    struct stat st;
    if (fstat(fd, &st) != 0) {
        if (error)
            *error = std::strerror(errno);
        ::close(fd);
        return false;
    }
    m_size = static_cast<std::size_t>(st.st_size);
    if (m_size == 0) {
        ::close(fd);
        m_data = "";
        return true;
    }
    void *p = mmap(nullptr, m_size, PROT_READ, MAP_PRIVATE, fd, 0);
    ::close(fd);
    if (p == MAP_FAILED) {
        if (error)
            *error = std::strerror(errno);
        m_size = 0;
        return false;
    }
    madvise(p, m_size, MADV_SEQUENTIAL);
    m_data = static_cast<const char *>(p);
    return true;
}

int createUnnamedFile(const std::string &directory, std::string *error)
{
    int fd = ::open(directory.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
    if (fd < 0) {
        std::string name = directory + "/.mailpivot-temp-XXXXXX";
        fd = mkostemp(name.data(), O_CLOEXEC);
        if (fd >= 0)
            ::unlink(name.c_str());
    }
    if (fd < 0 && error)
        *error = "cannot create a temporary file in " + directory + ": " + std::strerror(errno);
    return fd;
}

bool writeAll(int fd, std::string_view data)
{
    while (!data.empty()) {
        const ssize_t n = ::write(fd, data.data(), data.size());
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            if (n == 0)
                errno = ENOSPC; // a write that takes nothing: the disk is full
            return false;
        }
        data.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
}

bool MappedFile::openDecoded(MappedFile &source, TextEncoding encoding, const std::string &directory, std::string *error)
{
    const int fd = createUnnamedFile(directory, error);
    if (fd < 0)
        return false;
    const std::string_view bytes = source.bytes();
    Utf16Decoder decoder(encoding == TextEncoding::Utf16BE);
    std::string out;
    constexpr std::size_t kChunk = 4 << 20;
    bool ok = true;
    for (std::size_t pos = 0; ok && pos < bytes.size(); pos += kChunk) {
        decoder.feed(bytes.substr(pos, kChunk), out);
        ok = writeAll(fd, out);
        out.clear();
        source.release(pos + kChunk);
    }
    if (ok) {
        decoder.finish(out);
        ok = writeAll(fd, out);
    }
    if (!ok) {
        if (error)
            *error = "cannot write the decoded text to a temporary file in " + directory + ": " + std::strerror(errno);
        ::close(fd);
        return false;
    }
    return adopt(fd, error);
}

void MappedFile::release(std::uint64_t upTo)
{
    const std::size_t end = std::min<std::size_t>(upTo, m_size) / kPage * kPage;
    if (!m_size)
        return;
    if (end < m_released)
        m_released = 0; // a new pass started from the beginning
    if (end == m_released)
        return;
    madvise(const_cast<char *>(m_data) + m_released, end - m_released, MADV_DONTNEED);
    m_released = end;
}

std::string sha256Hex(const MappedFile &file)
{
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr);
    const std::string_view bytes = file.bytes();
    constexpr std::size_t kWindow = 16 << 20;
    for (std::size_t pos = 0; pos < bytes.size(); pos += kWindow) {
        const std::size_t n = std::min(kWindow, bytes.size() - pos);
        EVP_DigestUpdate(ctx, bytes.data() + pos, n);
        // Hashing touches every page; give them back as we go so that a 2 GB file stays cheap.
        madvise(const_cast<char *>(bytes.data()) + pos, n / kPage * kPage, MADV_DONTNEED);
    }
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    EVP_DigestFinal_ex(ctx, digest, &length);
    EVP_MD_CTX_free(ctx);
    static const char hex[] = "0123456789abcdef";
    std::string out;
    for (unsigned int i = 0; i < length; ++i) {
        out.push_back(hex[digest[i] >> 4]);
        out.push_back(hex[digest[i] & 15]);
    }
    return out;
}

} // namespace mp
