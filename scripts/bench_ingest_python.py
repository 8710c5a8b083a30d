#!/usr/bin/env python3
"""Baseline for the ingest benchmark: a plain-Python import of a Purview audit search export.

    scripts/bench_ingest_python.py FILE.csv DB.sqlite [--indexes-first]

What a competent analyst would write with the standard library only (csv, json, sqlite3): read the
CSV, parse each AuditData JSON object, normalise the same columns Mailpivot's case keeps (see the
events table in core/store/casestore.cpp), keep the original record text, insert everything in
one transaction into a WAL database, then build the same indexes. It is meant to be fair, not
slow: executemany over a generator, cached address normalisation, one commit.

What it does not do that `mailpivot ingest` does: GeoIP enrichment (no MaxMind reader in the
standard library), compression of the original text, per-row problem records, sha256 of the file.

By default the secondary indexes are built after the load (the fast way in SQLite);
--indexes-first creates them before, as Mailpivot's schema does. The unique dedup index is always
there first, since INSERT OR IGNORE needs it. Prints one JSON line with the counts.
"""

import csv
import functools
import hashlib
import ipaddress
import json
import os
import re
import sqlite3
import sys
import time
from datetime import datetime, timezone

KIND_AUDIT = 1  # EventKind::Audit

SCHEMA = """
CREATE TABLE events(
    id INTEGER PRIMARY KEY,
    dedup_key INTEGER NOT NULL,
    kind INTEGER NOT NULL,
    time INTEGER,
    record_id TEXT,
    user TEXT,
    ip TEXT,
    operation TEXT,
    workload TEXT,
    record_type TEXT,
    app TEXT,
    client_app TEXT,
    user_agent TEXT,
    result_code INTEGER,
    result_status TEXT,
    session_id TEXT,
    subject TEXT,
    message_id TEXT,
    size_bytes INTEGER,
    rule_name TEXT,
    parameters TEXT,
    forward_targets TEXT,
    object_id TEXT,
    line INTEGER NOT NULL,
    raw TEXT NOT NULL
);
CREATE UNIQUE INDEX events_dedup ON events(dedup_key);
"""

INDEXES = """
CREATE INDEX events_time ON events(time);
CREATE INDEX events_user_time ON events(user, time);
CREATE INDEX events_ip_time ON events(ip, time);
CREATE INDEX events_operation_time ON events(operation COLLATE NOCASE, time);
"""

INSERT = ("INSERT OR IGNORE INTO events(dedup_key, kind, time, record_id, user, ip, operation, "
          "workload, record_type, app, client_app, user_agent, result_code, result_status, "
          "session_id, subject, message_id, size_bytes, rule_name, parameters, forward_targets, "
          "object_id, line, raw) VALUES(" + ",".join("?" * 24) + ")")

FORWARDING = {"forwardto", "forwardasattachmentto", "redirectto", "forwardingsmtpaddress",
              "forwardingaddress"}
ADDRESS = re.compile(r"[A-Za-z0-9._%+'-]+@[A-Za-z0-9._%+'-]+")
UTC = timezone.utc


@functools.lru_cache(maxsize=1 << 16)
def normalize_ip(raw):
    """Canonical text of an address written as v4, v4:port, [v6]:port or v6; '' if none."""
    s = raw.strip(" \t\r\n\"'")
    if not s:
        return ""
    if s[0] == "[":
        end = s.find("]")
        s = s[1:end] if end > 0 else ""
    elif s.count(":") == 1:
        s = s.split(":", 1)[0]
    s = s.split("%", 1)[0]
    try:
        address = ipaddress.ip_address(s)
    except ValueError:
        return ""
    if address.version == 6 and address.ipv4_mapped:
        address = address.ipv4_mapped
    return str(address)


def parse_time_ms(text):
    t = datetime.fromisoformat(text)
    if t.tzinfo is None:
        t = t.replace(tzinfo=UTC)
    return int(t.timestamp() * 1000)


def first(d, *keys):
    for k in keys:
        v = d.get(k)
        if v not in (None, ""):
            return v if isinstance(v, str) else str(v)
    return ""


def value_text(v):
    if isinstance(v, str):
        return v
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (dict, list)):
        return json.dumps(v, separators=(",", ":"))
    return str(v)


def name_values(items):
    out = []
    if isinstance(items, list):
        for item in items:
            if isinstance(item, dict) and "Name" in item:
                out.append((value_text(item["Name"]), value_text(item.get("Value"))))
    return out


def add_addresses(text, out):
    for a in ADDRESS.findall(text):
        a = a.lower().rstrip(".'")
        if a not in out:
            out.append(a)


