#pragma once

#include <QWidget>

#include <cstdint>
#include <optional>
#include <string>

class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QToolButton;

namespace mp {
class CaseStore;
}

namespace mp::ui {

// The original log record of one event, exactly as it stood in the imported file, with where it
// came from (file:line, the file's SHA-256), so that any row can be checked against the evidence.
class RecordView : public QWidget
{
    Q_OBJECT

public:
    explicit RecordView(QWidget *parent = nullptr);

    // Shows the record of `eventId` read through `store`; 0 clears the view.
    void showRecord(CaseStore &store, std::int64_t eventId);
    void clear();
    std::int64_t eventId() const { return m_eventId; }
    QString recordText() const;   // the original text shown
    QString provenance() const;   // "file:line SHA-256 <hex>"

    // The JSON object inside a record (a JSON line, or the AuditData cell of a CSV row with its
    // quotes doubled), indented; empty when there is none.
    static QString formattedJson(const QString &record);

protected:
    void resizeEvent(QResizeEvent *event) override;

private:
    void render();
    void setHeading(const QString &title, const QString &subtitle);
    void elideHeading();

    QLabel *m_title;
    QLabel *m_subtitle;
    QString m_titleText;
    QString m_subtitleText;
    QLabel *m_source;
    QLineEdit *m_sha256;
    QWidget *m_provenance;
    QToolButton *m_format;
    QToolButton *m_wrap;
    QPlainTextEdit *m_text;
    std::int64_t m_eventId = 0;
    QString m_record;
};

} // namespace mp::ui
