// The connection module on real files: pragmas, migrations step by step, refusal of a newer
// database, idempotent reopening; and the Electron native-binding lookup.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import {
  closeDatabase,
  DatabaseTooNewError,
  LATEST_VERSION,
  migrate,
  openDatabase,
  schemaVersion,
} from '../../../../main/core/db/connection';
import { MIGRATIONS } from '../../../../main/core/db/migrations';
import { electronNativeBinding, findProjectRoot } from '../../../../main/core/db/native-binding';
import { tempDir } from '../engine/helpers';

const dirs: { remove: () => void }[] = [];
function dbFile() {
  const dir = tempDir('sm-db-');
  dirs.push(dir);
  return join(dir.path, 'jobs.sqlite');
}
afterEach(() => dirs.splice(0).forEach((d) => d.remove()));

describe('openDatabase', () => {
  it('opens a real file with WAL, foreign keys, a busy timeout and synchronous=FULL', () => {
    const db = openDatabase(dbFile());
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('busy_timeout', { simple: true })).toBe(5000);
    expect(db.pragma('synchronous', { simple: true })).toBe(2); // FULL
    expect(schemaVersion(db)).toBe(LATEST_VERSION);
    closeDatabase(db);
  });

  it('reopens an up-to-date database without changing it', () => {
    const path = dbFile();
    const first = openDatabase(path);
    first.prepare(`INSERT INTO run_timings (model_id, duration, run_ms, at) VALUES ('m', 5, 100, 1)`).run();
    closeDatabase(first);
    const second = openDatabase(path);
    expect(schemaVersion(second)).toBe(LATEST_VERSION);
    expect(second.prepare('SELECT count(*) AS n FROM run_timings').get()).toEqual({ n: 1 });
    closeDatabase(second);
  });

  it('migrates a version-1 database with data to the latest version, keeping the rows', () => {
    const path = dbFile();
    const v1 = openDatabase(path, { targetVersion: 1 });
    expect(schemaVersion(v1)).toBe(1);
    v1.prepare(
      `INSERT INTO batches (name, state, settings_json, model_id, prompt_template, output_dir, created_at)
       VALUES ('old', 'running', '{}', 'm', 't', '/out', 1)`,
    ).run();
    v1.prepare(
      `INSERT INTO items (batch_id, position, state, source_path, root_path, relative_path, image_hash,
         request_fingerprint, rendered_prompt, request_json, output_relative_path, created_at, state_changed_at,
         estimated_cost_usd, request_id)
       VALUES (1, 0, 'in_progress', '/a.png', '/', 'a.png', 'h', 'f', 'p', '{}', 'a.mp4', 1, 1, 0.42, 'req-1')`,
    ).run();
    expect(() => v1.prepare('SELECT poll_count FROM items').get()).toThrow(/no such column/);
    closeDatabase(v1);

    const v2 = openDatabase(path);
    expect(schemaVersion(v2)).toBe(LATEST_VERSION);
    expect(v2.prepare('SELECT state, request_id, poll_count FROM items').get()).toEqual({
      state: 'in_progress',
      request_id: 'req-1',
      poll_count: 0,
    });
    expect(v2.prepare('SELECT count(*) AS n FROM run_timings').get()).toEqual({ n: 0 });
    closeDatabase(v2);
  });

  it('migrates a version-2 batch to version 3: an existing batch counts as made with a real key', () => {
    const path = dbFile();
    const v2 = openDatabase(path, { targetVersion: 2 });
    v2.prepare(
      `INSERT INTO batches (name, state, settings_json, model_id, prompt_template, output_dir, created_at)
       VALUES ('old', 'paused', '{}', 'm', 't', '/out', 1)`,
    ).run();
    expect(() => v2.prepare('SELECT simulated FROM batches').get()).toThrow(/no such column/);
    closeDatabase(v2);
    const v3 = openDatabase(path, { targetVersion: 3 });
    expect(v3.prepare('SELECT name, simulated FROM batches').get()).toEqual({ name: 'old', simulated: 0 });
    expect(() => v3.prepare(`UPDATE batches SET simulated = 2`).run()).toThrow(/CHECK constraint/);
    closeDatabase(v3);
  });

  it('refuses a database written by a newer build, naming both versions, and leaves it untouched', () => {
    const path = dbFile();
    closeDatabase(openDatabase(path));
    const raw = new Database(path);
    raw.pragma(`user_version = ${LATEST_VERSION + 5}`);
    raw.close();
    expect(() => openDatabase(path)).toThrow(DatabaseTooNewError);
    expect(() => openDatabase(path)).toThrow(
      new RegExp(`schema version ${LATEST_VERSION + 5}; this build knows up to ${LATEST_VERSION}`),
    );
    const check = new Database(path);
    expect(check.pragma('user_version', { simple: true })).toBe(LATEST_VERSION + 5);
    check.close();
  });

  it('rolls a failing migration step back entirely', () => {
    const path = dbFile();
    const broken = [
      { version: 1, name: 'ok', up: (db: Database.Database) => db.exec('CREATE TABLE a (x INTEGER) STRICT') },
      {
        version: 2,
        name: 'fails half way',
        up: (db: Database.Database) => {
          db.exec('CREATE TABLE b (x INTEGER) STRICT');
          throw new Error('boom');
        },
      },
    ];
    expect(() => openDatabase(path, { migrations: broken })).toThrow('boom');
    const check = new Database(path);
    expect(check.pragma('user_version', { simple: true })).toBe(1);
    expect(check.prepare(`SELECT name FROM sqlite_master WHERE name = 'b'`).get()).toBeUndefined();
    check.close();
  });

  it('lets the schema refuse an unknown state', () => {
    const db = openDatabase(dbFile());
    expect(() =>
      db
        .prepare(
          `INSERT INTO batches (name, state, settings_json, model_id, prompt_template, output_dir, created_at)
           VALUES ('x', 'exploded', '{}', 'm', 't', '/o', 1)`,
        )
        .run(),
    ).toThrow(/CHECK constraint/);
    closeDatabase(db);
  });
});

