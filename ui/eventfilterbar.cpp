#include "ui/eventfilterbar.h"

#include "store/casestore.h"
#include "ui/backgroundpool.h"
#include "ui/textformat.h"
#include "util/ipaddr.h"

#include <QComboBox>
#include <QCompleter>
#include <QGridLayout>
#include <QLineEdit>
#include <QStringListModel>
#include <QStyle>
#include <QTimer>
#include <QToolButton>
#include <QtConcurrent>

namespace mp::ui {

namespace {

QStringList toStringList(const std::vector<std::string> &values)
{
    QStringList list;
    list.reserve(static_cast<qsizetype>(values.size()));
    for (const std::string &v : values)
        list << qstr(v);
    return list;
}

void setCompletions(QLineEdit *edit, const QStringList &values)
{
    auto *completer = new QCompleter(values, edit);
    completer->setCaseSensitivity(Qt::CaseInsensitive);
    completer->setFilterMode(Qt::MatchContains);
    completer->setMaxVisibleItems(12);
    delete edit->completer();
    edit->setCompleter(completer);
}

void setComboChoices(QComboBox *combo, const QStringList &values)
{
    const QString current = combo->currentText();
    const QSignalBlocker block(combo);
    combo->clear();
    combo->addItem(QString());
    combo->addItems(values);
    combo->setCurrentText(current);
    if (combo->completer()) {
        combo->completer()->setCaseSensitivity(Qt::CaseInsensitive);
        combo->completer()->setFilterMode(Qt::MatchContains);
        combo->completer()->setCompletionMode(QCompleter::PopupCompletion);
    }
}

QComboBox *editableCombo(const QString &placeholder, QWidget *parent)
{
    auto *combo = new QComboBox(parent);
    combo->setEditable(true);
    combo->setInsertPolicy(QComboBox::NoInsert);
    combo->lineEdit()->setPlaceholderText(placeholder);
    combo->lineEdit()->setClearButtonEnabled(true);
    combo->addItem(QString());
    return combo;
}

} // namespace

EventFilterBar::EventFilterBar(QWidget *parent)
    : QWidget(parent)
    , m_user(new QLineEdit(this))
    , m_ip(new QLineEdit(this))
    , m_operation(editableCombo(QStringLiteral("Operation"), this))
    , m_result(new QComboBox(this))
    , m_country(editableCombo(QStringLiteral("Country"), this))
    , m_kind(new QComboBox(this))
    , m_from(new QLineEdit(this))
    , m_to(new QLineEdit(this))
    , m_text(new QLineEdit(this))
    , m_clear(new QToolButton(this))
    , m_settle(new QTimer(this))
{
    m_user->setPlaceholderText(QStringLiteral("User"));
    m_user->setToolTip(QStringLiteral("Exact user (UPN), any letter case"));
    m_ip->setPlaceholderText(QStringLiteral("IP address"));
    m_ip->setToolTip(QStringLiteral("Exact address; ports and brackets are ignored"));
    m_from->setPlaceholderText(QStringLiteral("From (UTC)"));
    m_from->setToolTip(QStringLiteral("From this time, inclusive: 2024-03-12, 2024-03-12T08:00, or any time a log uses"));
    m_to->setPlaceholderText(QStringLiteral("To (UTC)"));
    m_to->setToolTip(QStringLiteral("Before this time"));
    m_text->setPlaceholderText(QStringLiteral("Search user, IP, subject, rule…"));
    m_text->setToolTip(QStringLiteral("Part of a user, IP, operation, subject, rule name, forwarding target or user agent, any letter case"));
    m_text->addAction(style()->standardIcon(QStyle::SP_FileDialogContentsView), QLineEdit::LeadingPosition);
    m_operation->setToolTip(QStringLiteral("Exact operation, any letter case (SignIn, New-InboxRule, Send, ...)"));
    m_country->setToolTip(QStringLiteral("Country code (GB, NL, ...)"));
    for (QLineEdit *e : {m_user, m_ip, m_from, m_to, m_text})
        e->setClearButtonEnabled(true);
    m_result->addItem(QStringLiteral("Any result"), static_cast<int>(ResultFilter::Any));
    m_result->addItem(QStringLiteral("Success"), static_cast<int>(ResultFilter::Success));
    m_result->addItem(QStringLiteral("Failure"), static_cast<int>(ResultFilter::Failure));
    m_kind->addItem(QStringLiteral("All kinds"), 0);
    m_kind->addItem(QStringLiteral("Sign-ins"), static_cast<int>(EventKind::SignIn));
    m_kind->addItem(QStringLiteral("Audit"), static_cast<int>(EventKind::Audit));
    m_kind->addItem(QStringLiteral("Messages"), static_cast<int>(EventKind::Message));
    m_kind->addItem(QStringLiteral("Rule snapshots"), static_cast<int>(EventKind::RuleSnapshot));
    m_clear->setText(QStringLiteral("Clear"));
    m_clear->setToolTip(QStringLiteral("Clear every filter"));

    m_layout = new QGridLayout(this);
    m_layout->setContentsMargins(0, 0, 0, 0);
    m_layout->setHorizontalSpacing(4);
    m_layout->setVerticalSpacing(4);
    // Room for each placeholder and its clear button: a clipped label reads as broken.
    m_oneRowWidth = 0;
    int rowWidth[2] = {0, 0};
    int index = 0;
    for (QWidget *w : std::initializer_list<QWidget *>{m_text, m_user, m_ip, m_operation, m_country, m_result, m_kind, m_from, m_to, m_clear}) {
        int room = w->sizeHint().width();
        if (auto *edit = qobject_cast<QLineEdit *>(w))
            room = edit->fontMetrics().horizontalAdvance(edit->placeholderText()) + 44;
        else if (auto *combo = qobject_cast<QComboBox *>(w); combo && combo->isEditable())
            room = combo->fontMetrics().horizontalAdvance(combo->lineEdit()->placeholderText()) + 64;
        w->setMinimumWidth(room);
        m_oneRowWidth += room + m_layout->horizontalSpacing();
        rowWidth[index++ / 5] += room + m_layout->horizontalSpacing();
    }
    m_twoRowWidth = std::max(rowWidth[0], rowWidth[1]);
    arrange(false);

    m_settle->setSingleShot(true);
    m_settle->setInterval(kSettleMs);
    connect(m_settle, &QTimer::timeout, this, &EventFilterBar::apply);
    for (QLineEdit *e : {m_user, m_ip, m_from, m_to, m_text}) {
        connect(e, &QLineEdit::textChanged, this, &EventFilterBar::edited);
        connect(e, &QLineEdit::returnPressed, this, &EventFilterBar::apply);
    }
    for (QComboBox *c : {m_operation, m_country}) {
        connect(c, &QComboBox::currentTextChanged, this, &EventFilterBar::edited);
        connect(c->lineEdit(), &QLineEdit::returnPressed, this, &EventFilterBar::apply);
    }
    for (QComboBox *c : {m_result, m_kind})
        connect(c, &QComboBox::currentIndexChanged, this, &EventFilterBar::apply);
    connect(m_clear, &QToolButton::clicked, this, &EventFilterBar::clearFilters);
    connect(&m_choices, &QFutureWatcher<Choices>::finished, this, [this] {
        if (m_choices.future().resultCount() > 0)
            setChoices(m_choices.result());
    });
}

EventFilterBar::~EventFilterBar()
{
    // The reading task holds nothing of this widget: let it end on its own.
    if (m_choicesCancel)
        m_choicesCancel->store(true);
}

void EventFilterBar::arrange(bool twoRows)
{
    m_twoRows = twoRows;
    while (m_layout->count() > 0)
        delete m_layout->takeAt(0);
    for (int c = 0; c < m_layout->columnCount(); ++c)
        m_layout->setColumnStretch(c, 0);
    // Stretch: the free text gets the most room, then the user; the rest keep their width.
    const std::pair<QWidget *, int> fields[] = {{m_text, 5}, {m_user, 3},  {m_ip, 2},     {m_operation, 2}, {m_country, 1},
                                                {m_result, 0}, {m_kind, 0}, {m_from, 1}, {m_to, 1},          {m_clear, 0}};
    const int perRow = twoRows ? 5 : 10;
    for (int i = 0; i < 10; ++i) {
        const int row = i / perRow;
        const int column = i % perRow;
        m_layout->addWidget(fields[i].first, row, column);
        if (row == 0 || twoRows)
            m_layout->setColumnStretch(column, std::max(m_layout->columnStretch(column), fields[i].second));
    }
}

QSize EventFilterBar::minimumSizeHint() const
{
    // One row needs the most room; the bar may shrink to what two rows need, and rearranges.
    QSize size = QWidget::minimumSizeHint();
    size.setWidth(std::min(size.width(), m_twoRowWidth));
    return size;
}

void EventFilterBar::resizeEvent(QResizeEvent *event)
{
    QWidget::resizeEvent(event);
    const bool twoRows = width() < m_oneRowWidth;
    if (twoRows != m_twoRows)
        arrange(twoRows);
}

void EventFilterBar::edited()
{
    if (!m_applying)
        m_settle->start();
}

void EventFilterBar::markInvalid(QLineEdit *edit, bool invalid, const QString &why)
{
    if (edit->property("invalid").toBool() == invalid)
        return;
    edit->setProperty("invalid", invalid);
    QPalette palette = edit->palette();
    palette.setColor(QPalette::Base, invalid ? QColor(0xfd, 0xe4, 0xe4) : QWidget::palette().color(QPalette::Base));
    edit->setPalette(invalid ? palette : QPalette());
    edit->setStatusTip(why);
    if (invalid)
        edit->setToolTip(why);
}

EventQuery EventFilterBar::query() const
{
    EventQuery q;
    q.user = m_user->text().trimmed().toStdString();
    const std::string ip = normalizeIp(m_ip->text().toStdString());
    if (!ip.empty())
        q.ip = ip;
    q.operation = m_operation->currentText().trimmed().toStdString();
    q.country = m_country->currentText().trimmed().toStdString();
    q.result = static_cast<ResultFilter>(m_result->currentData().toInt());
    if (const int kind = m_kind->currentData().toInt(); kind != 0)
        q.kinds = {static_cast<EventKind>(kind)};
    std::int64_t ms = 0;
    if (parseUserTime(m_from->text(), &ms))
        q.fromMs = ms;
    if (parseUserTime(m_to->text(), &ms))
        q.toMs = ms;
    q.text = m_text->text().trimmed().toStdString();
    return q;
}

QStringList EventFilterBar::invalidFields() const
{
    QStringList fields;
    for (const QLineEdit *e : {m_ip, m_from, m_to}) {
        if (e->property("invalid").toBool())
            fields << e->placeholderText();
    }
    return fields;
}

void EventFilterBar::apply()
{
    m_settle->stop();
    const bool badIp = !m_ip->text().trimmed().isEmpty() && normalizeIp(m_ip->text().toStdString()).empty();
    markInvalid(m_ip, badIp, QStringLiteral("Not an IP address: left out of the filter"));
    std::int64_t ms = 0;
    for (QLineEdit *e : {m_from, m_to}) {
        const bool bad = !e->text().trimmed().isEmpty() && !parseUserTime(e->text(), &ms);
        markInvalid(e, bad, QStringLiteral("Not a time (use ISO 8601, e.g. 2024-03-12T08:00): left out of the filter"));
    }
    const EventQuery q = query();
    if (q == m_applied)
        return;
    m_applied = q;
    emit changed();
}

void EventFilterBar::setQuery(const EventQuery &q)
{
    m_applying = true;
    m_user->setText(QString::fromStdString(q.user));
    m_ip->setText(QString::fromStdString(q.ip));
    m_operation->setCurrentText(QString::fromStdString(q.operation));
    m_country->setCurrentText(QString::fromStdString(q.country));
    m_result->setCurrentIndex(m_result->findData(static_cast<int>(q.result)));
    m_kind->setCurrentIndex(q.kinds.size() == 1 ? std::max(0, m_kind->findData(static_cast<int>(q.kinds.front()))) : 0);
    m_from->setText(q.fromMs == kNoTime ? QString() : formatTimeIso(q.fromMs));
    m_to->setText(q.toMs == kNoTime ? QString() : formatTimeIso(q.toMs));
    m_text->setText(QString::fromStdString(q.text));
    // A value set from elsewhere (a selected finding) reads from its start.
    for (QLineEdit *e : {m_user, m_ip, m_from, m_to, m_text})
        e->setCursorPosition(0);
    m_applying = false;
    apply();
}

void EventFilterBar::clearFilters()
{
    setQuery({});
}

void EventFilterBar::setChoices(const Choices &choices)
{
    setCompletions(m_user, choices.users);
    setCompletions(m_ip, choices.ips);
    m_applying = true;
    setComboChoices(m_operation, choices.operations);
    setComboChoices(m_country, choices.countries);
    m_applying = false;
}

EventFilterBar::Choices EventFilterBar::readChoices(const std::string &casePath, const std::atomic_bool *cancel)
{
    Choices choices;
    CaseStore store;
    if (!store.open(casePath, false, nullptr))
        return choices;
    store.database().exec("PRAGMA query_only=1;");
    choices.users = toStringList(distinctEventValues(store.database(), EventColumn::User, 100000, cancel));
    choices.ips = toStringList(distinctEventValues(store.database(), EventColumn::Ip, 100000, cancel));
    choices.operations = toStringList(distinctEventValues(store.database(), EventColumn::Operation, 5000, cancel));
    choices.countries = toStringList(distinctEventValues(store.database(), EventColumn::Country, 1000, cancel));
    return choices;
}

void EventFilterBar::loadChoices(const QString &casePath)
{
    if (m_choicesCancel)
        m_choicesCancel->store(true);
    m_choicesCancel = std::make_shared<std::atomic_bool>(false);
    m_choices.setFuture(QtConcurrent::run(backgroundPool(), [path = casePath.toStdString(), cancel = m_choicesCancel] {
        return readChoices(path, cancel.get());
    }));
}

} // namespace mp::ui
