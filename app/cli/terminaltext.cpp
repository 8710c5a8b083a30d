#include "cli/terminaltext.h"

namespace mp::cli {

std::string printable(std::string_view text)
{
    std::string s(text);
    for (char &c : s) {
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
            c = ' ';
    }
    return s;
}

std::string column(std::string_view text, std::size_t width)
{
    std::string s = printable(text.substr(0, width));
    if (s.size() < width)
        s.append(width - s.size(), ' ');
    return s;
}

} // namespace mp::cli
