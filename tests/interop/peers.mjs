// The real PowerSync peers, driven for pswire's interop tests (see README.md).
// Run from a folder where package.json's dependencies are installed.
//   node peers.mjs capture OUT_DIR
//     OUT_DIR/ps_crud_rows.jsonl  rows the core extension writes for a matrix of table options and values:
//                                 {"id":<int>,"tx_id":<int|null>,"data":"<ps_crud.data text, byte-exact>"}
//     OUT_DIR/sdk_entries.jsonl   the same rows through the JS SDK: JSON.stringify(CrudEntry.fromRow(row))
//     OUT_DIR/ps_crud_matrix.jsonl, sdk_matrix_entries.jsonl: every table option x every edge value
//   node peers.mjs session SYNC_LINES CHECKPOINT_RESPONSES OUT_FILE
//     feeds sync lines and checkpoint-request responses (encoded by pswire) to the core the way the
//     JS SDK does (its own checkpoint-request methods post and read them), and records what the
//     core and the SDK send and answer (one JSON object per step)
//   node peers.mjs service-lines OUT_DIR
//     sync lines built as the service builds them, serialised as its BSON mode does (js-bson serialize)
//     into OUT_DIR/service_lines.bson and as JSON into OUT_DIR/service_lines.ndjson; the serialiser's
//     name and version go to OUT_DIR/service_lines.serializer
//   node peers.mjs binary-session JSON_LINES BSON_STREAM
//     feeds the same sync session to two fresh cores, the JSON lines through line_text and the BSON
//     documents through line_binary, and fails unless both return the same instructions
import Database from '@powersync/better-sqlite3';
import { AbstractStreamingSyncImplementation, CrudEntryImpl } from '@powersync/shared-internals';
import { serialize } from 'bson'; // what the service's syncLineToBson calls, with no options
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

// The extension file @powersync/node itself loads (see its lib/db/SqliteWorker.js).
const require = createRequire(import.meta.url);
const nodePkgDir = path.dirname(require.resolve('@powersync/node/package.json'));
const arch = { x64: 'x64', arm64: 'aarch64', ia32: 'x86', riscv64: 'riscv64gc' }[process.arch];
const ext = path.join(nodePkgDir, 'lib', process.platform === 'darwin'
  ? `libpowersync_${arch}.macos.dylib` : `libpowersync_${arch}.linux.so`);
if (!existsSync(ext)) throw new Error(`extension not found: ${ext}`);

// A fresh in-memory database with the core loaded and initialised, as the SDK opens one.
function openCore() {
  const db = new Database(':memory:');
  db.loadExtension(ext, 'sqlite3_powersync_init'); // same entry point as BetterSqliteWorker.js
  db.pragma('recursive_triggers = TRUE'); // the SDK sets this after init
  const tx = (fn) => { db.exec('BEGIN'); try { const r = fn(); db.exec('COMMIT'); return r; } catch (e) { db.exec('ROLLBACK'); throw e; } };
  tx(() => db.prepare('SELECT powersync_init()').get());
  return { db, tx };
}

// Schema JSON exactly as @powersync/common's Table.toJSON()/encodeTableOptions() shapes it.
const col = (name, type) => ({ name, type });
const table = (name, columns, o = {}) => ({
  name, view_name: name, columns, indexes: [],
  local_only: o.localOnly ?? false,
  insert_only: o.insertOnly ?? false,
  include_old: o.includeOld ?? false,
  include_old_only_when_changed: o.onlyWhenChanged ?? false,
  include_metadata: o.metadata ?? false,
  ignore_empty_update: o.ignoreEmpty ?? false,
});

// Edge values for the value matrix: text, then REAL (bound as JS numbers, so REAL).
const texts = {
  empty: '',
  unicode: 'caf\u00e9 \u2603 \u{1F600} \u4e2d\u6587',
  line_separators: 'a\u2028b\u2029c',
  escapes: 'quote" backslash\\ slash/ nl\n tab\t cr\r bs\b ff\f',
  controls: 'x\u0001y\u001fz\u007f', // U+0001 U+001F U+007F (DEL)
  json_looking: '{"a":1,"b":[true,null]}',
  numeric_text: '9223372036854775808',
  astral: '\u{10FFFF}\u{1D11E}',
};
const floats = { '0.1': 0.1, '1e15': 1e15, '1e16': 1e16, '1e20': 1e20, '1.5e-7': 1.5e-7, '5e-324': 5e-324,
  '-0.0': -0.0, '123456789.12345679': 123456789.12345679, '-2.5': -2.5, '1.0': 1.0, '2^53': 2 ** 53 };

