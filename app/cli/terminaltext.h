#pragma once

#include <string>
#include <string_view>

namespace mp::cli {

// Log text shown on a terminal: control characters (attacker-controlled, in rule names, subjects
// and user agents) must not move the cursor or recolour the screen, so they become spaces.
std::string printable(std::string_view text);

// printable() cut or padded to a fixed width, for table columns.
std::string column(std::string_view text, std::size_t width);

} // namespace mp::cli
