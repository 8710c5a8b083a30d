#pragma once

#include "store/eventquery.h"

#include <QFutureWatcher>
#include <QStringList>
#include <QWidget>

#include <atomic>
#include <memory>

class QComboBox;
class QGridLayout;
class QLineEdit;
class QTimer;
class QToolButton;

namespace mp::ui {

// The filters above the events table: user, IP, operation, result, country, kind, time range and
// free text. Typing settles for a moment before the query runs; choices (users, addresses,
// operations, countries seen in the case) are offered as completions, loaded off the GUI thread.
// On a narrow window the fields take two rows rather than clipping their labels.
// A field that cannot be read (an IP that is not one, a time that is not one) is marked and left
// out of the query rather than silently matching nothing.
class EventFilterBar : public QWidget
{
    Q_OBJECT

public:
    struct Choices
    {
        QStringList users;
        QStringList ips;
        QStringList operations;
        QStringList countries;
    };

    explicit EventFilterBar(QWidget *parent = nullptr);
    ~EventFilterBar() override;

    // The filters as they stand (the sort order is the table's business).
    EventQuery query() const;
    // Shows these filters (e.g. from a selection in another view) and emits changed().
    void setQuery(const EventQuery &query);
    void clearFilters();
    // Fields whose text could not be read, by their placeholder names; empty when all are fine.
    QStringList invalidFields() const;

    void setChoices(const Choices &choices);
    // Reads the choices of a case on a worker thread with a connection of its own.
    void loadChoices(const QString &casePath);
    static Choices readChoices(const std::string &casePath, const std::atomic_bool *cancel = nullptr);

    QSize minimumSizeHint() const override;

    // How long typing settles before the query runs.
    static constexpr int kSettleMs = 150;

signals:
    void changed();

protected:
    void resizeEvent(QResizeEvent *event) override;

private:
    void arrange(bool twoRows);
    void edited();
    void apply();
    void markInvalid(QLineEdit *edit, bool invalid, const QString &why);

    QLineEdit *m_user;
    QLineEdit *m_ip;
    QComboBox *m_operation;
    QComboBox *m_result;
    QComboBox *m_country;
    QComboBox *m_kind;
    QLineEdit *m_from;
    QLineEdit *m_to;
    QLineEdit *m_text;
    QToolButton *m_clear;
    QTimer *m_settle;
    QGridLayout *m_layout;
    int m_oneRowWidth = 0; // the width at which every field shows its placeholder on one row
    int m_twoRowWidth = 0; // the same on two rows
    bool m_twoRows = false;
    QFutureWatcher<Choices> m_choices;
    std::shared_ptr<std::atomic_bool> m_choicesCancel;
    EventQuery m_applied;
    bool m_applying = false;
};

} // namespace mp::ui
