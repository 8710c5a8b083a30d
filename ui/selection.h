#pragma once

#include "store/event.h"

#include <QList>
#include <QMetaType>
#include <QObject>
#include <QString>
#include <QStringList>

namespace mp::ui {

// What the analyst is looking at: a finding, an incident, a campaign, an entity (user, IP,
// network, country, forwarding address, inbox rule, client app), one event or a time range.
// Every view of the workspace reads the same value and focuses on it in its own way: the events
// table filters to it, the graph centres on it, the timeline zooms to it, the map draws the user's
// trail. The fields a view does not understand are simply ignored by it.
struct Selection
{
    enum class Kind : quint8 {
        None,
        Finding,
        Incident,
        Campaign,
        User,
        Ip,
        Network,   // key: "AS<number>"
        Country,   // key: ISO 3166 alpha-2 code
        Address,   // key: an external recipient address (forwarding target)
        Rule,      // key: the rule's identity as the graph names it
        ClientApp, // key: the application or client string
        Event,     // id: the event's row id
        TimeRange, // just [fromMs, toMs), possibly narrowed to `user`
    };

    Kind kind = Kind::None;
    QString key;   // the entity's identity (see Kind); for findings and incidents their fingerprint
    qint64 id = 0; // row id in the case (finding, incident, event, campaign number)
    QString label; // what the history menu and panel headers show
    // What the selection concerns, for views that focus on users, addresses and time.
    QString user;                // lower-case UPN; empty when it is not about one user
    QStringList ips;             // most relevant first
    qint64 fromMs = kNoTime;     // inclusive
    qint64 toMs = kNoTime;       // exclusive
    QList<qint64> eventIds;      // the evidence, in time order; empty when not known

    bool isNone() const { return kind == Kind::None; }
    bool hasTimeRange() const { return fromMs != kNoTime || toMs != kNoTime; }
    bool operator==(const Selection &) const = default;

    // The same selection narrowed to [fromMs, toMs) (brushing a time range keeps what was
    // selected and only adds the window).
    Selection withTimeRange(qint64 fromMs, qint64 toMs) const;

    static Selection forUser(const QString &upn);
    static Selection forIp(const QString &ip);
    static Selection forEntity(Kind kind, const QString &key, const QString &label = {});
    static Selection forEvent(qint64 eventId, const QString &label = {});
    static Selection forTimeRange(qint64 fromMs, qint64 toMs, const QString &user = {});

    static QString kindName(Kind kind); // "finding", "user", … (stable: used in tests and menus)
    // One line for menus and headers: the label, or a description built from the fields.
    QString describe() const;
};

// The workspace's one current selection, with back and forward through what was selected before,
// like a browser. A view that changes the selection passes itself as `origin`, so that it can
// ignore the echo of its own change; every other view follows.
class SelectionHub : public QObject
{
    Q_OBJECT

public:
    explicit SelectionHub(QObject *parent = nullptr);

    const Selection &current() const;

    // Makes `selection` current and emits selectionChanged(). Unless it equals the current
    // selection (then nothing happens), it becomes a new history entry after the current one,
    // and the entries that were ahead of the current one (forward) are dropped.
    void select(const Selection &selection, const QObject *origin = nullptr);
    // Replaces the current entry without a new history step (a view refining what is selected,
    // e.g. dragging a time brush: one step for the whole drag, not one per mouse move).
    void refine(const Selection &selection, const QObject *origin = nullptr);

    bool canGoBack() const;
    bool canGoForward() const;
    void back();
    void forward();
    // Jumps to a history entry (the History menu); out-of-range indexes are ignored.
    void goTo(int index);
    // Forgets everything (the case was closed): current becomes None, history empty.
    void clear();

    const QList<Selection> &history() const { return m_history; }
    int historyIndex() const { return m_index; } // -1: empty history

    // The oldest entries are dropped beyond this.
    static constexpr int kMaxHistory = 200;

signals:
    // origin: the object that made the change (nullptr for navigation: back, forward, clear).
    void selectionChanged(const mp::ui::Selection &selection, const QObject *origin);
    void historyChanged();

private:
    QList<Selection> m_history;
    int m_index = -1;
    Selection m_none;
};

} // namespace mp::ui

Q_DECLARE_METATYPE(mp::ui::Selection)