function capture(outDir) {
  const { db, tx } = openCore();
  const run = (sql, ...params) => db.prepare(sql).run(...params);
  const get = (sql, ...params) => db.prepare(sql).get(...params);
  const crudCount = () => Number(get('SELECT count(*) AS n FROM ps_crud').n);

  const versions = get('SELECT powersync_rs_version() AS core, sqlite_version() AS sqlite');
  console.error(`powersync_rs_version() = ${versions.core}`);
  console.error(`sqlite_version()       = ${versions.sqlite}`);
  console.error(`extension              = ${ext}`);

  const simple = [col('title', 'TEXT'), col('qty', 'INTEGER')];
  const schema = {
    tables: [
      table('lists', [col('name', 'TEXT'), col('owner_id', 'TEXT'), col('created_at', 'TEXT')]),
      table('todos', [col('description', 'TEXT'), col('completed', 'INTEGER'), col('list_id', 'TEXT'),
        col('priority', 'REAL'), col('created_at', 'TEXT')]),
      table('edge_cases', [col('t', 'TEXT'), col('i', 'INTEGER'), col('r', 'REAL')]),
      table('old_all', simple, { includeOld: true }),
      table('old_cols', simple, { includeOld: ['title'] }),
      table('old_changed', simple, { includeOld: true, onlyWhenChanged: true }),
      table('meta', simple, { metadata: true }),
      table('meta_old', simple, { metadata: true, includeOld: true }),
      table('ignore_empty', simple, { ignoreEmpty: true }),
      table('insert_only_log', simple, { insertOnly: true }),
      table('local_drafts', simple, { localOnly: true }),
    ],
    raw_tables: [],
  };
  tx(() => get('SELECT powersync_replace_schema(?)', JSON.stringify(schema)));

  // Deterministic v4-shaped UUIDs so reruns produce identical output.
  const uuid = (label) => {
    const h = createHash('sha256').update(label).digest('hex');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
  };
  const expectFail = (what, fn) => {
    try { fn(); console.error(`UNEXPECTED: ${what} succeeded`); }
    catch (e) { console.error(`expected failure: ${what}: ${e.message}`); }
  };

  // ---- 1. todo-list app ----------------------------------------------------
  const L1 = uuid('list-1'), L2 = uuid('list-2'), OWNER = uuid('user-alice');
  const T = [1, 2, 3, 4, 5].map((i) => uuid(`todo-${i}`));
  const insTodo = db.prepare('INSERT INTO todos(id, description, completed, list_id, priority, created_at) VALUES (?, ?, ?, ?, ?, ?)');
  tx(() => { // one transaction: a list and three todos (integers bound as BigInt => SQLite INTEGER)
    run('INSERT INTO lists(id, name, owner_id, created_at) VALUES (?, ?, ?, ?)', L1, 'Groceries', OWNER, '2024-05-01T09:00:00.000Z');
    insTodo.run(T[0], 'Buy milk', 0n, L1, 1.5, '2024-05-01T09:00:01.000Z');
    insTodo.run(T[1], 'Eggs (a dozen)', 0n, L1, 2, '2024-05-01T09:00:02.000Z');
    insTodo.run(T[2], 'Bread', 0n, L1, 3.25, '2024-05-01T09:00:03.000Z');
  });
  run('UPDATE todos SET description = ? WHERE id = ?', 'Buy oat milk', T[0]); // autocommit PATCH
  run('UPDATE todos SET completed = ? WHERE id = ?', 1n, T[1]); // INTEGER 1
  tx(() => {
    run('UPDATE todos SET completed = ?, priority = ? WHERE id = ?', 1, 0.5, T[0]); // JS number 1 binds as REAL 1.0 (what the JS SDK sends)
    run('DELETE FROM todos WHERE id = ?', T[2]);
  });
  run("UPDATE lists SET name = 'Groceries & household' WHERE id = ?", L1);
  tx(() => { // second list with NULL columns, and a PATCH that sets a column to NULL
    run('INSERT INTO lists(id, name, owner_id, created_at) VALUES (?, ?, NULL, ?)', L2, 'Work', '2024-05-02T08:30:00.000Z');
    insTodo.run(T[3], 'Write report', 0n, L2, null, null);
    insTodo.run(T[4], null, null, null, null, null);
    run('UPDATE todos SET list_id = NULL WHERE id = ?', T[3]);
  });
  tx(() => { // a larger transaction: 20 todos at once, JS-number priorities as the SDK would bind them
    for (let i = 1; i <= 20; i++) {
      insTodo.run(uuid(`bulk-${i}`), `Task #${i}`, BigInt(i % 2), L2, i / 4, `2024-05-02T09:${String(i).padStart(2, '0')}:00.000Z`);
    }
  });
  run('UPDATE todos SET description = description WHERE id = ?', T[0]); // empty PATCH (no-op update)
  run('UPDATE todos SET priority = 1e20, completed = 0 WHERE id = ?', T[3]); // SQL literals
  tx(() => { run('DELETE FROM todos WHERE list_id = ?', L1); run('DELETE FROM lists WHERE id = ?', L1); });

  // ---- 2. edge values --------------------------------------------------------
  const insEdge = db.prepare('INSERT INTO edge_cases(id, t, i, r) VALUES (?, ?, ?, ?)');
  tx(() => { for (const [k, v] of Object.entries(texts)) insEdge.run(`text-${k}`, v, null, null); });
  tx(() => {
    insEdge.run('int-max', null, 9223372036854775807n, null);
    insEdge.run('int-min', null, -9223372036854775808n, null);
    insEdge.run('int-2^53+1', null, 9007199254740993n, null);
    insEdge.run('int-zero', null, 0n, null);
    insEdge.run('int-minus-one', null, -1n, null);
    insEdge.run('int-as-js-number', null, 42, null); // JS number binds as REAL even for an INTEGER column
  });
  for (const [k, v] of Object.entries(floats)) insEdge.run(`real-${k}`, null, null, v); // autocommit, one tx each
  expectFail('REAL 1.7976931348623157e308 (max double)', () => insEdge.run('real-max', null, null, 1.7976931348623157e308));
  expectFail('BLOB column value', () => insEdge.run('blob', Buffer.from([0, 1, 2]), null, null));
  insEdge.run('all-null', null, null, null); // PUT with every column NULL
  insEdge.run('', 'empty id', 1n, 1.25); // id is the empty string
  run("UPDATE edge_cases SET t = 'empty id, updated' WHERE id = ''");
  run('UPDATE edge_cases SET i = ? WHERE id = ?', -9223372036854775808n, 'int-max'); // PATCH max -> min
  run('UPDATE edge_cases SET i = NULL, r = ? WHERE id = ?', 5e-324, 'int-min');
  run('UPDATE edge_cases SET t = ? WHERE id = ?', '\u{1F600}\n"\\', 'text-empty');
  insEdge.run('id "quoted" \\ \u00e9 \u{1F600}', 'id with specials', 2n, null);
  tx(() => {
    run("DELETE FROM edge_cases WHERE id = ''");
    run('DELETE FROM edge_cases WHERE id = ?', 'id "quoted" \\ \u00e9 \u{1F600}');
    run('DELETE FROM edge_cases WHERE id = ?', 'all-null');
  });

  // ---- 3. table option variants ---------------------------------------------
  for (const t of ['old_all', 'old_cols', 'old_changed']) {
    const id = uuid(t);
    run(`INSERT INTO ${t}(id, title, qty) VALUES (?, 'first', 1)`, id);
    run(`UPDATE ${t} SET qty = 2 WHERE id = ?`, id); // title unchanged
    run(`UPDATE ${t} SET title = 'second', qty = NULL WHERE id = ?`, id);
    run(`UPDATE ${t} SET title = title WHERE id = ?`, id); // empty PATCH
    run(`DELETE FROM ${t} WHERE id = ?`, id);
  }
  for (const t of ['meta', 'meta_old']) {
    const [a, b, c] = [1, 2, 3].map((i) => uuid(`${t}-${i}`));
    tx(() => {
      run(`INSERT INTO ${t}(id, title, qty, _metadata) VALUES (?, 'with metadata', 1, ?)`, a, '{"source":"form","v":2}');
      run(`INSERT INTO ${t}(id, title, qty) VALUES (?, 'no metadata', 2)`, b);
      run(`INSERT INTO ${t}(id, title, qty, _metadata) VALUES (?, 'third', 3, 'plain text meta')`, c);
    });
    run(`UPDATE ${t} SET qty = 10, _metadata = 'edit-1' WHERE id = ?`, a);
    run(`UPDATE ${t} SET qty = 20 WHERE id = ?`, b); // no metadata on update
    run(`UPDATE ${t} SET _metadata = 'only-meta' WHERE id = ?`, b); // metadata but no data change
    run(`UPDATE ${t} SET _deleted = TRUE, _metadata = 'x' WHERE id = ?`, a); // soft delete with metadata
    run(`UPDATE ${t} SET _deleted = TRUE WHERE id = ?`, c); // soft delete without metadata
    run(`DELETE FROM ${t} WHERE id = ?`, b); // plain delete
  }
  {
    const id = uuid('ignore_empty');
    run("INSERT INTO ignore_empty(id, title, qty) VALUES (?, 'x', 1)", id);
    const before = crudCount();
    run('UPDATE ignore_empty SET title = title WHERE id = ?', id); // should produce no row
    console.error(`ignore_empty_update: empty PATCH added ${crudCount() - before} row(s)`);
    run("UPDATE ignore_empty SET title = 'y' WHERE id = ?", id);
    run('DELETE FROM ignore_empty WHERE id = ?', id);
  }
  tx(() => {
    run("INSERT INTO insert_only_log(id, title, qty) VALUES (?, 'event a', 1)", uuid('log-1'));
    run("INSERT INTO insert_only_log(id, title, qty) VALUES (?, 'event b', NULL)", uuid('log-2'));
  });
  run('INSERT INTO insert_only_log(id, title, qty) VALUES (?, ?, ?)', uuid('log-3'), 'big \u{1F600}', 9223372036854775807n);
  console.error(`insert_only: rows kept locally = ${get('SELECT count(*) AS n FROM insert_only_log').n}`);
  expectFail('UPDATE on insert_only view', () => run("UPDATE insert_only_log SET title = 'z'"));
  expectFail('DELETE on insert_only view', () => run('DELETE FROM insert_only_log'));
  {
    const before = crudCount(), id = uuid('draft');
    tx(() => {
      run("INSERT INTO local_drafts(id, title, qty) VALUES (?, 'draft', 1)", id);
      run('UPDATE local_drafts SET qty = 2 WHERE id = ?', id);
    });
    run('DELETE FROM local_drafts WHERE id = ?', id);
    const added = crudCount() - before;
    console.error(`local_only: ps_crud rows added = ${added}`);
    if (added !== 0) throw new Error('local_only table produced ps_crud rows');
  }

  dump(db, path.join(outDir, 'ps_crud_rows.jsonl'), path.join(outDir, 'sdk_entries.jsonl'));
  captureMatrix(outDir);
}

