import { Worker } from 'node:worker_threads';

/**
 * Starts a worker thread on the module at `url`, the compiled `.js` beside the caller. When
 * the caller itself runs as TypeScript through tsx (tests, development), the worker is the
 * `.ts` file and registers tsx first, because Node 20 does not carry `--import` loader hooks
 * into worker threads.
 */
export function startWorker(callerUrl: string, basename: string, workerData: unknown): Worker {
  const typescript = callerUrl.endsWith('.ts');
  const url = new URL(`./${basename}.${typescript ? 'ts' : 'js'}`, callerUrl);
  if (!typescript) return new Worker(url, { workerData });
  const bootstrap = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((tsx) => { tsx.register(); return import(${JSON.stringify(url.href)}); });`;
  return new Worker(bootstrap, { eval: true, workerData });
}
