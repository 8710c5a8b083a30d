#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace mp {

enum class TextEncoding { Utf8, Utf8Bom, Utf16LE, Utf16BE };

// Decides from the first bytes of a file (a few hundred bytes are plenty). A BOM wins; without
// one, UTF-16 is recognised from NUL bytes in every other position, because only Windows
// PowerShell 5.1 `Out-File` writes a BOM while other UTF-16 writers don't, and log text is
// mostly ASCII. Anything else is UTF-8.
TextEncoding detectEncoding(std::string_view head) noexcept;

// Byte length of the byte-order mark that `enc` stands for: 3 for Utf8Bom, 2 for UTF-16, 0 for
// Utf8. A UTF-16 file detected without a BOM has none: use hasBom() before skipping bytes.
std::size_t bomLength(TextEncoding enc) noexcept;
bool hasBom(std::string_view head, TextEncoding enc) noexcept;

// Whole-buffer conversion to UTF-8; a leading BOM is dropped. UTF-8 input is returned as it is
// (QString reports its invalid sequences later); UTF-16 lone surrogates and a trailing odd byte
// become U+FFFD.
std::string decodeToUtf8(std::string_view bytes, TextEncoding enc);

// Incremental UTF-16 -> UTF-8 for readers that stream large files in chunks: a code unit or a
// surrogate pair split across chunks is carried over instead of being turned into U+FFFD.
class Utf16Decoder
{
public:
    explicit Utf16Decoder(bool bigEndian) noexcept : m_bigEndian(bigEndian) {}

    // Appends the UTF-8 of `chunk` to `out`. A BOM at the very start of the stream is dropped.
    void feed(std::string_view chunk, std::string& out);
    // Flushes what is still pending at the end of the stream (as U+FFFD).
    void finish(std::string& out);

private:
    void unit(std::uint16_t u, std::string& out);

    bool m_bigEndian;
    bool m_started = false;
    bool m_haveByte = false;
    std::uint8_t m_byte = 0;
    std::uint16_t m_highSurrogate = 0; // 0 when none is pending
};

// True when the head of a file is not text: a known binary signature (zip/xlsx, gzip, OLE .xls,
// PDF, SQLite...), NULs in a file that is not UTF-16, or more than 10 % control characters or
// invalid UTF-8. UTF-16 heads are decoded before they are judged.
bool looksBinary(std::string_view head);

} // namespace mp