// Writes ps_crud as rows ({"id","tx_id","data"}, data byte-exact) and as the JS SDK's entries.
function dump(db, rowsFile, entriesFile) {
  const rows = db.prepare('SELECT id, tx_id, data FROM ps_crud ORDER BY id').safeIntegers(true).all();
  const lines = rows.map((r) => {
    if (typeof r.data !== 'string') throw new Error(`ps_crud.data is not text at id ${r.id}`);
    const txId = r.tx_id === null ? 'null' : r.tx_id.toString();
    return `{"id":${r.id.toString()},"tx_id":${txId},"data":${JSON.stringify(r.data)}}\n`;
  });
  writeFileSync(rowsFile, lines.join(''));
  const txs = new Set(rows.map((r) => String(r.tx_id)));
  console.error(`${path.basename(rowsFile)}: ${rows.length} rows in ${txs.size} transactions`);
  // The SDK reads ps_crud with plain JS numbers and hands each row to CrudEntry.fromRow
  // (SqliteBucketStorage.getCrudBatch); upload connectors then JSON.stringify the entries.
  const entries = db.prepare('SELECT id, tx_id, data FROM ps_crud ORDER BY id').all()
    .map((row) => `${JSON.stringify(CrudEntryImpl.fromRow(row))}\n`);
  writeFileSync(entriesFile, entries.join(''));
}

