// Readers for mailbox state and mail flow: inbox rule snapshots and message trace.
#include "ingest/formatreader.h"

namespace mp {

void addMailboxReaders(std::vector<std::unique_ptr<FormatReader>> &readers)
{
    (void)readers;
}

} // namespace mp
