/**
 * The DICOMweb services on the gateway's HTTP app (PS3.18): STOW-RS, QIDO-RS, WADO-RS and
 * WADO-URI, in their own plugin scope so that the multipart/related body parser of STOW-RS
 * applies to no other route. Every route declares its access rule (http-app.ts refuses one that
 * does not), every request is audited by the use case it calls or by the app's request event.
 */
import type { FastifyInstance } from 'fastify';
import type { DicomwebRouteDeps } from './dicomweb-deps.js';
import { refuse } from './dicomweb-reply.js';
import { registerQidoRoutes } from './qido-routes.js';
import { registerStowRoutes } from './stow-routes.js';
import { registerWadoPixelRoutes } from './wado-pixel-routes.js';
import { registerWadoRoutes } from './wado-routes.js';
import { registerWadoUriRoute } from './wado-uri-route.js';

export function registerDicomwebRoutes(app: FastifyInstance, deps: DicomwebRouteDeps): void {
  void app.register(async (scope) => {
    // No DICOMweb path needs a percent sign, a backslash or a dot segment: a path that has one
    // is refused whole, before any route looks at its parts (the UID checks would refuse most).
    scope.addHook('preHandler', async (request, reply) => {
      const path = (request.raw.url ?? request.url).split('?')[0]!;
      if (!/[%\\]|(^|\/)\.{1,2}(\/|$)/.test(path)) return;
      return refuse(request, reply, { status: 400, error: 'non-canonical-path', message: 'the path has an encoded character or a dot segment; DICOMweb paths are plain UIDs and names', deny: true });
    });
    registerStowRoutes(scope, deps);
    registerQidoRoutes(scope, deps);
    registerWadoRoutes(scope, deps);
    registerWadoPixelRoutes(scope, deps);
    registerWadoUriRoute(scope, deps);
  });
}