// Every table option against every edge value: each value is inserted, patched to another
// value, patched to NULL, patched to itself (an empty PATCH) and deleted.
function captureMatrix(outDir) {
  const { db, tx } = openCore();
  const cols = [col('t', 'TEXT'), col('i', 'INTEGER'), col('r', 'REAL')];
  const options = {
    plain: {}, old_all: { includeOld: true }, old_cols: { includeOld: ['t'] },
    old_changed: { includeOld: true, onlyWhenChanged: true }, meta: { metadata: true },
    meta_old: { metadata: true, includeOld: ['i', 'r'] }, ignore_empty: { ignoreEmpty: true },
    insert_only: { insertOnly: true }, local_only: { localOnly: true },
  };
  const schema = { tables: Object.entries(options).map(([name, o]) => table(`m_${name}`, cols, o)), raw_tables: [] };
  tx(() => db.prepare('SELECT powersync_replace_schema(?)').get(JSON.stringify(schema)));
  const values = [
    ...Object.values(texts).map((v) => [v, null, null]),
    ...[9223372036854775807n, -9223372036854775808n, 9007199254740993n, 0n, -1n].map((v) => [null, v, null]),
    ...Object.values(floats).map((v) => [null, null, v]),
    [null, null, null],
  ];
  for (const name of Object.keys(options)) {
    const t = `m_${name}`;
    const withMeta = name.startsWith('meta');
    values.forEach(([text, int, real], n) => {
      const id = `${name}-${n}`;
      const [nextText, nextInt, nextReal] = values[(n + 1) % values.length];
      tx(() => withMeta
        ? db.prepare(`INSERT INTO ${t}(id, t, i, r, _metadata) VALUES (?, ?, ?, ?, ?)`).run(id, text, int, real, `meta ${n}`)
        : db.prepare(`INSERT INTO ${t}(id, t, i, r) VALUES (?, ?, ?, ?)`).run(id, text, int, real));
      if (name === 'insert_only') return; // its view refuses UPDATE and DELETE
      db.prepare(`UPDATE ${t} SET t = ?, i = ?, r = ? WHERE id = ?`).run(nextText, nextInt, nextReal, id);
      db.prepare(`UPDATE ${t} SET t = NULL, i = NULL, r = NULL WHERE id = ?`).run(id);
      db.prepare(`UPDATE ${t} SET t = t WHERE id = ?`).run(id);
      db.prepare(`DELETE FROM ${t} WHERE id = ?`).run(id);
    });
  }
  const localRows = Number(db.prepare("SELECT count(*) AS n FROM ps_crud WHERE data LIKE '%m_local_only%'").get().n);
  if (localRows !== 0) throw new Error('local_only table produced ps_crud rows');
  dump(db, path.join(outDir, 'ps_crud_matrix.jsonl'), path.join(outDir, 'sdk_matrix_entries.jsonl'));
}

