#include "ingest/formatreader.h"

#include "util/strings.h"

#include <algorithm>

namespace mp {

namespace {

bool looksIsoTime(std::string_view value)
{
    value = trim(value);
    return value.size() >= 10 && value[4] == '-' && value[7] == '-';
}

std::vector<std::string> lowerKeys(simdjson::dom::object object)
{
    std::vector<std::string> keys;
    for (auto field : object)
        keys.push_back(toLowerAscii(field.key));
    return keys;
}

const char *orderCode(DateOrder order)
{
    return order == DateOrder::DayFirst ? "dmy" : "mdy";
}

} // namespace

bool Sniff::hasKey(std::string_view lowerName) const
{
    return std::find(jsonKeys.begin(), jsonKeys.end(), lowerName) != jsonKeys.end();
}

bool Sniff::hasNestedKey(std::string_view lowerName) const
{
    return std::find(nestedKeys.begin(), nestedKeys.end(), lowerName) != nestedKeys.end();
}

Sniff sniffText(std::string_view text)
{
    Sniff sniff;
    sniff.text = text;
    sniff.layout = JsonSplitter::detectLayout(text);
    if (sniff.layout != JsonLayout::NotJson) {
        JsonSplitter splitter(text);
        JsonSpan span;
        // The first record that parses tells the format; a broken first record is not fatal.
        simdjson::dom::parser parser;
        for (int tries = 0; tries < 5 && splitter.next(span); ++tries) {
            simdjson::dom::element root;
            simdjson::dom::object object;
            if (parser.parse(text.data() + span.offset, span.length, true).get(root)) {
                // Published examples have trailing commas; the reader forgives them too.
                std::size_t comma = std::string_view::npos;
                const std::string fixed = JsonSplitter::withoutTrailingCommas(text.substr(span.offset, span.length), &comma);
                if (comma == std::string_view::npos || parser.parse(fixed).get(root))
                    continue;
            }
            if (root.get_object().get(object))
                continue;
            sniff.jsonKeys = lowerKeys(object);
            simdjson::dom::object properties;
            if (!object.at_key_case_insensitive("properties").get_object().get(properties))
                sniff.nestedKeys = lowerKeys(properties);
            break;
        }
        return sniff;
    }
    sniff.isCsv = true;
    std::string_view body = text;
    if (body.rfind("#TYPE", 0) == 0 || body.rfind("#type", 0) == 0) {
        sniff.hasTypeLine = true;
        const std::size_t eol = body.find('\n');
        body = eol == std::string_view::npos ? std::string_view{} : body.substr(eol + 1);
    }
    CsvScanner scanner(body.substr(0, 1 << 20), CsvScanner::guessDelimiter(body)); // no real header exceeds 1 MiB: never split a 50 MB line into millions of columns
    CsvRecord header;
    if (scanner.next(header))
        sniff.header = CsvHeader(header.fields);
    return sniff;
}

const std::vector<const FormatReader *> &formatReaders()
{
    static const auto owned = [] {
        std::vector<std::unique_ptr<FormatReader>> readers;
        addSignInReaders(readers);
        addAuditReaders(readers);
        addMailboxReaders(readers);
        addDirectoryReaders(readers);
        return readers;
    }();
    static const auto list = [] {
        std::vector<const FormatReader *> result;
        for (const auto &reader : owned)
            result.push_back(reader.get());
        return result;
    }();
    return list;
}

const FormatReader *findReader(std::string_view id)
{
    for (const auto *reader : formatReaders()) {
        if (id == reader->id())
            return reader;
    }
    return nullptr;
}

const FormatReader *detectFormat(const Sniff &sniff, std::string *why)
{
    const FormatReader *best = nullptr;
    int bestScore = 0;
    for (const auto *reader : formatReaders()) {
        const int score = reader->score(sniff);
        if (score > bestScore) {
            best = reader;
            bestScore = score;
        }
    }
    if (!best && why) {
        if (sniff.isCsv) {
            std::string names;
            for (int i = 0; i < std::min(sniff.header.size(), 6); ++i)
                names += (i ? ", " : "") + sniff.header.names()[static_cast<std::size_t>(i)];
            *why = sniff.header.size() > 1 ? "unrecognised CSV columns (" + names + ", ...)"
                                           : "neither JSON nor a CSV table with a known header";
        } else if (sniff.jsonKeys.empty()) {
            *why = "JSON with no readable record";
        } else {
            std::string names;
            for (std::size_t i = 0; i < std::min<std::size_t>(sniff.jsonKeys.size(), 6); ++i)
                names += (i ? ", " : "") + sniff.jsonKeys[i];
            *why = "unrecognised JSON records (fields " + names + ", ...)";
        }
    }
    return best;
}

ReadResult CsvFormatReader::read(std::string_view text, const ReadOptions &options, ReadSink &sink) const
{
    ReadResult result;
    std::size_t bodyStart = 0;
    std::int64_t lineOffset = 0;
    if (text.rfind("#TYPE", 0) == 0 || text.rfind("#type", 0) == 0) {
        const std::size_t eol = text.find('\n');
        bodyStart = eol == std::string_view::npos ? text.size() : eol + 1;
        lineOffset = 1;
    }
    const std::string_view body = text.substr(bodyStart);
    const char delimiter = CsvScanner::guessDelimiter(body);
    CsvScanner scanner(body, delimiter);
    CsvRecord row;
    if (!scanner.next(row)) {
        sink.warn(1, "the file has no header row");
        return result;
    }
    const CsvHeader header(row.fields);
    // Real exports have dozens of columns, Log Analytics a few hundred; a "header" of thousands
    // is some other text forced through this reader (--format): refuse it rather than grind.
    constexpr std::size_t kMaxColumns = 10000;
    if (row.fields.size() > kMaxColumns) {
        result.fatal = "the first line has " + std::to_string(row.fields.size())
            + " columns: not a CSV export this reader knows";
        return result;
    }

    // Day/month order: decided once for the whole file, from values that can only be read one way.
    DateOrder order = options.dateOrder;
    const auto timeColumns = localeTimeColumns();
    if (order != DateOrder::Unknown) {
        result.dateOrder = orderCode(order);
        result.dateOrderNote = "set by the user";
    } else if (!timeColumns.empty()) {
        std::vector<int> columns;
        for (const auto name : timeColumns) {
            if (const int c = header.column(name); c >= 0)
                columns.push_back(c);
        }
        DateOrderVote vote;
        bool anyLocale = false;
        CsvScanner pre(body, delimiter);
        CsvRecord r;
        pre.next(r); // header
        // Exporters write one locale per file, so a few hundred dates that can only be read one
        // way, with none against them, settle it; scanning on would only cost time.
        constexpr int kEnoughEvidence = 256;
        std::size_t scanned = 0;
        while (pre.next(r)) {
            if ((++scanned & 0xfff) == 0) {
                if (sink.cancelled())
                    return result;
                sink.prepassProgress(bodyStart + pre.position());
            }
            if (vote.evidence() >= kEnoughEvidence && !vote.ambiguous())
                break;
            for (const int c : columns) {
                if (c < static_cast<int>(r.fields.size())) {
                    const std::string_view value = r.fields[static_cast<std::size_t>(c)];
                    if (!value.empty() && !looksIsoTime(value)) {
                        anyLocale = true;
                        vote.add(value);
                    }
                }
            }
        }
        if (anyLocale) {
            order = vote.decide();
            if (vote.ambiguous()) {
                order = order == DateOrder::Unknown ? DateOrder::MonthFirst : order;
                result.dateOrderNote = std::string("dates in this file contradict each other; assumed ")
                    + (order == DateOrder::DayFirst ? "day/month" : "month/day")
                    + ": check it or set --date-order";
            } else if (order == DateOrder::Unknown) {
                order = DateOrder::MonthFirst;
                result.dateOrderNote = "no date in the file can only be read one way; assumed month/day "
                                       "(US export default): set --date-order dmy if that is wrong";
            } else {
                result.dateOrderNote = std::to_string(vote.evidence())
                    + " dates can only be read as "
                    + (order == DateOrder::DayFirst ? "day/month" : "month/day");
            }
            result.dateOrder = orderCode(order);
        }
    }

    ParseArena arena;
    // One event for the whole file, reset from a blank one per row: copy-assigning strings keeps
    // their buffers, so the normaliser fills them without an allocation per field and row.
    const Event blank;
    Event event;
    std::size_t rows = 0;
    const std::size_t expected = row.fields.size();
    while (scanner.next(row)) {
        if (row.fields.size() == 1 && row.fields[0].empty())
            continue;
        const std::int64_t line = row.line + lineOffset;
        if ((++rows & 0xfff) == 0) {
            if (sink.cancelled())
                return result;
            sink.progress(bodyStart + scanner.position());
        }
        if (row.unterminatedQuote) {
            sink.reject(line, "a quoted cell is not closed before the end of the file (truncated export)");
            continue;
        }
        if (row.fields.size() < expected) {
            sink.reject(line, "row has " + std::to_string(row.fields.size()) + " of the header's "
                                  + std::to_string(expected) + " columns");
            continue;
        }
        arena.reset();
        event = blank;
        event.line = line;
        event.rawOffset = bodyStart + row.offset;
        event.rawLength = row.length;
        std::string reason;
        const Fields fields(arena, header, row);
        if (normalize(fields, order, event, &reason))
            sink.record(event);
        else
            sink.reject(line, reason);
    }
    sink.progress(text.size());
    return result;
}

ReadResult JsonFormatReader::read(std::string_view text, const ReadOptions &options, ReadSink &sink) const
{
    ReadResult result;
    const DateOrder order = options.dateOrder == DateOrder::Unknown ? DateOrder::MonthFirst : options.dateOrder;
    JsonSplitter splitter(text);
    ParseArena arena;
    const Event blank; // reset per record, keeping the strings' buffers (see CsvFormatReader::read)
    Event event;
    JsonSpan span;
    std::size_t records = 0;
    while (splitter.next(span)) {
        if ((++records & 0xfff) == 0) {
            if (sink.cancelled())
                return result;
            sink.progress(span.offset);
        }
        if (span.truncated) {
            sink.reject(span.line, splitter.problem());
            continue;
        }
        if (!splitter.problem().empty())
            sink.warn(splitter.problemLine(), splitter.problem());
        arena.reset();
        std::string error;
        const std::string_view recordText = text.substr(span.offset, span.length);
        auto root = arena.parse(recordText, &error);
        if (!root) {
            // A trailing comma before } or ] is the one defect common enough in real exports
            // and published examples to forgive: read the record, and say so.
            std::size_t comma = std::string_view::npos;
            const std::string fixed = JsonSplitter::withoutTrailingCommas(recordText, &comma);
            if (comma != std::string_view::npos)
                root = arena.parse(fixed);
            if (!root) {
                sink.reject(span.line, "invalid JSON: " + error);
                continue;
            }
            const auto commaLine = span.line
                + std::count(recordText.begin(), recordText.begin() + static_cast<std::ptrdiff_t>(comma), '\n');
            sink.warn(commaLine, "trailing comma before a closing bracket (invalid JSON); the record "
                                 "was read as if the comma were not there");
        }
        simdjson::dom::object object;
        if (root->get_object().get(object)) {
            sink.reject(span.line, "the record is not a JSON object");
            continue;
        }
        event = blank;
        event.line = span.line;
        event.rawOffset = span.offset;
        event.rawLength = span.length;
        std::string reason;
        if (normalize(Fields(arena, object), order, event, &reason))
            sink.record(event);
        else
            sink.reject(span.line, reason);
    }
    if (!splitter.problem().empty())
        sink.warn(splitter.problemLine(), splitter.problem());
    sink.progress(text.size());
    return result;
}

} // namespace mp
