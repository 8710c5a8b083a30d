#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace mp {

class Statement;

// A thin RAII owner of one SQLite connection. Errors are returned, never thrown; the last message
// stays readable through errorMessage().
class Database
{
public:
    Database() = default;
    ~Database();
    Database(const Database &) = delete;
    Database &operator=(const Database &) = delete;
    Database(Database &&other) noexcept;
    Database &operator=(Database &&other) noexcept;

    bool open(const std::string &path, bool create);
    void close();
    bool isOpen() const { return m_db != nullptr; }

    // Runs one or more statements with no bound values (schema, pragmas, transactions).
    bool exec(std::string_view sql);
    std::int64_t lastInsertId() const;
    int changes() const;
    std::string errorMessage() const;
    sqlite3 *handle() const { return m_db; }

private:
    sqlite3 *m_db = nullptr;
};

// A prepared statement. Every value is bound, never spliced into SQL text.
class Statement
{
public:
    Statement() = default;
    Statement(Database &db, std::string_view sql);
    ~Statement();
    Statement(const Statement &) = delete;
    Statement &operator=(const Statement &) = delete;
    Statement(Statement &&other) noexcept;
    Statement &operator=(Statement &&other) noexcept;

    bool isValid() const { return m_stmt != nullptr; }

    // Binding: index is 1-based as in SQLite. Empty text binds NULL when emptyIsNull is set.
    void bindNull(int index);
    void bind(int index, std::int64_t value);
    void bind(int index, int value) { bind(index, static_cast<std::int64_t>(value)); }
    void bind(int index, double value);
    void bind(int index, std::string_view text, bool emptyIsNull = true);
    void bind(int index, const char *text) { bind(index, std::string_view(text)); }
    // Binds without copying: text must stay valid and unchanged until the statement is stepped.
    void bindStatic(int index, std::string_view text, bool emptyIsNull = true);
    void bindBlob(int index, const void *data, std::size_t size);

    // Returns true while a row is available; false when done or on error (see failed()).
    bool step();
    bool failed() const { return m_failed; }
    // Steps once, expecting no row; resets for reuse. Returns false on error.
    bool run();
    // Like run() but leaves the bindings in place: for hot loops that rebind every parameter.
    bool runKeepBindings();
    void reset();

    int columnCount() const;
    bool isNull(int column) const;
    std::int64_t int64(int column) const;
    double real(int column) const;
    std::string text(int column) const;
    std::string_view textView(int column) const; // valid until the next step/reset
    std::string_view blob(int column) const;     // valid until the next step/reset
    std::string columnName(int column) const;

private:
    sqlite3_stmt *m_stmt = nullptr;
    bool m_failed = false;
};

} // namespace mp
