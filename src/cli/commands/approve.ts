/** `medveil approve`: approve or reject a request, with a fresh code of your authenticator app. */
import type { Command } from 'commander';
import { MedVeilError } from '../../errors.js';
import { callApi, requestLine, serverOption, type ServerOptions } from './request-api-client.js';

interface ApproveOptions extends ServerOptions {
  totp: string;
  as?: string;
  reject?: boolean;
  reason?: string;
}

export function registerApprove(program: Command): void {
  program
    .command('approve <id>')
    .description('approve a request as a DSO or as the director of a department in scope (or --reject it)')
    .requiredOption('--totp <code>', 'a fresh code of your authenticator app (each code is accepted once)')
    .option('--as <role>', 'dso or director, when you are both')
    .option('--reject', 'reject the request instead; a rejection ends it')
    .option('--reason <text>', 'why you reject, for the requester (needed with --reject)')
    .option(...serverOption())
    .action(async (id: string, options: ApproveOptions) => {
      const path = `/api/requests/${encodeURIComponent(id)}`;
      if (options.reject === true) {
        if (options.reason === undefined) throw new MedVeilError('usage', '--reject needs --reason', { hint: `medveil approve ${id} --reject --reason "..." --totp <code>` });
        process.stdout.write(requestLine(await callApi(options, 'POST', `${path}/reject`, { totp: options.totp, reason: options.reason })));
        return;
      }
      const body = { totp: options.totp, ...(options.as === undefined ? {} : { as: options.as }) };
      process.stdout.write(requestLine(await callApi(options, 'POST', `${path}/approve`, body)));
    });
}
