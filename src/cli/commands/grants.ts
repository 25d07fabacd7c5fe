/** `medveil grants`: list grants (yours; a DSO sees all) and revoke one (DSO only). */
import type { Command } from 'commander';
import { REVOKE_REASONS } from '../../gateway/revoke-grant.js';
import { callApi, grantLine, serverOption, type GrantLike, type ServerOptions } from './request-api-client.js';

export function registerGrants(program: Command): void {
  const grants = program
    .command('grants')
    .description('list grants: yours, or every grant for a DSO')
    .option(...serverOption())
    .option('--json', 'print JSON')
    .action(async (options: ServerOptions & { json?: boolean }) => {
      const { grants: list } = await callApi<{ grants: GrantLike[] }>(options, 'GET', '/api/grants');
      process.stdout.write(options.json === true ? `${JSON.stringify(list, null, 2)}\n` : list.map(grantLine).join(''));
    });
  grants
    .command('revoke <id>')
    .description('revoke a grant (DSO only): the next request is decided without it')
    .requiredOption('--reason <code>', `one of: ${Object.keys(REVOKE_REASONS).join(', ')}`)
    .option(...serverOption())
    .action(async (id: string, _options: unknown, command: Command) => {
      // --server may be given before or after `revoke`; the parent command takes it when it can.
      const options = command.optsWithGlobals<ServerOptions & { reason: string }>();
      const revoked = await callApi<{ grant?: GrantLike; id: string; status: string }>(options, 'POST', `/api/grants/${encodeURIComponent(id)}/revoke`, { reason: options.reason });
      process.stdout.write(revoked.grant === undefined ? `${revoked.id}  ${revoked.status} (withdrawn before a grant was issued)\n` : grantLine(revoked.grant));
    });
}
