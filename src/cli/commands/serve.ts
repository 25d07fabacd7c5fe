/**
 * `medveil serve [--config <file>]`: runs the gateway until SIGINT or SIGTERM. With no config
 * file (neither --config nor MEDVEIL_CONFIG) it runs on the embedded defaults: loopback only,
 * data in ./medveil-data. The wiring is in src/server/serve.ts.
 */
import type { Command } from 'commander';
import { CONFIG_ENV_VAR, loadServerConfig } from '../../server/config.js';
import { startServer } from '../../server/serve.js';

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('start the gateway (HTTP API; loopback and ./medveil-data unless a config file says otherwise)')
    .option('--config <file>', `config file, YAML or JSON (default: $${CONFIG_ENV_VAR}, else the embedded defaults)`)
    .action(async (options: { config?: string }) => {
      const config = loadServerConfig({ path: options.config, env: process.env });
      // Listened for before starting: a signal during start-up then stops the server once it is up.
      const stopRequested = new Promise<string>((resolve) => {
        process.once('SIGINT', () => resolve('SIGINT'));
        process.once('SIGTERM', () => resolve('SIGTERM'));
      });
      const server = await startServer(config);
      const signal = await stopRequested;
      process.stdout.write(`${signal}: stopping\n`);
      await server.close();
      process.stdout.write('stopped\n');
    });
}
