#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace mp::cli {

enum ExitCode { Ok = 0, SomeFailed = 1, Usage = 2 };

// Runs one command-line invocation (arguments without the program name) and returns the exit
// status: 0 done, 1 some input could not be read, 2 bad usage. Nothing here needs a display.
int run(const std::vector<std::string> &args, std::ostream &out, std::ostream &err);

// True when the arguments name a command-line job rather than the GUI.
bool isCliInvocation(const std::vector<std::string> &args);

const char *version();

// The sub-commands, each in its own file.
int ingestCommand(const std::vector<std::string> &args, std::ostream &out, std::ostream &err);
int eventsCommand(const std::vector<std::string> &args, std::ostream &out, std::ostream &err);
int recordCommand(const std::vector<std::string> &args, std::ostream &out, std::ostream &err);
int sourcesCommand(const std::vector<std::string> &args, std::ostream &out, std::ostream &err);
int detectCommand(const std::vector<std::string> &args, std::ostream &out, std::ostream &err);
int graphCommand(const std::vector<std::string> &args, std::ostream &out, std::ostream &err);
int campaignsCommand(const std::vector<std::string> &args, std::ostream &out, std::ostream &err);
int simulateCommand(const std::vector<std::string> &args, std::ostream &out, std::ostream &err);

} // namespace mp::cli
