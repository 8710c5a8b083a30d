#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace mp::cli {

// A small, strict command-line parser: known options only, values after the option or with '='.
// Errors are kept as text for the usage message (exit status 2).
class Arguments
{
public:
    Arguments(std::set<std::string> valueOptions, std::set<std::string> flagOptions);

    bool parse(const std::vector<std::string> &args);
    const std::string &error() const { return m_error; }
    const std::vector<std::string> &positional() const { return m_positional; }
    bool flag(const std::string &name) const { return m_flags.count(name) > 0; }
    std::optional<std::string> value(const std::string &name) const;
    std::string value(const std::string &name, const std::string &fallback) const;

private:
    std::set<std::string> m_valueOptions;
    std::set<std::string> m_flagOptions;
    std::vector<std::string> m_positional;
    std::map<std::string, std::string> m_values;
    std::set<std::string> m_flags;
    std::string m_error;
};

} // namespace mp::cli
