#include "cli/cli.h"

#include <functional>
#include <map>
#include <ostream>

#ifndef MAILPIVOT_VERSION
#define MAILPIVOT_VERSION "0.0.0"
#endif

namespace mp::cli {

namespace {

using Command = std::function<int(const std::vector<std::string> &, std::ostream &, std::ostream &)>;

struct CommandInfo
{
    Command run;
    const char *summary;
};

const std::map<std::string, CommandInfo> &commands()
{
    static const std::map<std::string, CommandInfo> table = {
        {"ingest", {ingestCommand, "import log exports into a case (creates it if needed)"}},
        {"events", {eventsCommand, "list the normalised events of a case, in time order"}},
        {"record", {recordCommand, "print the original log record of an event, as it was imported"}},
        {"sources", {sourcesCommand, "list the imported files with size, SHA-256 and counts"}},
        {"detect", {detectCommand, "run the detectors over a case and store the findings"}},
        {"graph", {graphCommand, "write the investigation graph (GraphML or JSON), whole or around an entity"}},
        {"campaigns", {campaignsCommand, "group findings into campaigns by shared attacker entities; rank pivots"}},
        {"simulate", {simulateCommand, "write realistic exports of attack scenarios and benign traps"}},
    };
    return table;
}

void printHelp(std::ostream &out)
{
    out << "Mailpivot " << version() << " - investigate compromised Microsoft 365 mailboxes\n\n"
        << "Usage:\n"
        << "  mailpivot                      start the investigator (GUI)\n"
        << "  mailpivot CASE.mpcase          open a case in the GUI\n"
        << "  mailpivot gui CASE --screenshot DIR\n"
        << "                                 render the main views to PNG files and exit\n"
        << "  mailpivot COMMAND [ARGS...]    run a command without a display\n\n"
        << "Commands:\n";
    for (const auto &[name, info] : commands())
        out << "  " << name << std::string(10 - std::min<std::size_t>(name.size(), 9), ' ') << info.summary << '\n';
    out << "\nRun 'mailpivot COMMAND --help' for the options of a command.\n"
        << "Exit status: 0 done, 1 some input could not be read, 2 bad usage.\n";
}

} // namespace

const char *version()
{
    return MAILPIVOT_VERSION;
}

bool isCliInvocation(const std::vector<std::string> &args)
{
    if (args.empty())
        return false;
    const std::string &first = args.front();
    return commands().count(first) > 0 || first == "--help" || first == "-h" || first == "--version"
        || first == "help" || (first.size() > 1 && first[0] == '-');
}

int run(const std::vector<std::string> &args, std::ostream &out, std::ostream &err)
{
    if (args.empty() || args.front() == "--help" || args.front() == "-h" || args.front() == "help") {
        if (args.size() > 1 && args.front() == "help" && commands().count(args[1]))
            return commands().at(args[1]).run({"--help"}, out, err);
        printHelp(out);
        return Ok;
    }
    if (args.front() == "--version") {
        out << "mailpivot " << version() << '\n';
        return Ok;
    }
    const auto it = commands().find(args.front());
    if (it == commands().end()) {
        err << "mailpivot: unknown command '" << args.front() << "'\n";
        printHelp(err);
        return Usage;
    }
    return it->second.run(std::vector<std::string>(args.begin() + 1, args.end()), out, err);
}

} // namespace mp::cli
