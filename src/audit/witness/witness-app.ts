import Fastify, { type FastifyInstance } from 'fastify';
import { addCheckpoint, originHash, type WitnessConfig } from './add-checkpoint.js';

/**
 * The HTTP face of a witness (c2sp.org/tlog-witness): `POST /add-checkpoint` and the monitoring
 * endpoint `GET /<hex SHA-256 of origin>/checkpoint`. Submission and monitoring prefixes are both
 * the root. The app is returned unstarted, so tests can call `app.inject`.
 */
export function buildWitnessApp(witness: WitnessConfig, options: { logger?: boolean } = {}): FastifyInstance {
  const app = Fastify({ logger: options.logger ?? false, bodyLimit: 1 << 20 });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

  app.post('/add-checkpoint', async (request, reply) => {
    const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    const answer = await addCheckpoint(witness, new Uint8Array(body));
    return reply.code(answer.status).header('content-type', answer.contentType).send(answer.body);
  });

  const byHash = new Map([...witness.logs.keys()].map((origin) => [originHash(origin), origin]));
  app.get<{ Params: { hash: string } }>('/:hash/checkpoint', async (request, reply) => {
    const origin = byHash.get(request.params.hash);
    const record = origin === undefined ? undefined : await witness.store.latest(origin);
    if (record === undefined) return reply.code(404).type('text/plain; charset=utf-8').send('no checkpoint cosigned for this log\n');
    return reply.code(200).type('text/plain; charset=utf-8').send(record.note);
  });
  return app;
}
