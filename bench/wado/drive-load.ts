/**
 * A small closed-loop HTTP load generator: `concurrency` clients on keep-alive connections, each
 * sending its next request as soon as the previous answer has been read to the end, until
 * `total` requests have been made. Latency is from sending a request to the last byte of its
 * answer. Every answer is checked (status, and `check` on its body), so an error page served
 * fast never counts as a retrieval.
 *
 * A server may close an idle keep-alive connection just as the client sends on it; the request
 * is then sent again on a new connection, as Node's documentation advises for `reusedSocket`
 * (the server closed the connection without answering). These resends are counted and reported.
 */
import { Agent, request as httpRequest } from 'node:http';

export interface LoadRequest {
  readonly path: string;
  /** Whether the body is the right answer; given the body's chunks as received. */
  check(chunks: readonly Buffer[], length: number): boolean;
}

export interface LoadOptions {
  /** http://host:port, no trailing slash. */
  readonly baseUrl: string;
  readonly headers: Readonly<Record<string, string>>;
  /** Requests are made in this order, cycling through the list. */
  readonly requests: readonly LoadRequest[];
  readonly total: number;
  readonly concurrency: number;
}

export interface LoadResult {
  readonly seconds: number;
  readonly requests: number;
  /** Answers with status 200 whose body passed its check. */
  readonly ok: number;
  readonly failed: number;
  readonly bytes: number;
  /** Requests sent again because the server had closed the reused connection. */
  readonly resent: number;
  /** Latencies in milliseconds, sorted. */
  readonly latenciesMs: readonly number[];
  /** The first failure, status and the start of its body. */
  readonly firstFailure: string | undefined;
}

export async function driveLoad(options: LoadOptions): Promise<LoadResult> {
  const url = new URL(options.baseUrl);
  const agent = new Agent({ keepAlive: true, maxSockets: options.concurrency });
  const latencies: number[] = [];
  let next = 0;
  let ok = 0;
  let failed = 0;
  let bytes = 0;
  let resent = 0;
  let firstFailure: string | undefined;
  const one = (item: LoadRequest, started = performance.now()): Promise<void> =>
    new Promise((resolve, reject) => {
      const req = httpRequest({ host: url.hostname, port: url.port, path: item.path, method: 'GET', headers: options.headers, agent }, (response) => {
        const chunks: Buffer[] = [];
        let length = 0;
        response.on('data', (chunk: Buffer) => {
          chunks.push(chunk);
          length += chunk.length;
        });
        response.on('error', reject);
        response.on('end', () => {
          latencies.push(performance.now() - started);
          bytes += length;
          if (response.statusCode === 200 && item.check(chunks, length)) ok++;
          else {
            failed++;
            firstFailure ??= `${response.statusCode} ${item.path}: ${Buffer.concat(chunks).subarray(0, 200).toString('latin1')}`;
          }
          resolve();
        });
      });
      req.on('error', (error: NodeJS.ErrnoException) => {
        if (req.reusedSocket && error.code === 'ECONNRESET') {
          resent++;
          one(item, started).then(resolve, reject);
        } else reject(error);
      });
      req.end();
    });
  const started = performance.now();
  try {
    await Promise.all(
      Array.from({ length: options.concurrency }, async () => {
        for (let i = next++; i < options.total; i = next++) await one(options.requests[i % options.requests.length]!);
      }),
    );
  } finally {
    agent.destroy();
  }
  const seconds = (performance.now() - started) / 1000;
  return { seconds, requests: options.total, ok, failed, bytes, resent, latenciesMs: latencies.sort((a, b) => a - b), firstFailure };
}

/** The value at quantile `q` (0..1) of sorted values, nearest rank. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}
