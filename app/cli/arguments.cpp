#include "cli/arguments.h"

namespace mp::cli {

Arguments::Arguments(std::set<std::string> valueOptions, std::set<std::string> flagOptions)
    : m_valueOptions(std::move(valueOptions))
    , m_flagOptions(std::move(flagOptions))
{
}

bool Arguments::parse(const std::vector<std::string> &args)
{
    bool optionsEnded = false;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string &arg = args[i];
        if (optionsEnded || arg.size() < 2 || arg[0] != '-') {
            m_positional.push_back(arg);
            continue;
        }
        if (arg == "--") {
            optionsEnded = true;
            continue;
        }
        std::string name = arg;
        std::optional<std::string> inlineValue;
        if (const auto eq = arg.find('='); eq != std::string::npos) {
            name = arg.substr(0, eq);
            inlineValue = arg.substr(eq + 1);
        }
        if (m_flagOptions.count(name)) {
            if (inlineValue) {
                m_error = name + " takes no value";
                return false;
            }
            m_flags.insert(name);
        } else if (m_valueOptions.count(name)) {
            if (inlineValue) {
                m_values[name] = *inlineValue;
            } else if (i + 1 < args.size()) {
                m_values[name] = args[++i];
            } else {
                m_error = name + " needs a value";
                return false;
            }
        } else {
            m_error = "unknown option " + name;
            return false;
        }
    }
    return true;
}

std::optional<std::string> Arguments::value(const std::string &name) const
{
    const auto it = m_values.find(name);
    if (it == m_values.end())
        return std::nullopt;
    return it->second;
}

std::string Arguments::value(const std::string &name, const std::string &fallback) const
{
    return value(name).value_or(fallback);
}

} // namespace mp::cli
