#include "util/textdecode.h"

#include <algorithm>

namespace mp {

namespace {

constexpr std::size_t kSniffPairs = 512;

void appendUtf8(char32_t cp, std::string& out)
{
    if (cp < 0x80) {
        out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
}

constexpr char32_t kReplacement = 0xFFFD;

std::uint8_t byteAt(std::string_view s, std::size_t i) noexcept
{
    return static_cast<std::uint8_t>(s[i]);
}

bool startsWith(std::string_view s, std::string_view prefix) noexcept
{
    return s.substr(0, prefix.size()) == prefix;
}

// Length of the valid UTF-8 sequence at s[i], 0 if invalid; -1 if it is cut off by the end of
// the head (not held against the file).
int utf8SequenceLength(std::string_view s, std::size_t i) noexcept
{
    const std::uint8_t b = byteAt(s, i);
    int len = 0;
    char32_t min = 0;
    char32_t cp = 0;
    if (b < 0x80)
        return 1;
    if (b >= 0xC2 && b <= 0xDF) {
        len = 2;
        cp = b & 0x1F;
        min = 0x80;
    } else if (b >= 0xE0 && b <= 0xEF) {
        len = 3;
        cp = b & 0x0F;
        min = 0x800;
    } else if (b >= 0xF0 && b <= 0xF4) {
        len = 4;
        cp = b & 0x07;
        min = 0x10000;
    } else {
        return 0;
    }
    for (int k = 1; k < len; ++k) {
        if (i + static_cast<std::size_t>(k) >= s.size())
            return -1;
        const std::uint8_t c = byteAt(s, i + static_cast<std::size_t>(k));
        if ((c & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (c & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return len;
}

bool looksBinaryUtf8(std::string_view s) noexcept
{
    if (s.empty())
        return false;
    std::size_t suspicious = 0;
    std::size_t i = 0;
    while (i < s.size()) {
        const std::uint8_t b = byteAt(s, i);
        if (b == 0)
            return true; // text formats never carry NUL; UTF-16 was decoded before we got here
        if (b < 0x80) {
            if ((b < 0x20 && b != '\t' && b != '\n' && b != '\r' && b != '\f') || b == 0x7F)
                ++suspicious;
            ++i;
            continue;
        }
        const int len = utf8SequenceLength(s, i);
        if (len < 0)
            break;
        if (len == 0) {
            ++suspicious;
            ++i;
        } else {
            i += static_cast<std::size_t>(len);
        }
    }
    return suspicious * 10 > s.size();
}

} // namespace

TextEncoding detectEncoding(std::string_view head) noexcept
{
    if (startsWith(head, "\xEF\xBB\xBF"))
        return TextEncoding::Utf8Bom;
    if (startsWith(head, "\xFF\xFE"))
        return TextEncoding::Utf16LE;
    if (startsWith(head, "\xFE\xFF"))
        return TextEncoding::Utf16BE;

    const std::size_t pairs = std::min(head.size() / 2, kSniffPairs);
    std::size_t zeroEven = 0;
    std::size_t zeroOdd = 0;
    for (std::size_t p = 0; p < pairs; ++p) {
        zeroEven += head[2 * p] == '\0';
        zeroOdd += head[2 * p + 1] == '\0';
    }
    // ASCII text in UTF-16 has the zero on one side of nearly every pair; demand a clear
    // majority on one side and almost nothing on the other so that binary junk stays UTF-8
    // (looksBinary() then refuses it).
    if (zeroOdd * 2 > pairs && zeroEven * 8 <= zeroOdd)
        return TextEncoding::Utf16LE;
    if (zeroEven * 2 > pairs && zeroOdd * 8 <= zeroEven)
        return TextEncoding::Utf16BE;
    return TextEncoding::Utf8;
}

std::size_t bomLength(TextEncoding enc) noexcept
{
    switch (enc) {
    case TextEncoding::Utf8Bom:
        return 3;
    case TextEncoding::Utf16LE:
    case TextEncoding::Utf16BE:
        return 2;
    case TextEncoding::Utf8:
        break;
    }
    return 0;
}

bool hasBom(std::string_view head, TextEncoding enc) noexcept
{
    switch (enc) {
    case TextEncoding::Utf8Bom:
        return startsWith(head, "\xEF\xBB\xBF");
    case TextEncoding::Utf16LE:
        return startsWith(head, "\xFF\xFE");
    case TextEncoding::Utf16BE:
        return startsWith(head, "\xFE\xFF");
    case TextEncoding::Utf8:
        break;
    }
    return false;
}

void Utf16Decoder::unit(std::uint16_t u, std::string& out)
{
    if (!m_started) {
        m_started = true;
        if (u == 0xFEFF)
            return;
    }
    if (m_highSurrogate != 0) {
        if (u >= 0xDC00 && u <= 0xDFFF) {
            const char32_t cp = 0x10000 + ((char32_t(m_highSurrogate) - 0xD800) << 10)
                + (char32_t(u) - 0xDC00);
            m_highSurrogate = 0;
            appendUtf8(cp, out);
            return;
        }
        m_highSurrogate = 0;
        appendUtf8(kReplacement, out);
        // fall through: `u` is judged on its own
    }
    if (u >= 0xD800 && u <= 0xDBFF) {
        m_highSurrogate = u;
    } else if (u >= 0xDC00 && u <= 0xDFFF) {
        appendUtf8(kReplacement, out);
    } else {
        appendUtf8(u, out);
    }
}

void Utf16Decoder::feed(std::string_view chunk, std::string& out)
{
    out.reserve(out.size() + chunk.size() / 2 + 4);
    std::size_t i = 0;
    if (m_haveByte && !chunk.empty()) {
        const std::uint8_t b = byteAt(chunk, 0);
        m_haveByte = false;
        i = 1;
        unit(m_bigEndian ? std::uint16_t((m_byte << 8) | b) : std::uint16_t((b << 8) | m_byte), out);
    }
    const std::size_t n = chunk.size();
    if (m_bigEndian) {
        for (; i + 1 < n; i += 2)
            unit(std::uint16_t((byteAt(chunk, i) << 8) | byteAt(chunk, i + 1)), out);
    } else {
        for (; i + 1 < n; i += 2) {
            const std::uint16_t u = std::uint16_t(byteAt(chunk, i) | (byteAt(chunk, i + 1) << 8));
            // Fast path for the ASCII bulk of a log file.
            if (u < 0x80 && m_started && m_highSurrogate == 0)
                out.push_back(static_cast<char>(u));
            else
                unit(u, out);
        }
    }
    if (i < n) {
        m_byte = byteAt(chunk, i);
        m_haveByte = true;
    }
}

void Utf16Decoder::finish(std::string& out)
{
    if (m_highSurrogate != 0) {
        m_highSurrogate = 0;
        appendUtf8(kReplacement, out);
    }
    if (m_haveByte) {
        m_haveByte = false;
        appendUtf8(kReplacement, out);
    }
}

std::string decodeToUtf8(std::string_view bytes, TextEncoding enc)
{
    switch (enc) {
    case TextEncoding::Utf8:
    case TextEncoding::Utf8Bom:
        if (startsWith(bytes, "\xEF\xBB\xBF"))
            bytes.remove_prefix(3);
        return std::string(bytes);
    case TextEncoding::Utf16LE:
    case TextEncoding::Utf16BE:
        break;
    }
    Utf16Decoder decoder(enc == TextEncoding::Utf16BE);
    std::string out;
    decoder.feed(bytes, out);
    decoder.finish(out);
    return out;
}

bool looksBinary(std::string_view head)
{
    // Signatures of files an investigator is likely to pick by mistake.
    static constexpr std::string_view kMagic[] = {
        std::string_view("PK\x03\x04", 4),         // zip, xlsx, docx
        std::string_view("\x1F\x8B", 2),           // gzip
        std::string_view("\xD0\xCF\x11\xE0", 4),   // OLE: xls, msg
        std::string_view("%PDF-", 5),
        std::string_view("SQLite format 3\0", 16),
        std::string_view("7z\xBC\xAF\x27\x1C", 6),
        std::string_view("Rar!\x1A\x07", 6),
        std::string_view("\x7F" "ELF", 4),
        std::string_view("\x89PNG", 4),
    };
    for (std::string_view m : kMagic) {
        if (startsWith(head, m))
            return true;
    }
    const TextEncoding enc = detectEncoding(head);
    if (enc == TextEncoding::Utf16LE || enc == TextEncoding::Utf16BE) {
        // Cut to whole code units so that the odd trailing byte of a short head is not judged.
        const std::string text = decodeToUtf8(head.substr(0, head.size() & ~std::size_t(1)), enc);
        return looksBinaryUtf8(text);
    }
    if (enc == TextEncoding::Utf8Bom)
        head.remove_prefix(3);
    return looksBinaryUtf8(head);
}

} // namespace mp
