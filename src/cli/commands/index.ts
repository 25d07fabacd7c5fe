import type { Command } from 'commander';

type Register = (program: Command) => void;

/**
 * Every `medveil <verb>`; one file per verb in this folder. Each is imported only when it
 * runs, because the audit and witness commands pull in Fastify, SQLite and the SM2 library,
 * which would otherwise add a fifth of a second to every `medveil deid`.
 */
const COMMANDS: Readonly<Record<string, () => Promise<Register>>> = {
  keygen: async () => (await import('./keygen.js')).registerKeygen,
  deid: async () => (await import('./deid.js')).registerDeid,
  dicomdir: async () => (await import('./dicomdir.js')).registerDicomdir,
  sample: async () => (await import('./sample.js')).registerSample,
  audit: async () => (await import('./audit.js')).registerAudit,
  witness: async () => (await import('./witness.js')).registerWitness,
  serve: async () => (await import('./serve.js')).registerServe,
  request: async () => (await import('./request.js')).registerRequest,
  approve: async () => (await import('./approve.js')).registerApprove,
  grants: async () => (await import('./grants.js')).registerGrants,
  exports: async () => (await import('./exports.js')).registerExports,
  purge: async () => (await import('./purge.js')).registerPurge,
};

/** Registers the command named by `verb`, or all of them when it names none (help, a typo). */
export async function registerCommands(program: Command, verb: string | undefined): Promise<void> {
  const only = verb !== undefined && Object.hasOwn(COMMANDS, verb) ? [COMMANDS[verb]!] : Object.values(COMMANDS);
  for (const load of only) (await load())(program);
}
