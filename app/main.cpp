// Start-up wiring only: the command line runs the CLI; `gui` and anything else start the GUI.
#include "cli/cli.h"

#include <iostream>
#include <string>
#include <vector>

#ifdef MAILPIVOT_WITH_GUI
#include "ui/guiapp.h"
#endif

int main(int argc, char *argv[])
{
    std::vector<std::string> args(argv + 1, argv + argc);
#ifdef MAILPIVOT_WITH_GUI
    // `mailpivot gui [CASE] [--screenshot DIR]` lives in the GUI library: the CLI links no widgets.
    if (!args.empty() && args.front() == "gui")
        return mp::ui::runGuiCommand(argc, argv, std::vector<std::string>(args.begin() + 1, args.end()));
#endif
    if (mp::cli::isCliInvocation(args))
        return mp::cli::run(args, std::cout, std::cerr);
#ifdef MAILPIVOT_WITH_GUI
    return mp::ui::runGui(argc, argv);
#else
    std::cerr << "mailpivot: built without the GUI; see 'mailpivot --help'\n";
    return mp::cli::Usage;
#endif
}