// Instructions as the core returns them, minus what changes from run to run.
function normalize(instructions) {
  return JSON.parse(JSON.stringify(instructions), (key, value) => (key === 'last_synced_at' ? '<time>' : value));
}

const syncSchema = { tables: [table('todos', [col('description', 'TEXT')])], raw_tables: [] };

// A fresh core whose sync client is connected as the SDK connects it: the schema, a fixed client id
// (for stable output) and `start` in checkpoint-request mode. `control` is rawPowerSyncControl
// (BucketStorageAdapter.js): every call in a transaction, the result cast to text; a Buffer payload
// is bound as a blob (line_binary).
function startSyncClient() {
  const { db, tx } = openCore();
  tx(() => db.prepare('SELECT powersync_replace_schema(?)').get(JSON.stringify(syncSchema)));
  tx(() => db.prepare("UPDATE ps_kv SET value = 'client-1' WHERE key = 'client_id'").run());
  const control = (op, payload = null) =>
    tx(() => db.prepare('SELECT CAST(powersync_control(?, ?) AS TEXT) AS r').get(op, payload).r);
  const start = JSON.parse(control('start',
    JSON.stringify({ parameters: {}, checkpoint_mode: 'requests', schema: syncSchema })));
  return { db, tx, control, start };
}

const nonEmptyLines = (file) => readFileSync(file, 'utf8').split('\n').filter((l) => l.length > 0);

