/*
 * Child process of sigkill.test.ts: appends events to the audit log at argv[2] with many
 * concurrent writers, forever, printing each index on its own line as soon as its append has
 * resolved (stdout to a pipe is synchronous on Linux, so a printed line was written before
 * any later kill). Every 1000 events it issues a checkpoint signed with MEDVEIL_TEST_LOG_KEY.
 */
import { SqliteAuditStore } from '../../storage/adapters/sqlite-audit-store.js';
import { parseSecretKeyFile, signNote } from '../note/index.js';
import { AuditLog } from './audit-log.js';

const path = process.argv[2];
const origin = process.argv[3];
const secret = process.env.MEDVEIL_TEST_LOG_KEY;
if (path === undefined || origin === undefined || secret === undefined) throw new Error('usage: append-loop.child <db> <origin>, key in MEDVEIL_TEST_LOG_KEY');
const signers = parseSecretKeyFile(secret);

const log = await AuditLog.open({
  store: new SqliteAuditStore(path),
  origin,
  clock: { now: () => Date.now() },
  signer: (body) => signNote(body, signers),
});

async function writer(id: number): Promise<never> {
  for (let n = 0; ; n++) {
    const { index } = await log.append({ type: 'query', outcome: 'success', actor: { user: `writer${id}` }, detail: { n: String(n) } });
    process.stdout.write(`${index}\n`);
    if (index % 1000 === 999) await log.checkpoint();
  }
}

await Promise.all(Array.from({ length: 16 }, (_, id) => writer(id)));
