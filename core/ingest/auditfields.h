#pragma once

#include "ingest/fields.h"
#include "store/event.h"
#include "util/timeparse.h"

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mp {

using NameValue = std::pair<std::string, std::string>;

// Cmdlet parameters come as [{"Name":..,"Value":..}] (JSON, or JSON inside a string) or, in some
// Sentinel exports, as a PowerShell argument string: -Name "x" -ForwardTo "a@b.com" -Force.
std::vector<NameValue> parseParameters(const Fields &record, std::string_view path);
std::vector<NameValue> parsePowerShellArguments(std::string_view text);
std::string parametersJson(const std::vector<NameValue> &parameters);

// Every forwarding address a set of parameters configures: ForwardTo, ForwardAsAttachmentTo,
// RedirectTo (inbox rules), ForwardingSmtpAddress and ForwardingAddress (the mailbox), and the
// recipients of Forward/Redirect actions in UpdateInboxRules' RuleActions. Lower case, "smtp:"
// and quoting removed, in order of appearance, without repeats, ';' separated. A value without
// '@' is a recipient identity (ForwardingAddress "Eve Ops") and is kept as such; values that name
// nothing ($null, "{}", a .NET type name written by Export-Csv) are skipped.
std::string forwardingTargets(const std::vector<NameValue> &parameters);

// Fills an event from a unified audit log record (AuditData), or from Sentinel's flattened
// OfficeActivity row, whose columns carry the same names with a few aliases.
bool normalizeAuditRecord(const Fields &record, DateOrder order, Event &event, std::string *reason);

} // namespace mp
