import type { FastifyServerOptions } from 'fastify';
import type { LogLevel } from './config.js';

/**
 * Structured logs (pino, JSON lines) that never hold a secret. Each request is logged once, as
 * it completes (http-app.ts), by method, path without its query string, status and time taken;
 * the successes of hot read paths (WADO-RS, QIDO-RS), which /metrics counts, only at debug
 * level. Headers and bodies are never logged, so passwords, TOTP codes, bootstrap codes,
 * tokens and Authorization headers cannot reach a log line. The redaction list is a second
 * guard for anything that logs an object carrying such a field.
 */
export function httpLogOptions(options: { level: LogLevel; stream?: NodeJS.WritableStream }): FastifyServerOptions['logger'] {
  return {
    level: options.level,
    ...(options.stream === undefined ? {} : { stream: options.stream }),
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        '*.password',
        '*.totp',
        '*.code',
        '*.token',
        '*.secret',
        'body',
        '*.body',
      ],
      censor: '[redacted]',
    },
    serializers: {
      req: (request: { method?: string; url?: string; ip?: string; id?: string }) => ({
        method: request.method,
        path: (request.url ?? '').split('?')[0],
        address: request.ip,
      }),
      res: (reply: { statusCode?: number }) => ({ status: reply.statusCode }),
      err: (error: Error & { code?: unknown; statusCode?: unknown }) => ({
        type: error.name,
        message: error.message,
        ...(typeof error.code === 'string' ? { code: error.code } : {}),
        ...(typeof error.statusCode === 'number' ? { status: error.statusCode } : {}),
        stack: error.stack ?? '',
      }),
    },
  };
}
