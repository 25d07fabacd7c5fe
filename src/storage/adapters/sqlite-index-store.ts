/**
 * The default IndexStore: one SQLite file (better-sqlite3), WAL journal with synchronous=FULL
 * (https://sqlite.org/pragma.html#pragma_synchronous), so an instance is indexed on disk
 * before ingest reports it stored.
 *
 * Searches walk the candidate rows in primary-key order (the order of first indexing), a batch
 * at a time from a cursor, so memory stays bounded whatever the number of matches and the same
 * request gives the same ordered list while nothing is added (PS3.18 8.3.4.4.1). Each candidate
 * is checked by `matchesFindQuery`, then by the access decision, and only then counted for
 * offset and limit (see index-store.ts).
 */
import type Database from 'better-sqlite3';
import { openSqliteStore } from './open-sqlite-store.js';
import type { Effect } from '../../access/policy-table.js';
import { isSensitivityLevel, type SensitivityLevel } from '../../access/sensitivity-level.js';
import { type FindQuery, MASKED_MATCH_KEYS, matchesFindQuery } from '../../dicom/query/index.js';
import { MedVeilError } from '../../errors.js';
import { checkBlobKey } from '../blob-store.js';
import {
  DEFAULT_MAX_RESULTS,
  type FindMatch,
  type FindOptions,
  type FindPage,
  type IndexedInstance,
  type IndexStore,
  type InstancePath,
  type LocatedInstance,
  type LocatedSeries,
  matchAttributeValues,
  type PutInstanceResult,
  type SeriesPath,
  type StudyPath,
  type StudyRecord,
  studyFacts,
} from '../index-store.js';
import {
  FROM, instanceFromRow, type Row, SCHEMA, seriesFromRow, SERIES_COLUMNS, STUDY_COLUMNS, studyFromRow,
} from './sqlite-index-store-rows.js';
import { queryConditions } from './sqlite-index-store-where.js';
import { createPutInstance } from './sqlite-index-put.js';
import { IndexWriter } from './sqlite-index-writer-client.js';

/** Candidate rows read per step of a search. */
const BATCH_SIZE = 256;
/** Studies whose access decision one search remembers. */
const VISIBILITY_CACHE_SIZE = 4096;

const UID = /^[0-9]+(?:\.[0-9]+)*$/;
const SHA256 = /^[0-9a-f]{64}$/;

function checkUid(value: string, what: string): void {
  if (typeof value !== 'string' || value.length > 64 || !UID.test(value)) {
    throw new MedVeilError('storage', `refusing to index an instance whose ${what} is not a UID`);
  }
}

function checkCount(value: number | undefined, what: string): void {
  if (value !== undefined && !Number.isSafeInteger(value)) throw new MedVeilError('storage', `refusing to index an instance whose ${what} is not a whole number`);
}

function checkEntry(entry: IndexedInstance): void {
  checkUid(entry.study.studyUid, 'Study Instance UID');
  checkUid(entry.series.seriesUid, 'Series Instance UID');
  checkUid(entry.instance.sopInstanceUid, 'SOP Instance UID');
  checkUid(entry.instance.sopClassUid, 'SOP Class UID');
  checkUid(entry.instance.transferSyntaxUid, 'Transfer Syntax UID');
  if (!SHA256.test(entry.instance.sha256)) throw new MedVeilError('storage', 'refusing to index an instance whose digest is not 64 lowercase hex digits of SHA-256');
  checkBlobKey(entry.instance.blobKey);
  if (entry.study.level !== undefined && !isSensitivityLevel(entry.study.level)) {
    throw new MedVeilError('storage', 'refusing to index a study with a sensitivity level other than 1 to 5');
  }
  if (!Number.isSafeInteger(entry.instance.size) || entry.instance.size < 0) {
    throw new MedVeilError('storage', 'refusing to index an instance whose size is not a whole number of bytes');
  }
  for (const [value, what] of [
    [entry.series.seriesNumber, 'Series Number'], [entry.instance.instanceNumber, 'Instance Number'], [entry.instance.rows, 'Rows'],
    [entry.instance.columns, 'Columns'], [entry.instance.numberOfFrames, 'Number of Frames'], [entry.instance.bitsAllocated, 'Bits Allocated'],
  ] as const) checkCount(value, what);
}

