#pragma once

#include <optional>
#include <string>
#include <vector>

namespace mp::ui {

// `mailpivot [CASE.mpcase]`: the investigator's window, on a case when one is given.
int runGui(int argc, char **argv);

struct GuiOptions
{
    std::string casePath;
    std::string screenshotDir; // non-empty: render the main views to PNG files there and exit
    bool help = false;
};

// Reads the arguments of `mailpivot gui` (those after "gui"); nullopt with *error on bad usage.
std::optional<GuiOptions> parseGuiArguments(const std::vector<std::string> &args, std::string *error);
const char *guiHelp();

// `mailpivot gui [CASE] [--screenshot DIR]`; args are those after "gui". Returns the exit status.
int runGuiCommand(int argc, char **argv, const std::vector<std::string> &args);

} // namespace mp::ui
