// Start-up wiring only: the command line runs the CLI; anything else starts the GUI.
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
    if (mp::cli::isCliInvocation(args))
        return mp::cli::run(args, std::cout, std::cerr);
#ifdef MAILPIVOT_WITH_GUI
    return mp::ui::runGui(argc, argv);
#else
    std::cerr << "mailpivot: built without the GUI; see 'mailpivot --help'\n";
    return mp::cli::Usage;
#endif
}