async function session(syncLinesFile, responsesFile, outFile) {
  const { db, tx, control, start } = startSyncClient();
  const lines = nonEmptyLines(syncLinesFile);
  const responses = nonEmptyLines(responsesFile);
  const steps = [];
  const record = (step, fields) => steps.push(`${JSON.stringify({ step, ...fields })}\n`);
  const feedLine = (line) => record('line_text', { sent: line, instructions: normalize(JSON.parse(control('line_text', line))) });
  const clientId = db.prepare("SELECT value FROM ps_kv WHERE key = 'client_id'").get().value;
  // The SDK's own checkpoint-request methods, run with a stand-in `this`: no custom connector
  // hook (so the HTTP route), a remote that records the POST and answers with the next
  // pswire-encoded response, and the core's powersync_control as the bucket storage adapter.
  const sdk = AbstractStreamingSyncImplementation.prototype;
  const signal = new AbortController().signal;
  const client = {
    options: {
      postCheckpointRequest: async () => null,
      remote: {
        fetchAndDecodeJson: async (request) => {
          const response = responses.shift();
          record(`post ${request.path}`, { method: request.method, body: request.body, response });
          return JSON.parse(response);
        },
      },
      adapter: {
        readCheckpointRequestId: async (variant, payload = null) => control(`${variant}_checkpoint_request_id`, payload),
        getClientId: async () => clientId,
      },
    },
    checkpoints: { waitForCheckpointRequestsReady: async () => true },
    requestCheckpointFromService: sdk.requestCheckpointFromService,
  };

  // 1. connect in requests mode; the SDK posts the core's request and seeds the service's answer
  record('start', { instructions: normalize(start) });
  const establish = start.find((i) => 'EstablishSyncStream' in i).EstablishSyncStream;
  await sdk.seedCheckpointRequestState.call(client, signal, establish.checkpoint_request);
  record('seeded', { current_checkpoint_request_id: control('current_checkpoint_request_id') });
  // 2. a local write, then a checkpoint that must wait for it (lines up to the first checkpoint_complete)
  const localWrite = "INSERT INTO todos(id, description) VALUES ('local-1', 'written offline')";
  db.prepare(localWrite).run();
  record('local_write', { sql: localWrite, ps_crud_rows: Number(db.prepare('SELECT count(*) AS n FROM ps_crud').get().n) });
  const firstComplete = lines.findIndex((l) => l.includes('"checkpoint_complete"'));
  lines.slice(0, firstComplete + 1).forEach(feedLine);
  // 3. the upload completes (CrudTransaction.complete() deletes the rows); the SDK requests the next
  //    checkpoint and stores the service's answer as the target (SqliteBucketStorage.updateLocalTarget)
  tx(() => db.prepare('DELETE FROM ps_crud').run());
  record('upload_complete', { ps_crud_rows: Number(db.prepare('SELECT count(*) AS n FROM ps_crud').get().n) });
  const target = await sdk.requestNextCheckpointFromService.call(client, signal);
  record('target_checkpoint_request_id', { payload: target, previous: control('target_checkpoint_request_id', target) });
  record('completed_upload', { instructions: normalize(JSON.parse(control('completed_upload'))) });
  // 4. the rest of the stream, which should carry the checkpoint that acknowledges the request
  lines.slice(firstComplete + 1).forEach(feedLine);
  record('synced_rows', { rows: db.prepare('SELECT id, description FROM todos ORDER BY id').all() });
  writeFileSync(outFile, steps.join(''));
}

// ---- BSON sync stream ---------------------------------------------------------

// JSON.stringify, except that a bigint is written as its decimal digits (as the service's JSONBig does).
function toJson(value) {
  const marker = '\u0000bigint:';
  return JSON.stringify(value, (_, v) => (typeof v === 'bigint' ? `${marker}${v}` : v))
    .replace(/"\\u0000bigint:(-?\d+)"/g, '$1');
}

// The service's checksum sums: JS `(a + b) & 0xffffffff`, a signed int32 (utils.ts addChecksums).
const checksumSum = (ops) => ops.reduce((sum, op) => (sum + Number(op.checksum)) & 0xffffffff, 0);

