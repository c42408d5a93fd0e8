#!/usr/bin/env python3
# tools/store-convert.py FILE...: rewrites sqlite3 API calls on statements
# from ipp_store_stmt into the store's statement interface (lib/db.h), in
# place, for code written against the old API (a branch merged later).
# It prints what it could not convert; compile and read the diff after.
import re, sys

def split_call(s, start):
    """s[start] is '(' ; returns (end index after ')', [args])."""
    depth = 0; i = start; args = []; cur = start + 1; q = None
    while i < len(s):
        c = s[i]
        if q:
            if c == '\\': i += 2; continue
            if c == q: q = None
        elif c in '"\'': q = c
        elif c == '(': depth += 1
        elif c == ')':
            depth -= 1
            if depth == 0:
                args.append(s[cur:i]); return i + 1, args
        elif c == ',' and depth == 1:
            args.append(s[cur:i]); cur = i + 1
        i += 1
    raise ValueError('unbalanced')

def norm(a):
    return re.sub(r'\s+', ' ', a.strip())

def rewrite_calls(s, name, fn):
    out = []; pos = 0
    pat = re.compile(r'\b' + re.escape(name) + r'\s*\(')
    while True:
        m = pat.search(s, pos)
        if not m: out.append(s[pos:]); break
        end, args = split_call(s, m.end() - 1)
        out.append(s[pos:m.start()])
        out.append(fn(args, s[m.start():end]))
        pos = end
    return ''.join(out)

def bind_text(args, orig):
    st, i, x, n, d = [a for a in args]
    d = norm(d)
    if norm(n) != '-1':
        raise ValueError('length ' + orig)
    f = 'ipp_stmt_bind_static' if d == 'SQLITE_STATIC' else 'ipp_stmt_bind_text'
    return '%s(%s,%s,%s)' % (f, st, i, x)

def conv(s):
    s = rewrite_calls(s, 'sqlite3_bind_text', bind_text)
    s = re.sub(r'#include <sqlite3\.h>\n', '', s)
    s = re.sub(r'sqlite3_stmt(\s*)\*', r'struct ipp_stmt\1*', s)
    s = s.replace('sqlite3_stmt **', 'struct ipp_stmt **')
    s = re.sub(r'\bsqlite3_bind_int64\(', 'ipp_stmt_bind_int(', s)
    s = re.sub(r'\bsqlite3_bind_int\(', 'ipp_stmt_bind_int(', s)
    s = re.sub(r'\bsqlite3_bind_null\(', 'ipp_stmt_bind_null(', s)
    s = re.sub(r'\bipp_store_bind_text\(', 'ipp_stmt_bind_text(', s)
    s = re.sub(r'\bsqlite3_step\(', 'ipp_stmt_step(', s)
    s = re.sub(r'\bsqlite3_reset\(', 'ipp_stmt_reset(', s)
    s = re.sub(r'\bsqlite3_clear_bindings\(', 'ipp_stmt_clear(', s)
    s = re.sub(r'\(const char \*\)\s*sqlite3_column_text\(', 'ipp_stmt_text(', s)
    s = re.sub(r'\bsqlite3_column_text\(', 'ipp_stmt_text(', s)
    s = re.sub(r'\bsqlite3_column_int64\(', 'ipp_stmt_int(', s)
    s = re.sub(r'\bsqlite3_column_int\(', '(int)ipp_stmt_int(', s)
    s = re.sub(r'\bsqlite3_column_bytes\(', 'ipp_stmt_bytes(', s)
    s = re.sub(r'\bsqlite3_column_count\(', 'ipp_stmt_columns(', s)
    s = re.sub(r'\bsqlite3_column_name\(', 'ipp_stmt_column_name(', s)
    s = re.sub(r'\bsqlite3_bind_parameter_count\(', 'ipp_stmt_params(', s)
    s = re.sub(r'sqlite3_column_type\(([^()]*)\)\s*!=\s*SQLITE_NULL', r'!ipp_stmt_is_null(\1)', s)
    s = re.sub(r'sqlite3_column_type\(([^()]*)\)\s*==\s*SQLITE_NULL', r'ipp_stmt_is_null(\1)', s)
    s = re.sub(r'sqlite3_last_insert_rowid\(ipp_store_db\((\w+)\)\)', r'ipp_store_last_id(\1)', s)
    s = re.sub(r'sqlite3_errmsg\(ipp_store_db\((\w+)\)\)', r'ipp_store_errmsg(\1)', s)
    s = s.replace('(rc & 0xff) == SQLITE_CONSTRAINT', 'ipp_store_constraint_failed(s)')
    s = re.sub(r'const unsigned char \*(\w+) = ipp_stmt_text', r'const char *\1 = ipp_stmt_text', s)
    s = re.sub(r'\bSQLITE_ROW\b', 'IPP_STMT_ROW', s)
    s = re.sub(r'\bSQLITE_DONE\b', 'IPP_STMT_DONE', s)
    return s

for f in sys.argv[1:]:
    if f.endswith(('/db.c', '/store.c')):
        continue
    src = open(f).read()
    new = conv(src)
    if new != src:
        open(f, 'w').write(new)
    left = re.findall(r'\b(sqlite3_\w+|SQLITE_\w+)', new)
    if left:
        print('%s: left: %s' % (f, ' '.join(sorted(set(left)))))