export interface SqliteIndexStoreOptions {
  /**
   * Where instances are indexed: `inline` (default) in a transaction on the calling thread;
   * `worker` on a worker thread with its own connection (sqlite-index-writer.ts), so that the
   * event loop goes on while a commit waits for the disk, and instances that arrive meanwhile
   * are committed together (group commit). An in-memory database is always inline.
   */
  readonly putIn?: 'inline' | 'worker';
}

export class SqliteIndexStore implements IndexStore {
  readonly #db: Database.Database;
  readonly #statements;
  readonly #putInline: ((entry: IndexedInstance) => PutInstanceResult) | undefined;
  readonly #writer: IndexWriter | undefined;
  readonly #searches = new Map<string, Database.Statement>();

  constructor(path: string, options: SqliteIndexStoreOptions = {}) {
    const db = openSqliteStore(path, { kind: 'the index', schema: SCHEMA, pragmas: ['foreign_keys = ON'], hint: 'check the path of the index database and the permissions of its folder' });
    this.#db = db;
    this.#statements = {
      studyByUid: db.prepare<[string], Row>(`SELECT ${STUDY_COLUMNS} FROM studies st WHERE st.study_uid = ?`),
      seriesByUid: db.prepare<[string], Row>(`SELECT ${STUDY_COLUMNS}, ${SERIES_COLUMNS} FROM ${FROM.series.from} WHERE se.series_uid = ?`),
      instanceByUid: db.prepare<[string], Row>(`SELECT ${FROM.instance.columns} FROM ${FROM.instance.from} WHERE i.sop_instance_uid = ?`),
      setLevel: db.prepare<[number, string]>('UPDATE studies SET level = ? WHERE study_uid = ?'),
    };
    if (options.putIn === 'worker' && path !== ':memory:') {
      this.#writer = new IndexWriter(path);
    } else {
      const put = createPutInstance(db);
      this.#putInline = (entry) => put.immediate(entry);
    }
  }

  async putInstance(entry: IndexedInstance): Promise<PutInstanceResult> {
    checkEntry(entry);
    return this.#writer === undefined ? this.#putInline!(entry) : this.#writer.put(entry);
  }

  async setStudyLevel(studyUid: string, level: SensitivityLevel): Promise<{ readonly previous: SensitivityLevel | undefined } | 'not-found'> {
    if (!isSensitivityLevel(level)) throw new MedVeilError('storage', 'a sensitivity level is a whole number from 1 to 5');
    return this.#db.transaction(() => {
      const row = this.#statements.studyByUid.get(studyUid);
      if (!row) return 'not-found' as const;
      this.#statements.setLevel.run(level, studyUid);
      return { previous: studyFromRow(row).level };
    }).immediate();
  }

  async getStudy(path: StudyPath): Promise<StudyRecord | undefined> {
    const row = this.#statements.studyByUid.get(path.studyUid);
    return row ? studyFromRow(row) : undefined;
  }

  async getSeries(path: SeriesPath): Promise<LocatedSeries | undefined> {
    const row = this.#statements.seriesByUid.get(path.seriesUid);
    if (!row || row.st_study_uid !== path.studyUid) return undefined;
    return { study: studyFromRow(row), series: seriesFromRow(row) };
  }

  async getInstance(path: InstancePath): Promise<LocatedInstance | undefined> {
    const row = this.#statements.instanceByUid.get(path.sopInstanceUid);
    if (!row || row.st_study_uid !== path.studyUid) return undefined;
    if (path.seriesUid !== undefined && row.se_series_uid !== path.seriesUid) return undefined;
    return { study: studyFromRow(row), series: seriesFromRow(row), instance: instanceFromRow(row) };
  }

  async find(query: FindQuery, options: FindOptions): Promise<FindPage> {
    const cap = Math.min(query.limit ?? Number.POSITIVE_INFINITY, options.maxResults ?? DEFAULT_MAX_RESULTS);
    const matches: FindMatch[] = [];
    let skipped = 0;
    let following = 0;
    for await (const match of this.#visibleMatches(query, options)) {
      if (skipped < query.offset) {
        skipped += 1;
      } else if (matches.length < cap) {
        matches.push(match);
      } else {
        following += 1;
        if (options.countRemaining !== true) break;
      }
    }
    return { matches, more: following > 0, ...(options.countRemaining === true ? { remaining: following } : {}) };
  }

  async *findEach(query: FindQuery, options: FindOptions): AsyncIterable<FindMatch> {
    const cap = Math.min(query.limit ?? Number.POSITIVE_INFINITY, options.maxResults ?? Number.POSITIVE_INFINITY);
    let skipped = 0;
    let returned = 0;
    if (cap <= 0) return;
    for await (const match of this.#visibleMatches(query, options)) {
      if (skipped < query.offset) {
        skipped += 1;
        continue;
      }
      yield match;
      if (++returned >= cap) return;
    }
  }

  /** Every match the actor may see, in primary-key order, before offset and limit. */
  async *#visibleMatches(query: FindQuery, options: FindOptions): AsyncGenerator<FindMatch> {
    const maskedKeys = options.maskedMatchKeys ?? MASKED_MATCH_KEYS;
    const maskedMayMatch = query.matchKeys.every((key) => maskedKeys.has(key.tag) && (key.withTime === undefined || maskedKeys.has(key.withTime.tag)));
    const decisions = new Map<number, Effect>();
    const source = FROM[query.level];
    const { where, params } = queryConditions(query);
    const statement = this.#search(query.level, where);
    let after = 0;
    for (;;) {
      if (options.signal?.aborted) return;
      const rows = statement.all(...params, after, BATCH_SIZE) as Row[];
      for (const row of rows) {
        if (options.signal?.aborted) return;
        const match = {
          study: studyFromRow(row),
          ...(query.level === 'study' ? {} : { series: seriesFromRow(row) }),
          ...(query.level === 'instance' ? { instance: instanceFromRow(row) } : {}),
        };
        if (!matchesFindQuery(query, matchAttributeValues(match))) continue;
        const studyPk = Number(row.st_pk);
        let effect = decisions.get(studyPk);
        if (effect === undefined) {
          effect = options.visibility(studyFacts(match.study));
          if (decisions.size >= VISIBILITY_CACHE_SIZE) decisions.clear();
          decisions.set(studyPk, effect);
        }
        if (effect === 'denied' || (effect !== 'full' && effect !== 'masked')) continue;
        if (effect === 'masked' && !maskedMayMatch) continue;
        yield { effect, ...match };
      }
      if (rows.length < BATCH_SIZE) return;
      after = Number(rows[rows.length - 1]![source.pk.replace('.', '_')]);
    }
  }

  /** The prepared search of a level and a shape of conditions (the values are bound each time). */
  #search(level: FindQuery['level'], where: readonly string[]): Database.Statement {
    const source = FROM[level];
    const sql = `SELECT ${source.columns} FROM ${source.from} WHERE ${[...where, `${source.pk} > ?`].join(' AND ')} ORDER BY ${source.pk} LIMIT ?`;
    let statement = this.#searches.get(sql);
    if (!statement) {
      statement = this.#db.prepare(sql);
      // Shapes depend on the request; keep the cache from growing without bound.
      if (this.#searches.size >= 256) this.#searches.clear();
      this.#searches.set(sql, statement);
    }
    return statement;
  }

  close(): void {
    this.#writer?.close();
    this.#db.close();
  }
}
