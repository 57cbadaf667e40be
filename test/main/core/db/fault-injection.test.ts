// Test-only database write failures (STILLMOTION_DB_FAULTS) on a real SQLite file: the job
// store's writes throw better-sqlite3's own SqliteError with the code asked for, before anything
// is written; reads never fail; the draws repeat with the seed; each fault is logged with the
// values it would have stored. Unset, a statement is returned as it was prepared.
import Database from 'better-sqlite3';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { closeDatabase, openDatabase, type Db } from '../../../../main/core/db/connection';
import { dbFaultsFrom, withDbFaults } from '../../../../main/core/db/fault-injection';
import { JobStore } from '../../../../main/core/db/store';
import { parseFaultSpec } from '../../../../main/core/util/fault-spec';
import { makeImages, plannedItems, settingsFor, tempDir } from '../engine/helpers';

let dir: ReturnType<typeof tempDir>;
let db: Db;
beforeEach(() => {
  dir = tempDir('sm-db-faults-');
  db = openDatabase(join(dir.path, 'jobs.sqlite'));
  db.exec('CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)');
});
afterEach(() => {
  closeDatabase(db);
  dir.remove();
});

const count = () => (db.prepare('SELECT count(*) AS n FROM notes').get() as { n: number }).n;

describe('database write faults', () => {
  it('fail a write with SqliteError and its code before it happens; reads are left alone', () => {
    const log = join(dir.path, 'faults.jsonl');
    const faults = dbFaultsFrom({ STILLMOTION_DB_FAULTS: `rate=1,codes=SQLITE_FULL,log=${log}` });
    const insert = withDbFaults(db.prepare('INSERT INTO notes (text) VALUES (?)'), faults);
    let thrown: unknown;
    try {
      insert.run('req-123');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(Database.SqliteError);
    expect(thrown).toMatchObject({ code: 'SQLITE_FULL', message: 'database or disk is full' });
    expect(count()).toBe(0);
    const select = db.prepare('SELECT * FROM notes');
    expect(withDbFaults(select, faults).all()).toEqual([]);
    const line = JSON.parse(readFileSync(log, 'utf8').trim());
    expect(line).toMatchObject({ kind: 'db', code: 'SQLITE_FULL', pid: process.pid, values: '["req-123"]' });
    expect(line.sql).toMatch(/^INSERT INTO notes/);
  });

  it('fail the seeded share of writes, the same ones for the same seed, with the codes asked for', () => {
    const pattern = (seed: number) => {
      const faults = dbFaultsFrom({
        STILLMOTION_DB_FAULTS: `rate=0.3,seed=${seed},codes=SQLITE_FULL,SQLITE_IOERR`,
      });
      const insert = withDbFaults(db.prepare('INSERT INTO notes (text) VALUES (?)'), faults);
      return Array.from({ length: 60 }, (_, i) => {
        try {
          insert.run(`note ${i}`);
          return '-';
        } catch (error) {
          return (error as { code: string }).code;
        }
      });
    };
    const first = pattern(7);
    const failed = first.filter((code) => code !== '-');
    expect(count()).toBe(60 - failed.length);
    expect(new Set(failed)).toEqual(new Set(['SQLITE_FULL', 'SQLITE_IOERR']));
    expect(failed.length).toBeGreaterThan(5);
    expect(failed.length).toBeLessThan(40);
    expect(pattern(7)).toEqual(first);
    expect(pattern(8)).not.toEqual(first);
  });

  it('leave the first `skip` writes alone (a batch being created), then fail as asked', () => {
    const faults = dbFaultsFrom({ STILLMOTION_DB_FAULTS: 'rate=1,codes=SQLITE_BUSY,skip=3' });
    const insert = withDbFaults(db.prepare('INSERT INTO notes (text) VALUES (?)'), faults);
    for (let i = 0; i < 3; i++) insert.run(`note ${i}`);
    expect(() => insert.run('one too many')).toThrow(expect.objectContaining({ code: 'SQLITE_BUSY' }));
    expect(count()).toBe(3);
    expect(() => dbFaultsFrom({ STILLMOTION_DB_FAULTS: 'rate=1,skip=-1' })).toThrow(
      /skip must be a whole number of operations, got "-1"/,
    );
  });

  it('unset, return the very statement prepared; a typo is refused with what was expected', () => {
    const insert = db.prepare('INSERT INTO notes (text) VALUES (?)');
    expect(dbFaultsFrom({})).toBeNull();
    expect(withDbFaults(insert, dbFaultsFrom({ STILLMOTION_DB_FAULTS: '' }))).toBe(insert);
    expect(() => dbFaultsFrom({ STILLMOTION_DB_FAULTS: 'rate=0.1,codes=SQLITE_FUL' })).toThrow(
      /code "SQLITE_FUL" is not one of SQLITE_FULL, SQLITE_IOERR, SQLITE_BUSY/,
    );
    expect(() => parseFaultSpec('rate=2', 'X', ['A'])).toThrow(/rate must be a number from 0 to 1, got "2"/);
    expect(() => parseFaultSpec('often', 'X', ['A'])).toThrow(/"often" has no key/);
  });

  it("reach the job store's writes through its prepared statements", () => {
    // Read at the first statement a store prepares in this process: no test above made one.
    process.env.STILLMOTION_DB_FAULTS = 'rate=1,codes=SQLITE_IOERR';
    try {
      const store = new JobStore(db);
      const settings = settingsFor(join(dir.path, 'out'));
      const items = plannedItems(makeImages(dir.path, 2), settings);
      expect(() => store.batches.createBatch(settings, items, 'lost', 1000)).toThrow(
        expect.objectContaining({ code: 'SQLITE_IOERR' }),
      );
      expect(store.batches.listBatches()).toEqual([]);
    } finally {
      delete process.env.STILLMOTION_DB_FAULTS;
    }
  });
});