describe('native binding', () => {
  it('is undefined under plain Node', () => {
    expect(
      electronNativeBinding({
        ...process.versions,
        electron: undefined,
      } as unknown as NodeJS.ProcessVersions),
    ).toBeUndefined();
  });

  it('points at .native/<electron abi> under Electron when that file exists', () => {
    const dir = tempDir('sm-native-');
    dirs.push(dir);
    const versions = { ...process.versions, electron: '39.0.0', modules: '140' } as NodeJS.ProcessVersions;
    expect(electronNativeBinding(versions, dir.path)).toBeUndefined();
    mkdirSync(join(dir.path, '.native'));
    const file = join(
      dir.path,
      '.native',
      `better_sqlite3-electron-abi140-${process.platform}-${process.arch}.node`,
    );
    writeFileSync(file, '');
    expect(electronNativeBinding(versions, dir.path)).toBe(file);
  });

  it('finds the project root by the package named "stillmotion", or from STILLMOTION_ROOT', () => {
    const root = findProjectRoot(join(process.cwd(), 'main', 'core', 'db'));
    expect(root).toBe(process.cwd());
    process.env.STILLMOTION_ROOT = '/somewhere/else';
    try {
      expect(findProjectRoot()).toBe('/somewhere/else');
    } finally {
      delete process.env.STILLMOTION_ROOT;
    }
  });
});

describe('two processes opening one new database at once', () => {
  it('apply each migration step once (the version is re-read under the write lock)', () => {
    const path = join(tempDir('sm-migrate-race-').path, 'jobs.sqlite');
    const late = new Database(path); // read version 0 ...
    // ... and, just as it starts on its steps, another process migrates the same file.
    const racing = Object.assign([...MIGRATIONS], {
      *[Symbol.iterator]() {
        closeDatabase(openDatabase(path));
        yield* MIGRATIONS;
      },
    });
    expect(() => migrate(late, racing)).not.toThrow();
    expect(schemaVersion(late)).toBe(LATEST_VERSION);
    late.close();
  });
});
