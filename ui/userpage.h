#pragma once

#include "ui/selection.h"

#include <QString>
#include <QWidget>

#include <atomic>
#include <memory>

class QComboBox;
class QLabel;
class QTextBrowser;
class QUrl;

namespace mp::ui {

// "Triage this mailbox": one user's page. The incident story in order, sign-ins by place
// (country, city, network, successes and failures), inbox rules and forwarding with their
// parameters, sends per hour, and the evidence behind each finding. Read off the GUI thread in
// one indexed pass over the user's events (a big case costs what the user's own events cost).
class UserPage : public QWidget
{
    Q_OBJECT

public:
    explicit UserPage(QWidget *parent = nullptr);
    ~UserPage() override;

    void setCase(const QString &casePath);
    // Users offered in the chooser (those with findings first).
    void setUsers(const QStringList &users);
    void showUser(const QString &user);
    QString user() const { return m_user; }
    bool isLoading() const { return m_loading; }
    QString html() const;
    QString plainText() const;
    QTextBrowser *browser() const { return m_browser; }

signals:
    void eventActivated(qint64 eventId);
    void selectionRequested(const mp::ui::Selection &selection);

private:
    void linkClicked(const QUrl &url);

    QComboBox *m_chooser;
    QLabel *m_status;
    QTextBrowser *m_browser;
    QString m_casePath;
    QString m_user;
    bool m_loading = false;
    std::shared_ptr<std::atomic_bool> m_cancel;
    QList<Selection> m_links;
};

} // namespace mp::ui
