#include "ui/recordview.h"

#include "store/casestore.h"
#include "ui/textformat.h"

#include <QFontDatabase>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QToolButton>
#include <QVBoxLayout>

namespace mp::ui {

RecordView::RecordView(QWidget *parent)
    : QWidget(parent)
    , m_title(new QLabel(this))
    , m_subtitle(new QLabel(this))
    , m_source(new QLabel(this))
    , m_sha256(new QLineEdit(this))
    , m_provenance(new QWidget(this))
    , m_format(new QToolButton(this))
    , m_wrap(new QToolButton(this))
    , m_text(new QPlainTextEdit(this))
{
    // The operation and the file name come from the evidence: shown as text, never as markup.
    for (QLabel *label : {m_title, m_subtitle, m_source})
        label->setTextFormat(Qt::PlainText);
    m_title->setTextInteractionFlags(Qt::TextSelectableByMouse);
    QFont bold = m_title->font();
    bold.setBold(true);
    m_title->setFont(bold);
    m_source->setTextInteractionFlags(Qt::TextSelectableByMouse);
    // What an event says must not resize the panel (and shift the whole workspace) as the
    // analyst moves from row to row: long names are clipped, whole in the tool tips.
    for (QWidget *w : {static_cast<QWidget *>(m_title), static_cast<QWidget *>(m_subtitle), static_cast<QWidget *>(m_source),
                       static_cast<QWidget *>(m_sha256)})
        w->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    // The hash in full, selectable and scrollable when the panel is narrow: it is what a report
    // quotes to tie the record to the evidence file.
    m_sha256->setReadOnly(true);
    m_sha256->setFrame(false);
    QFont hashFont = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    hashFont.setPointSizeF(hashFont.pointSizeF() * 0.85);
    m_sha256->setFont(hashFont);
    m_sha256->setStyleSheet(QStringLiteral("QLineEdit { background: transparent; }"));
    // The hash on a line of its own: at full length it is wider than a side panel's label column
    // leaves room for.
    auto *form = new QGridLayout(m_provenance);
    form->setContentsMargins(0, 0, 0, 0);
    form->setVerticalSpacing(0);
    form->addWidget(new QLabel(QStringLiteral("Source"), m_provenance), 0, 0);
    form->addWidget(m_source, 0, 1);
    form->addWidget(new QLabel(QStringLiteral("SHA-256"), m_provenance), 1, 0, 1, 2);
    form->addWidget(m_sha256, 2, 0, 1, 2);
    form->setColumnStretch(1, 1);

    m_format->setText(QStringLiteral("Format JSON"));
    m_format->setCheckable(true);
    m_format->setToolTip(QStringLiteral("Show the JSON inside the record indented (the original stays as imported)"));
    m_wrap->setText(QStringLiteral("Wrap"));
    m_wrap->setCheckable(true);
    m_wrap->setChecked(true);
    connect(m_format, &QToolButton::toggled, this, &RecordView::render);
    connect(m_wrap, &QToolButton::toggled, this, [this](bool on) {
        m_text->setLineWrapMode(on ? QPlainTextEdit::WidgetWidth : QPlainTextEdit::NoWrap);
    });

    m_text->setReadOnly(true);
    m_text->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_text->setLineWrapMode(QPlainTextEdit::WidgetWidth);
    m_text->setWordWrapMode(QTextOption::WrapAtWordBoundaryOrAnywhere);
    m_text->setPlaceholderText(QStringLiteral("Select an event to see its original log record."));

    auto *top = new QHBoxLayout;
    top->addWidget(m_title, 1);
    top->addWidget(m_format);
    top->addWidget(m_wrap);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addLayout(top);
    layout->addWidget(m_subtitle);
    layout->addWidget(m_provenance);
    layout->addWidget(m_text, 1);
    clear();
}

void RecordView::clear()
{
    m_eventId = 0;
    m_record.clear();
    setHeading(QStringLiteral("No event selected"), QString());
    m_source->clear();
    m_sha256->clear();
    m_provenance->hide();
    render();
}

void RecordView::showRecord(CaseStore &store, std::int64_t eventId)
{
    if (eventId == 0 || !store.isOpen()) {
        clear();
        return;
    }
    const auto event = store.event(eventId);
    const auto raw = store.rawRecord(eventId);
    m_eventId = eventId;
    if (!event || !raw) {
        m_record.clear();
        setHeading(QStringLiteral("Original record unavailable"),
                   QStringLiteral("Event %1: its original record could not be read").arg(eventId));
        m_provenance->hide();
        render();
        return;
    }
    const auto source = store.source(event->event.sourceId);
    m_record = qstr(*raw);
    QString subtitle = QStringLiteral("Event %1").arg(eventId);
    if (event->event.hasTime())
        subtitle += QStringLiteral(" · %1 UTC").arg(formatTimeUtc(event->event.timeMs));
    setHeading(event->event.operation.empty() ? QString::fromLatin1(eventKindName(event->event.kind))
                                              : qstr(event->event.operation),
               subtitle);
    m_source->setText(QStringLiteral("%1:%2").arg(source ? qstr(source->name) : QStringLiteral("?"),
                                                  QString::number(event->event.line)));
    m_source->setToolTip(source ? plainToolTip(qstr(source->path)) : QString());
    m_sha256->setText(source ? qstr(source->sha256) : QStringLiteral("?"));
    m_sha256->setCursorPosition(0);
    m_provenance->show();
    render();
}

void RecordView::setHeading(const QString &title, const QString &subtitle)
{
    m_titleText = title;
    m_subtitleText = subtitle;
    m_subtitle->setVisible(!subtitle.isEmpty());
    elideHeading();
}

void RecordView::elideHeading()
{
    // Clipped mid-letter reads as broken; elided, the whole text is one hover away.
    for (const auto &[label, text] : {std::pair{m_title, m_titleText}, std::pair{m_subtitle, m_subtitleText}}) {
        label->setText(label->fontMetrics().elidedText(text, Qt::ElideRight, std::max(label->width(), 40)));
        // Tool tips render anything that looks like markup: the log's text goes in escaped.
        label->setToolTip(label->text() == text ? QString() : QStringLiteral("<qt>%1</qt>").arg(text.toHtmlEscaped()));
    }
}

void RecordView::resizeEvent(QResizeEvent *event)
{
    QWidget::resizeEvent(event);
    elideHeading();
}

QString RecordView::recordText() const
{
    return m_record;
}

QString RecordView::provenance() const
{
    if (m_source->text().isEmpty())
        return {};
    return QStringLiteral("%1 SHA-256 %2").arg(m_source->text(), m_sha256->text());
}

void RecordView::render()
{
    if (m_format->isChecked()) {
        const QString json = formattedJson(m_record);
        if (!json.isEmpty()) {
            m_text->setPlainText(json);
            return;
        }
    }
    m_text->setPlainText(m_record);
}

QString RecordView::formattedJson(const QString &record)
{
    const QString trimmed = record.trimmed();
    auto parse = [](const QString &text) {
        QJsonParseError error;
        const QJsonDocument doc = QJsonDocument::fromJson(text.toUtf8(), &error);
        return error.error == QJsonParseError::NoError && !doc.isNull()
                   ? QString::fromUtf8(doc.toJson(QJsonDocument::Indented)).trimmed()
                   : QString();
    };
    if (QString whole = parse(trimmed); !whole.isEmpty())
        return whole;
    // A CSV row: the JSON cell is quoted, with its quotes doubled.
    const qsizetype open = trimmed.indexOf(QStringLiteral("\"{"));
    const qsizetype close = trimmed.lastIndexOf(QStringLiteral("}\""));
    if (open < 0 || close <= open)
        return {};
    QString cell = trimmed.mid(open + 1, close - open);
    cell.replace(QStringLiteral("\"\""), QStringLiteral("\""));
    return parse(cell);
}

} // namespace mp::ui