// One connection's sync lines, each object shaped and ordered as the service builds it:
// BucketChecksumState.buildNextCheckpointLine (checkpoint, checkpoint_diff: buckets are
// {bucket, checksum, count} spread with translateResolvedBucket's {bucket, priority, subscriptions}),
// the storage's chunks ({bucket, after, has_more, data, next_after}) with mapOpEntry's ops
// (PUT/REMOVE: op_id, op, object_type, object_id, checksum, subkey, data; MOVE/CLEAR: op_id, op,
// checksum) and sync.ts's checkpoint_complete / partial_checkpoint_complete / token_expires_in.
// Checksums add up, so the core validates and applies every checkpoint.
function serviceLines() {
  const put = (opId, type, id, checksum, row) => ({ op_id: opId, op: 'PUT', object_type: type, object_id: id,
    checksum, subkey: `6544e3899293153fa7b38331/${id}`, data: toJson(row) });
  // A REMOVE's data is the stored row.data: absent (undefined) or null, both seen here.
  const remove = (opId, type, id, checksum, data = undefined) => ({ op_id: opId, op: 'REMOVE', object_type: type,
    object_id: id, checksum, subkey: `6544e3899293153fa7b38331/${id}`, data });
  const chunk = (bucket, after, hasMore, ops) =>
    ({ data: { bucket, after, has_more: hasMore, data: ops, next_after: ops.at(-1).op_id } });
  const bucketLine = (bucket, ops, priority, subscriptions) =>
    ({ bucket, checksum: checksumSum(ops), count: ops.length, priority, subscriptions });
  const writeCheckpoint = (n) => (n ? String(n) : undefined); // BucketChecksumState: absent when none

  const lists = 'lists["caf\u00e9 \u{1F600}"]', mine = 'by_user["u\u2028\u2029\u0085"]', empty = 'global[]';
  const listOps1 = [
    put('1', 'lists', 'l1', 2582164875, // an op checksum above int32: a double in BSON
      { name: 'caf\u00e9 \u2028 \u2029 \u0085 nul\u0000 \u{1F600}', big: 9223372036854775807n, neg: -1.5e-7 }),
    put('2', 'lists', 'l2', 3442149460n, { name: 'bigint checksum (int64 in BSON)', empty: '' }),
    remove('3', 'lists', 'l2', 2147483648), // 2^31, the smallest op checksum past int32
    { op_id: '4', op: 'MOVE', checksum: 2147483647 },
  ];
  const listOps2 = [put('5', 'lists', 'l3', 1, { name: 'second chunk' })];
  const mineOps = [ // adds up to 2147483647
    { op_id: '6', op: 'CLEAR', checksum: -2147483648 },
    put('7', 'todos', 't1', 4294967295, { description: 'max uint32 checksum', done: 0 }),
    put('8', 'todos', 't2', 0, { description: 'escapes " \\ / \n \t \u0001 \u001f \u007f' }),
  ];
  const listOps3 = [
    put('10', 'lists', 'l1', 713103905, { name: 'renamed' }), // brings the bucket to -2147483648
    remove('11', 'lists', 'l3', 4000000000, null),
    put('12', 'lists', 'l4', -0, { name: 'checksum -0 (the service never sends it; js-bson writes a double)' }),
  ];
  const bigOps = [
    put('9223372036854775806', 'lists', 'l5', 7, { name: 'op ids near 2^63' }),
    put('9223372036854775807', 'lists', 'l6', 8, { name: 'MAX_OP_ID' }),
  ];
  const listsSoFar = [...listOps1, ...listOps2];
  const streams = [
    { name: 'lists', is_default: true, errors: [] },
    { name: 'by_user', is_default: false, errors: [] },
  ];
  return [
    { token_expires_in: 3600 },
    { checkpoint: {
      last_op_id: '9', write_checkpoint: writeCheckpoint(3n),
      buckets: [
        bucketLine(empty, [], 0, [{ default: 0 }]),
        bucketLine(mine, mineOps, 1, [{ default: 0 }]),
        bucketLine(lists, listsSoFar, 3, [{ default: 0 }, { sub: 0 }]),
      ],
      streams,
    } },
    { partial_checkpoint_complete: { last_op_id: '9', priority: 0 } }, // the empty bucket sends no data line
    chunk(mine, '0', false, mineOps),
    { partial_checkpoint_complete: { last_op_id: '9', priority: 1 } },
    chunk(lists, '0', true, listOps1),
    chunk(lists, '4', false, listOps2),
    { checkpoint_complete: { last_op_id: '9' } },
    { checkpoint_diff: {
      last_op_id: '12', write_checkpoint: writeCheckpoint(null), removed_buckets: [empty],
      updated_buckets: [bucketLine(lists, [...listsSoFar, ...listOps3], 3, [{ default: 0 }])],
    } },
    chunk(lists, '5', false, listOps3),
    { checkpoint_complete: { last_op_id: '12' } },
    { checkpoint_diff: { last_op_id: '12', write_checkpoint: writeCheckpoint(4n), removed_buckets: [], updated_buckets: [] } },
    { checkpoint_complete: { last_op_id: '12' } },
    { checkpoint_diff: {
      last_op_id: '9223372036854775807', write_checkpoint: writeCheckpoint(4n), removed_buckets: [],
      updated_buckets: [bucketLine(lists, [...listsSoFar, ...listOps3, ...bigOps], 3, [{ default: 0 }])],
    } },
    chunk(lists, '12', false, bigOps),
    { checkpoint_complete: { last_op_id: '9223372036854775807' } },
    { token_expires_in: 0 }, // the service's last line before it ends an expired stream
  ];
}

