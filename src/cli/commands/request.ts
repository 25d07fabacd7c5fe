/** `medveil request`: ask for access or an export, and follow your requests (docs/requests.md). */
import type { Command } from 'commander';
import { PURPOSES_OF_USE } from '../../access/requests/purpose-of-use.js';
import { MedVeilError } from '../../errors.js';
import { callApi, requestLine, serverOption, type ServerOptions } from './request-api-client.js';

interface NewOptions extends ServerOptions {
  kind: string;
  studies?: string;
  patient?: string;
  query?: string;
  purpose: string;
  justification: string;
  hours?: string;
  recipient?: string;
  json?: boolean;
}

function scopeOf(options: NewOptions): object {
  const given = [options.studies, options.patient, options.query].filter((v) => v !== undefined);
  if (given.length !== 1) throw new MedVeilError('usage', 'name the scope once: --studies, --patient or --query', { hint: 'e.g. medveil request new --studies 1.2.3,1.2.4 --purpose treatment --justification "..."' });
  if (options.studies !== undefined) return { kind: 'studies', studyUids: options.studies.split(',').map((uid) => uid.trim()).filter((uid) => uid !== '') };
  if (options.patient !== undefined) return { kind: 'patient', patientRef: options.patient };
  return { kind: 'query', query: options.query! };
}

export function registerRequest(program: Command): void {
  const request = program.command('request').description('ask for full access or a de-identified export, and follow your requests');
  request
    .command('new')
    .description('make a request; a DSO and the director of each department in scope approve it')
    .option('--kind <kind>', 'full (view the originals) or export (a de-identified copy)', 'full')
    .option('--studies <uids>', 'Study Instance UIDs, comma-separated')
    .option('--patient <ref>', "a patient reference, for all of the patient's studies you can see now")
    .option('--query <qido>', 'a QIDO-RS study query, e.g. "ModalitiesInStudy=MR&StudyDate=20250101-20250131"')
    .requiredOption('--purpose <purpose>', `one of: ${Object.keys(PURPOSES_OF_USE).join(', ')}`)
    .requiredOption('--justification <text>', 'why, for the approvers (stays out of the audit log)')
    .option('--hours <n>', 'how long the grant lasts from its issuance (default 72)')
    .option('--recipient <id>', 'export requests: who the package is for (default: requester, yourself)')
    .option(...serverOption())
    .option('--json', 'print the request as JSON')
    .action(async (options: NewOptions) => {
      const hours = options.hours === undefined ? undefined : Number(options.hours);
      if (hours !== undefined && !(Number.isFinite(hours) && hours > 0)) throw new MedVeilError('usage', '--hours is a positive number');
      const created = await callApi<Parameters<typeof requestLine>[0]>(options, 'POST', '/api/requests', {
        kind: options.kind,
        scope: scopeOf(options),
        purpose: options.purpose,
        justification: options.justification,
        ...(hours === undefined ? {} : { durationHours: hours }),
        ...(options.recipient === undefined ? {} : { recipient: options.recipient }),
      });
      process.stdout.write(options.json === true ? `${JSON.stringify(created, null, 2)}\n` : requestLine(created));
    });
  request
    .command('list')
    .description('your requests, and those you may approve')
    .option(...serverOption())
    .option('--json', 'print JSON')
    .action(async (options: ServerOptions & { json?: boolean }) => {
      const { requests } = await callApi<{ requests: Parameters<typeof requestLine>[0][] }>(options, 'GET', '/api/requests');
      process.stdout.write(options.json === true ? `${JSON.stringify(requests, null, 2)}\n` : requests.map(requestLine).join(''));
    });
  request
    .command('show <id>')
    .description('one request, as JSON')
    .option(...serverOption())
    .action(async (id: string, options: ServerOptions) => {
      process.stdout.write(`${JSON.stringify(await callApi(options, 'GET', `/api/requests/${encodeURIComponent(id)}`), null, 2)}\n`);
    });
}
