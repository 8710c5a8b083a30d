#include "ui/backgroundpool.h"

#include <QCoreApplication>
#include <QThread>
#include <QThreadPool>

namespace mp::ui {

QThreadPool *backgroundPool()
{
    // Owned by the application, so that it waits for its jobs (which all take a cancel flag)
    // before the application goes away.
    static QThreadPool *pool = [] {
        auto *p = new QThreadPool(QCoreApplication::instance());
        p->setObjectName(QStringLiteral("mailpivot-background"));
        p->setMaxThreadCount(std::max(2, QThread::idealThreadCount()));
        p->setExpiryTimeout(30000);
        return p;
    }();
    return pool;
}

} // namespace mp::ui