function writeServiceLines(outDir) {
  const lines = serviceLines();
  writeFileSync(path.join(outDir, 'service_lines.bson'), Buffer.concat(lines.map((line) => serialize(line))));
  writeFileSync(path.join(outDir, 'service_lines.ndjson'), lines.map((line) => `${toJson(line)}\n`).join(''));
  // bson's exports hide its package.json from require(); this script runs from the npm folder.
  const { version } = JSON.parse(readFileSync(new URL('node_modules/bson/package.json', import.meta.url), 'utf8'));
  writeFileSync(path.join(outDir, 'service_lines.serializer'), `js-bson ${version}\n`);
}

// A BSON stream split into its documents: each starts with its own int32 little-endian total length.
function bsonDocuments(bytes) {
  const documents = [];
  for (let at = 0; at < bytes.length;) {
    const length = bytes.readInt32LE(at);
    documents.push(bytes.subarray(at, at + length));
    at += length;
  }
  return documents;
}

function binarySession(jsonLinesFile, bsonStreamFile) {
  const lines = nonEmptyLines(jsonLinesFile);
  const documents = bsonDocuments(readFileSync(bsonStreamFile));
  if (documents.length !== lines.length) {
    throw new Error(`${lines.length} JSON lines but ${documents.length} BSON documents`);
  }
  const feed = (op, payloads) => {
    const { control, start } = startSyncClient();
    return [start, ...payloads.map((payload) => JSON.parse(control(op, payload)))].map(normalize);
  };
  const text = feed('line_text', lines), binary = feed('line_binary', documents);
  let instructions = 0;
  text.forEach((answer, n) => {
    const [expected, actual] = [JSON.stringify(answer), JSON.stringify(binary[n])];
    if (expected !== actual) {
      const what = n === 0 ? 'start' : `line ${n} (${lines[n - 1]})`;
      throw new Error(`${what}: line_text answered ${expected}\n  but line_binary answered ${actual}`);
    }
    instructions += answer.length;
  });
  console.log(`${path.basename(jsonLinesFile)} / ${path.basename(bsonStreamFile)}: ${lines.length} lines, `
    + `${instructions} instructions, line_text and line_binary agree`);
}

const [command, ...args] = process.argv.slice(2);
if (command === 'capture' && args.length === 1) capture(args[0]);
else if (command === 'session' && args.length === 3) await session(...args);
else if (command === 'service-lines' && args.length === 1) writeServiceLines(args[0]);
else if (command === 'binary-session' && args.length === 2) binarySession(...args);
else {
  console.error('usage: node peers.mjs capture OUT_DIR | session SYNC_LINES CHECKPOINT_RESPONSES OUT_FILE'
    + ' | service-lines OUT_DIR | binary-session JSON_LINES BSON_STREAM');
  process.exit(2);
}
