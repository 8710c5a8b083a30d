#pragma once

#include "ui/selection.h"

#include <QStringList>
#include <QWidget>

#include <atomic>
#include <memory>

class QTextBrowser;
class QUrl;

namespace mp::ui {

class FindingsModel;

// Entity details: what is selected, in full. A finding: detector, severity, summary, its details
// rendered as tables, and the evidence (clicking a row selects that event). An incident: its
// story. A user or an IP: events, sign-ins, first and last seen, countries, networks, the
// addresses or users on the other side, and the findings that concern it. Case data is read off
// the GUI thread; every text that came from a log is HTML-escaped.
class DetailsPanel : public QWidget
{
    Q_OBJECT

public:
    explicit DetailsPanel(const FindingsModel *findings, QWidget *parent = nullptr);
    ~DetailsPanel() override;

    void setCase(const QString &casePath);
    void showSelection(const Selection &selection);
    bool isLoading() const { return m_loading; }
    QString html() const;
    QString plainText() const;
    QTextBrowser *browser() const { return m_browser; }

signals:
    void eventActivated(qint64 eventId);
    void selectionRequested(const mp::ui::Selection &selection);

private:
    void render();
    void linkClicked(const QUrl &url);
    QString link(const Selection &target, const QString &text);

    const FindingsModel *m_findings;
    QTextBrowser *m_browser;
    QString m_casePath;
    Selection m_selection;
    QString m_body;     // filled by the background reads
    bool m_loading = false;
    std::shared_ptr<std::atomic_bool> m_cancel;
    QList<Selection> m_links;
};

} // namespace mp::ui
