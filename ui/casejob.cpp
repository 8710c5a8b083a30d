#include "ui/casejob.h"

#include <QCoreApplication>
#include <QThreadPool>

namespace mp::ui {

QThreadPool *caseReadPool()
{
    // Owned by the application, so that it waits for its jobs before the application goes away.
    static QThreadPool *pool = [] {
        auto *p = new QThreadPool(QCoreApplication::instance());
        p->setObjectName(QStringLiteral("mailpivot-case-reads"));
        p->setMaxThreadCount(2);
        p->setExpiryTimeout(30000);
        return p;
    }();
    return pool;
}

} // namespace mp::ui