def forward_targets(parameters):
    targets = []
    for name, value in parameters:
        lname = name.lower()
        if lname in FORWARDING:
            add_addresses(value, targets)
        elif lname == "ruleactions":
            try:
                actions = json.loads(value)
            except ValueError:
                continue
            for action in actions if isinstance(actions, list) else [actions]:
                if not isinstance(action, dict):
                    continue
                kind = str(action.get("ActionType", ""))
                if "Forward" in kind or "Redirect" in kind:
                    add_addresses(json.dumps(action.get("Recipients", "")), targets)
    return ";".join(targets)


def records(path, stats):
    """Yields one parameter tuple per CSV record, with the record's original text."""
    with open(path, encoding="utf-8-sig", newline="") as f:
        pending = []  # the physical lines of the record being read

        def lines():
            for line in f:
                pending.append(line)
                yield line

        reader = csv.reader(lines())
        header = next(reader)
        pending.clear()
        col = {name: i for i, name in enumerate(header)}
        c_audit, c_record_id, c_user = col["AuditData"], col.get("RecordId"), col.get("UserId")
        line_no = 2
        for row in reader:
            raw = "".join(pending)
            start = line_no
            line_no += len(pending)
            pending.clear()
            stats["read"] += 1
            try:
                d = json.loads(row[c_audit])
                operation = first(d, "Operation").strip()
                if not operation:
                    raise ValueError("no Operation")
                ctime = d.get("CreationTime")
                tms = parse_time_ms(ctime) if ctime else None
            except (ValueError, IndexError, TypeError, AttributeError):
                stats["rejected"] += 1
                continue
            record_id = first(d, "Id") or (row[c_record_id] if c_record_id is not None else "")
            user = first(d, "UserId", "UserKey") or (row[c_user] if c_user is not None else "")
            context = d.get("AppAccessContext") or {}
            extended = name_values(d.get("ExtendedProperties"))
            user_agent = next((v for n, v in extended if n == "UserAgent"), "")
            error = d.get("ErrorNumber")
            if error not in (None, ""):
                try:
                    result_code = int(error)
                except ValueError:
                    result_code = None
            else:
                result_code = 0 if operation.lower() == "userloggedin" else None
            item = d.get("Item") or {}
            size = item.get("SizeInBytes")
            parameters = name_values(d.get("Parameters")) + name_values(d.get("OperationProperties"))
            rule_name = next((v for n, v in parameters if n == "RuleName"), "")
            if not rule_name and "inboxrule" in operation.lower():
                rule_name = next((v for n, v in parameters if n == "Name"), "")
                if not rule_name:
                    identity = next((v for n, v in parameters if n == "Identity"), "")
                    rule_name = identity.rsplit("\\", 1)[-1]
            key = hashlib.blake2b(f"{KIND_AUDIT}id:{record_id}".encode(), digest_size=8).digest()
            yield (
                int.from_bytes(key, "little", signed=True),
                KIND_AUDIT,
                tms,
                record_id,
                user.strip().lower(),
                normalize_ip(first(d, "ClientIP", "ClientIPAddress", "ActorIpAddress")),
                operation,
                first(d, "Workload"),
                first(d, "RecordType"),
                first(d, "AppId", "ClientAppId", "ApplicationId") or first(context, "ClientAppId"),
                first(d, "ClientInfoString", "ClientAppName", "Application"),
                user_agent,
                result_code,
                first(d, "ResultStatus"),
                first(d, "SessionId") or first(context, "AADSessionId"),
                first(item, "Subject"),
                first(item, "InternetMessageId"),
                int(size) if size not in (None, "") else None,
                rule_name,
                json.dumps([{"Name": n, "Value": v} for n, v in parameters], separators=(",", ":"))
                if parameters else "",
                forward_targets(parameters),
                first(d, "ObjectId"),
                start,
                raw.rstrip("\r\n"),
            )


def main(argv):
    args = [a for a in argv[1:] if not a.startswith("--")]
    indexes_first = "--indexes-first" in argv
    if len(args) != 2:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    path, db_path = args
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(db_path + suffix):
            os.remove(db_path + suffix)
    start = time.monotonic()
    db = sqlite3.connect(db_path, isolation_level=None)
    db.executescript("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                     "PRAGMA cache_size=-65536; PRAGMA temp_store=MEMORY;")
    db.executescript(SCHEMA)
    stats = {"read": 0, "rejected": 0}
    db.execute("BEGIN")
    # One statement at a time: executescript() would commit the open transaction first.
    index_statements = [s for s in INDEXES.split(";") if s.strip()]
    if indexes_first:
        for statement in index_statements:
            db.execute(statement)
    db.executemany(INSERT, records(path, stats))
    if not indexes_first:
        for statement in index_statements:
            db.execute(statement)
    db.execute("COMMIT")
    imported = db.execute("SELECT count(*) FROM events").fetchone()[0]
    db.close()
    print(json.dumps({"records_read": stats["read"], "imported": imported,
                      "rejected": stats["rejected"], "seconds": round(time.monotonic() - start, 3)}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
